package bot

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// errApplyAlone says a shared transaction could not take an update: it is
// applied on its own (it wrote nothing yet).
var errApplyAlone = errors.New("apply the update on its own")

// group applies the updates of different chats together, several in one
// transaction: one BEGIN, one COMMIT and one wait for the disk for all of
// them instead of one each. With many people answering at once, that is
// most of what the database does per answer besides the answer itself.
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
	b          *Bot
	maxLeaders int
	maxSize    int

	mu      sync.Mutex
	queue   []*groupItem
	leaders int
}

type groupItem struct {
	in    incoming
	out   *outcome
	err   error
	alone bool // not applied: apply on its own
	done  chan struct{}
}

func newGroup(b *Bot, leaders, size int) *group {
	return &group{b: b, maxLeaders: leaders, maxSize: size}
}

// groupable are the updates a shared transaction takes: answers (button
// taps and typed text). Commands may look invites up, lock other rows or
// link chats, and are applied alone.
func groupable(in incoming) bool {
	return in.membership == "" && (in.event.Kind == flows.EventButton || in.event.Kind == flows.EventText)
}

// apply applies in with others and returns its outcome; alone is true when
// the group did not apply it.
func (g *group) apply(in incoming) (out *outcome, alone bool, err error) {
	it := &groupItem{in: in, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, it)
	if g.leaders < g.maxLeaders {
		g.leaders++
		go g.lead()
	}
	g.mu.Unlock()
	<-it.done
	return it.out, it.alone, it.err
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

// run applies batch in one transaction, in the bot's work context: once
// taken, an update is applied even if its webhook request ends.
func (g *group) run(batch []*groupItem) {
	defer func() {
		for _, it := range batch {
			close(it.done)
		}
	}()
	ctx := g.b.work
	g.b.metrics.groupSize.Observe(float64(len(batch)))
	err := g.b.store.InChatTx(ctx, func(tx *store.ChatTx) error {
		for _, it := range batch {
			it.out, it.alone = &outcome{in: it.in}, false
			err := g.b.applyInTx(ctx, tx, it.in, it.out, true)
			if errors.Is(err, errApplyAlone) {
				it.alone = true
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if !errors.Is(err, store.ErrChatBusy) {
			g.b.log.Warn("a shared transaction failed; applying its updates one by one",
				slog.Int("updates", len(batch)), slog.Any("err", err))
		}
		for _, it := range batch {
			it.out, it.alone = nil, true
		}
	}
}
