package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

func TestWithdrawAndEraseLeavesNoTraceOfTheChat(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	code, invite := w.invite(store.NewParticipant{})
	p := w.person("en")
	p.answer(p.enrol(invite))
	p.question()
	p.u.Send("/withdraw")
	confirm := p.next(func(m telegramfake.Message) bool { _, ok := m.Button("Yes, withdraw"); return ok })
	p.press(confirm, "Yes, withdraw")
	choice := p.next(func(m telegramfake.Message) bool { _, ok := m.Button("Erase my answers"); return ok })
	p.press(choice, "Erase my answers")
	p.containing("erased")

	for table, want := range map[string]int{"answers": 0, "assessments": 0, "telegram_links": 0, "conversations": 0} {
		if n := count(t, table); n != want {
			t.Errorf("%s: %d rows after erasure, want %d", table, n, want)
		}
	}
	if pt, err := w.st.ParticipantByCode(w.ctx, code); err != nil || pt.Status != store.StatusWithdrawn {
		t.Errorf("participant after erasure: %+v, %v", pt, err)
	}
	// The chat is a stranger's now; its old code is spent.
	p.u.Start(invite)
	p.containing("already been used")
}

// coordinator records the commands routed to it.
type coordinator struct {
	mu    sync.Mutex
	calls []string
}

func (c *coordinator) Handle(_ context.Context, id int64, lang, command, arg string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, command+" "+arg)
	return "<due list> & more for " + lang, nil
}

func TestCoordinatorCommandsAreRoutedOthersRefused(t *testing.T) {
	w := newWorld(t)
	coord := &coordinator{}
	b, err := bot.New(bot.Options{Token: w.fake.Token, APIURL: w.fake.URL, Store: w.st, Catalog: w.cat, Coordinator: coord})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Drain(0) })
	w.poll(b)
	_, rinvite := w.invite(store.NewParticipant{Role: "coordinator"})
	r := w.person("en")
	r.u.Start(rinvite)
	r.containing("coordinator")
	r.u.Send("/remind OSL-C-0001")
	if m := r.containing("<due list>"); !strings.Contains(m.Text, "& more for en") {
		t.Errorf("coordinator reply %q", m.Text)
	}

	_, cinvite := w.invite(store.NewParticipant{})
	c := w.person("en")
	c.enrol(cinvite)
	c.u.Send("/due")
	if m := c.reply(); strings.Contains(m.Text, "<due list>") {
		t.Errorf("a consumer's /due reached the coordinator handler: %q", m.Text)
	}
	coord.mu.Lock()
	defer coord.mu.Unlock()
	if len(coord.calls) != 1 || coord.calls[0] != "remind OSL-C-0001" {
		t.Errorf("routed %q, want only the coordinator's /remind", coord.calls)
	}
}
