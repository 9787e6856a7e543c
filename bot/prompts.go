package bot

import (
	"context"
	"log/slog"
	"sync"

	"github.com/imrbot/imrbot/store"
)

// prompts records the message id of each question sent, so that the next
// answer can edit the question to show it. The records are gathered: the
// render that finds no write under way writes everything recorded until
// nothing is left, one statement for all the chats that got a question
// meanwhile, where one transaction each was most of the database's work
// besides the answers. The ids are also kept here, written or not, so a
// reply rendered after its update was applied (the chat's previous reply
// sent a question meanwhile) edits the question it answered: the database
// value the update read may be older.
//
// Losing a record (a crash, a failed write) costs one edit: the question
// keeps its buttons, which are stale once it is answered.
type prompts struct {
	store *store.Store
	log   *slog.Logger

	mu       sync.Mutex
	pending  map[int64]int64 // participant -> message id, not yet written
	writing  map[int64]int64 // being written
	written  map[int64]int64 // written; forgotten in bulk past maxWritten
	flushing bool
}

// maxWritten bounds the ids kept once written (16 bytes each). Forgetting
// them only sends Latest to the database's value.
const maxWritten = 100_000

func newPrompts(st *store.Store, log *slog.Logger) *prompts {
	return &prompts{store: st, log: log, pending: map[int64]int64{}, written: map[int64]int64{}}
}

// Record notes that messageID asks the participant's current question.
// When no write is under way it writes, this record and any made meanwhile;
// otherwise it returns at once, and the write under way takes it next.
func (p *prompts) Record(ctx context.Context, participantID, messageID int64) {
	p.mu.Lock()
	p.pending[participantID] = max(p.pending[participantID], messageID)
	if p.flushing {
		p.mu.Unlock()
		return
	}
	p.flushing = true
	for len(p.pending) > 0 {
		p.writing, p.pending = p.pending, map[int64]int64{}
		p.mu.Unlock()
		err := p.store.RecordPromptMessages(ctx, p.writing)
		if err != nil {
			p.log.Error("cannot record the questions' messages", slog.Int("chats", len(p.writing)), slog.Any("err", err))
		}
		p.mu.Lock()
		if len(p.written)+len(p.writing) > maxWritten {
			p.written = map[int64]int64{}
		}
		for id, m := range p.writing {
			p.written[id] = max(p.written[id], m)
		}
		p.writing = nil
	}
	p.flushing = false
	p.mu.Unlock()
}

// Latest is the message asking the participant's current question: stored
// is the one the database has, which a record not yet written supersedes.
// (Telegram numbers the messages of a chat in order.)
func (p *prompts) Latest(participantID, stored int64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(stored, p.pending[participantID], p.writing[participantID], p.written[participantID])
}
