package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// study is a database and a conversation service people join through the
// chat's own path: an invitation, /start CODE, consent.
type study struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	cat  *questionnaires.Catalog
	svc  *conversation.Service
	now  time.Time
	ids  map[string]int64 // participant ids by code
	chat int64            // the last chat id handed out
	upd  int64            // the last update id handed out
}

func newStudy(t *testing.T) *study {
	t.Helper()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	s := &study{t: t, ctx: context.Background(), st: pgtest.Store(t), cat: cat,
		now: time.Date(2025, 3, 14, 10, 0, 0, 0, oslo), ids: map[string]int64{}}
	s.svc, err = conversation.New(conversation.Options{Store: s.st, Catalog: cat, Now: func() time.Time { return s.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.svc.Stop)
	for _, site := range []string{"OSL", "BRG"} {
		if err := s.st.AddSite(s.ctx, site, site); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// apply applies one event from chat and returns its outcome.
func (s *study) apply(chat int64, ev flows.Event) *conversation.Outcome {
	s.t.Helper()
	s.upd++
	ev.UpdateID = s.upd
	out, err := s.svc.Apply(s.ctx, conversation.Update{ID: s.upd, ChatID: chat, UserID: chat, UserLang: "en", MessageAt: s.now, Event: ev})
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// button is the data of the last reply's button whose text begins with
// prefix ("" for the first button).
func button(t *testing.T, out *conversation.Outcome, prefix string) string {
	t.Helper()
	for i := len(out.Replies) - 1; i >= 0; i-- {
		for _, row := range out.Replies[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, prefix) {
					return b.Data
				}
			}
		}
	}
	t.Fatalf("no button %q in %+v", prefix, out.Replies)
	return ""
}

// enrol invites someone at site and has them join in the chat (and
// consent, unless a coordinator); baseline "" leaves the date to consent.
func (s *study) enrol(site, role, baseline, clinician string) string {
	s.t.Helper()
	np := store.NewParticipant{Site: site, Role: role, Lang: "en", ClinicianCode: clinician, InviteExpires: s.now.AddDate(0, 1, 0)}
	if baseline != "" {
		d, err := time.Parse(time.DateOnly, baseline)
		if err != nil {
			s.t.Fatal(err)
		}
		np.BaselineDate = &d
	}
	n := 0
	inv, err := s.st.Invite(s.ctx, np, 1, func() (string, error) { n++; return fmt.Sprintf("inv%d%d", s.upd, n), nil })
	if err != nil {
		s.t.Fatal(err)
	}
	s.chat++
	out := s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: inv[0].InviteCode})
	if role != "coordinator" {
		s.apply(s.chat, flows.Event{Kind: flows.EventButton, Data: button(s.t, out, "I agree")})
	}
	p, err := s.st.ParticipantByCode(s.ctx, inv[0].ParticipantCode)
	if err != nil {
		s.t.Fatal(err)
	}
	s.ids[p.Code] = p.ID
	return p.Code
}

// completeBattery answers every question the chat asks, with its first
// option or the lowest number, until the timepoint is complete.
func (s *study) completeBattery(chat int64, first *conversation.Outcome) {
	s.t.Helper()
	out := first
	for range 200 {
		last := out.Replies[len(out.Replies)-1]
		switch {
		case len(last.Buttons) > 0 && last.Prompt:
			out = s.apply(chat, flows.Event{Kind: flows.EventButton, Data: last.Buttons[0][0].Data})
		case last.Prompt:
			out = s.apply(chat, flows.Event{Kind: flows.EventText, Text: "50"})
		default:
			return
		}
	}
	s.t.Fatal("the battery did not end")
}

// reminded counts the manual reminders queued for code.
func (s *study) reminded(code string) int {
	s.t.Helper()
	rs, err := s.st.RemindersOf(s.ctx, s.ids[code])
	if err != nil {
		s.t.Fatal(err)
	}
	n := 0
	for _, r := range rs {
		if r.ParticipantID == s.ids[code] && strings.HasPrefix(r.Step, "manual:") {
			n++
		}
	}
	return n
}

func TestCoordinatorCommands(t *testing.T) {
	s := newStudy(t)
	coordinator := s.enrol("OSL", "coordinator", "", "")
	clinician := s.enrol("OSL", "clinician", "", "")
	consumer := s.enrol("OSL", "consumer", "2025-02-20", clinician)

	// One consumer answers their whole baseline in the chat.
	np := store.NewParticipant{Site: "OSL", Role: "consumer", Lang: "en", InviteExpires: s.now.AddDate(0, 1, 0)}
	inv, err := s.st.Invite(s.ctx, np, 1, func() (string, error) { return "invdone", nil })
	if err != nil {
		t.Fatal(err)
	}
	s.chat++
	out := s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: inv[0].InviteCode})
	s.completeBattery(s.chat, s.apply(s.chat, flows.Event{Kind: flows.EventButton, Data: button(t, out, "I agree")}))
	done := inv[0].ParticipantCode
	p, err := s.st.ParticipantByCode(s.ctx, done)
	if err != nil {
		t.Fatal(err)
	}
	s.ids[done] = p.ID
	c := &conversation.Coordinator{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now }}

	// Participants of other roles are refused, whatever they ask.
	for _, who := range []string{consumer, clinician} {
		for _, cmd := range [][2]string{{"due", ""}, {"remind", consumer}, {"remind", "due yes"}, {"status", ""}} {
			reply, err := c.Handle(s.ctx, s.ids[who], "en", cmd[0], cmd[1])
			if err != nil || !strings.HasPrefix(reply, "Only study coordinators") {
				t.Errorf("%s /%s %s = %q, %v; want a refusal", who, cmd[0], cmd[1], reply, err)
			}
		}
	}
	if n := s.reminded(consumer) + s.reminded(clinician); n != 0 {
		t.Fatalf("refused commands queued %d reminders", n)
	}

	reply, err := c.Handle(s.ctx, s.ids[coordinator], "en", "due", "")
	if err != nil {
		t.Fatal(err)
	}
	// The consumer's baseline (20 February, collected before enrolment) is
	// overdue; the clinician's own and their ratings are due today (open).
	for _, want := range []string{consumer + " baseline due 2025-02-20 overdue", clinician + " baseline due 2025-03-14 open"} {
		if !strings.Contains(reply, want) {
			t.Errorf("/due = %q, want a line %q", reply, want)
		}
	}
	if strings.Contains(reply, done) {
		t.Errorf("/due lists %s, who completed: %q", done, reply)
	}

	// /remind due asks first and queues nothing...
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "en", "remind", "due")
	if !strings.Contains(reply, "/remind due yes") || s.reminded(consumer)+s.reminded(clinician) != 0 {
		t.Errorf("/remind due = %q; want a confirmation question and nothing queued", reply)
	}
	// ...and queues when confirmed: the consumer for their own battery, the
	// clinician for theirs and for the consumer's ratings.
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "en", "remind", "due yes")
	if !strings.HasPrefix(reply, "Sending 3 reminder(s)") {
		t.Errorf("/remind due yes = %q", reply)
	}
	if got, want := [2]int{s.reminded(consumer), s.reminded(clinician)}, [2]int{1, 2}; got != want {
		t.Errorf("after /remind due: consumer %d, clinician %d queued; want 1 and 2", got[0], got[1])
	}

	for arg, want := range map[string]string{
		done:         "has nothing open",
		"OSL-C-0999": "No participant OSL-C-0999",
		"":           "Use /remind CODE",
	} {
		if reply, _ := c.Handle(s.ctx, s.ids[coordinator], "en", "remind", arg); !strings.Contains(reply, want) {
			t.Errorf("/remind %q = %q, want %q", arg, reply, want)
		}
	}
	s.now = s.now.Add(time.Minute) // a manual reminder's step is its time
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "nb", "remind", consumer)
	if !strings.HasPrefix(reply, "Sender 1 påminnelse(r) til "+consumer) {
		t.Errorf("/remind %s (nb) = %q", consumer, reply)
	}
	// The coordinator, linked in the chat, rates the site at m12.
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "en", "status", "")
	for _, want := range []string{
		"OSL baseline: 1/3 complete (1 open, 1 overdue, 0 missed, 0 not yet open)",
		"OSL m12: 0/4 complete (0 open, 0 overdue, 0 missed, 4 not yet open)",
	} {
		if !strings.Contains(reply, want) {
			t.Errorf("/status = %q, want %q", reply, want)
		}
	}

	// Another site's coordinator sees and reminds nothing of OSL.
	bergen := s.enrol("BRG", "coordinator", "", "")
	reply, _ = c.Handle(s.ctx, s.ids[bergen], "en", "due", "")
	if reply != "No follow-ups are open or overdue." {
		t.Errorf("BRG /due = %q", reply)
	}
	if reply, _ = c.Handle(s.ctx, s.ids[bergen], "en", "remind", consumer); !strings.HasPrefix(reply, "No participant") {
		t.Errorf("BRG /remind %s = %q", consumer, reply)
	}
	if reply, _ = c.Handle(s.ctx, s.ids[bergen], "en", "status", ""); strings.Contains(reply, "OSL") {
		t.Errorf("BRG /status = %q", reply)
	}
}
