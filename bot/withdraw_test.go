package bot_test

import (
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
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
	if pt, err := w.st.ParticipantByCode(w.ctx, code); err != nil || pt.Status != questionnaires.StatusWithdrawn {
		t.Errorf("participant after erasure: %+v, %v", pt, err)
	}
	// The chat is a stranger's now; its old code is spent.
	p.u.Start(invite)
	p.containing("already been used")
}

// A coordinator's commands are answered by the conversation's coordinator,
// after the update that carried them; anyone else's are refused by the
// engine and reach no coordinator's tools.
func TestCoordinatorCommandsAreAnsweredOthersRefused(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, rinvite := w.invite(store.NewParticipant{Role: "coordinator"})
	r := w.person("en")
	r.u.Start(rinvite)
	r.containing("coordinator")
	r.u.Send("/remind OSL-C-0999")
	r.containing("No participant OSL-C-0999 at your sites")

	_, cinvite := w.invite(store.NewParticipant{})
	c := w.person("en")
	c.enrol(cinvite)
	c.u.Send("/due")
	if m := c.reply(); !strings.Contains(m.Text, "for study coordinators") {
		t.Errorf("a consumer's /due got %q, want the engine's refusal", m.Text)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'reminder_requested'`); n != 0 {
		t.Errorf("commands queued %d reminders", n)
	}
}
