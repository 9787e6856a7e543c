package conversation

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// group applies the updates of different chats together, several in one
// transaction: one statement opens them all (records the update ids, locks
// the chats, reads the sessions), the engine steps each, and one statement
// saves them all, with one BEGIN, one COMMIT and one wait for the disk. A
// transaction per answer cost four or five round trips and a disk wait
// each; with many people answering at once, that was most of what the
// database did.
//
// Each update keeps its guarantees: its answers and state commit together
// with its update id, its chat's row is locked until the commit, and
// nothing is sent before it. A transaction that fails (a chat locked by
// another process, an error in any update) is rolled back whole and its
// updates are applied one by one, as if there were no group; so are the
// updates a group does not take (commands, and chats linked to no one).
//
// Leaders are goroutines that run one transaction after another while
// updates wait, at most maxLeaders at once; none runs while nothing waits.
type group struct {
	s          *Service
	maxLeaders int
	maxSize    int

	mu      sync.Mutex
	queue   []*groupItem
	leaders int
}

type groupItem struct {
	in    Update
	out   *Outcome
	alone bool // not applied: apply on its own
	done  chan struct{}
}

func newGroup(s *Service, leaders, size int) *group {
	return &group{s: s, maxLeaders: leaders, maxSize: size}
}

// groupable are the updates a shared transaction takes: answers (button
// taps and typed text). Commands may look invites up, lock other rows or
// link chats, and are applied alone.
func groupable(in Update) bool {
	return in.Event.Kind == flows.EventButton || in.Event.Kind == flows.EventText
}

// apply applies in with others and returns its outcome; alone is true when
// the group did not apply it.
func (g *group) apply(in Update) (out *Outcome, alone bool) {
	it := &groupItem{in: in, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, it)
	if g.leaders < g.maxLeaders {
		g.leaders++
		go g.lead()
	}
	g.mu.Unlock()
	<-it.done
	return it.out, it.alone
}

func (g *group) lead() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), g.maxSize)
		if n == 0 {
			g.leaders--
			g.mu.Unlock()
			return
		}
		batch := make([]*groupItem, n)
		copy(batch, g.queue)
		g.queue = append(g.queue[:0], g.queue[n:]...)
		g.mu.Unlock()
		g.run(batch)
	}
}

// run applies batch in one transaction, in the service's work context: once
// taken, an update is applied even if its webhook request ends.
func (g *group) run(batch []*groupItem) {
	defer func() {
		for _, it := range batch {
			close(it.done)
		}
	}()
	ctx := g.s.work
	g.s.metrics.groupSize.Observe(float64(len(batch)))
	err := g.s.store.InChatTx(ctx, func(tx *store.ChatTx) error {
		updates := make([]store.ChatUpdate, len(batch))
		for i, it := range batch {
			updates[i] = store.ChatUpdate{UpdateID: it.in.ID, ChatID: it.in.ChatID}
		}
		opened, err := tx.OpenShared(ctx, updates)
		if err != nil {
			return err
		}
		saves := make([]store.ConversationSave, 0, len(batch))
		for i, it := range batch {
			it.out, it.alone = &Outcome{}, opened[i].Session == nil
			if it.alone {
				continue
			}
			ap, err := g.s.step(ctx, tx, it.in, it.out, opened[i].Fresh, opened[i].Session)
			if err != nil {
				return err
			} else if ap == nil {
				continue
			}
			if cs, ok := ap.conversationSave(); ok {
				saves = append(saves, cs)
			}
		}
		return tx.SaveConversations(ctx, saves)
	})
	if err != nil {
		if !errors.Is(err, store.ErrChatBusy) {
			g.s.log.Warn("a shared transaction failed; applying its updates one by one",
				slog.Int("updates", len(batch)), slog.Any("err", err))
		}
		for _, it := range batch {
			it.out, it.alone = nil, true
		}
	}
}
