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
	pending  map[int64]asked // participant -> question, not yet written
	writing  map[int64]asked // being written
	written  map[int64]asked // written; forgotten in bulk past maxWritten
	flushing bool
}

// asked is the message asking a participant's question and the chat it
// was sent to: a reissued invitation can move a participant to another
// chat, whose messages Telegram numbers afresh, so only ids of one chat
// compare.
type asked struct{ chat, message int64 }

// later is the newer of two records of one participant's question: the
// higher message id in one chat, else the one recorded last (b).
func later(a, b asked) asked {
	if a.chat == b.chat && a.message > b.message {
		return a
	}
	return b
}

// maxWritten bounds the ids kept once written (24 bytes each). Forgetting
// them only sends Latest to the database's value.
const maxWritten = 100_000

func newPrompts(st *store.Store, log *slog.Logger) *prompts {
	return &prompts{store: st, log: log, pending: map[int64]asked{}, written: map[int64]asked{}}
}

// Record notes that messageID in chatID asks the participant's current
// question. When no write is under way it writes, this record and any made
// meanwhile; otherwise it returns at once, and the write under way takes
// it next.
func (p *prompts) Record(ctx context.Context, participantID, chatID, messageID int64) {
	p.mu.Lock()
	p.pending[participantID] = later(p.pending[participantID], asked{chat: chatID, message: messageID})
	if p.flushing {
		p.mu.Unlock()
		return
	}
	p.flushing = true
	for len(p.pending) > 0 {
		p.writing, p.pending = p.pending, map[int64]asked{}
		messages := make(map[int64]int64, len(p.writing))
		for id, a := range p.writing {
			messages[id] = a.message
		}
		p.mu.Unlock()
		err := p.store.RecordPromptMessages(ctx, messages)
		if err != nil {
			p.log.Error("cannot record the questions' messages", slog.Int("chats", len(p.writing)), slog.Any("err", err))
		}
		p.mu.Lock()
		if len(p.written)+len(p.writing) > maxWritten {
			p.written = map[int64]asked{}
		}
		for id, a := range p.writing {
			p.written[id] = later(p.written[id], a)
		}
		p.writing = nil
	}
	p.flushing = false
	p.mu.Unlock()
}

// Latest is the message asking the participant's current question in
// chatID: stored is the one the database has, which a record of that chat
// not yet written supersedes. (Telegram numbers the messages of a chat in
// order; a record of the participant's earlier chat says nothing here.)
func (p *prompts) Latest(participantID, chatID, stored int64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	latest := stored
	for _, a := range []asked{p.pending[participantID], p.writing[participantID], p.written[participantID]} {
		if a.chat == chatID {
			latest = max(latest, a.message)
		}
	}
	return latest
}
