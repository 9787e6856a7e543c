package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// sent is a Messenger that accepts every message.
type sent struct{ n int }

func (s *sent) SendMessage(context.Context, int64, flows.Message) (int64, error) {
	s.n++
	return int64(s.n), nil
}

// TestCoordinatorDueSpeaksPlainly: /due says when reminders went in words,
// and does not list the coordinator's own site ratings.
func TestCoordinatorDueSpeaksPlainly(t *testing.T) {
	s := newStudy(t)
	// The coordinator's site rating at m12 is open today.
	coordinator := s.enrol("OSL", "coordinator", "2024-03-14", "")
	consumer := s.enrol("OSL", "consumer", "2025-02-20", "")
	c := &conversation.Coordinator{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now }}
	if reply, _ := c.Handle(s.ctx, s.ids[coordinator], "en", "remind", consumer); !strings.HasPrefix(reply, "Sending 1 reminder(s)") {
		t.Fatalf("/remind %s = %q", consumer, reply)
	}
	d := &reminders.Dispatcher{Store: s.st, Catalog: s.cat, Messenger: &sent{}, Now: func() time.Time { return s.now }}
	if _, err := d.Tick(s.ctx, s.now); err != nil {
		t.Fatal(err)
	}
	reply, err := c.Handle(s.ctx, s.ids[coordinator], "en", "due", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := consumer + " baseline due 2025-02-20 overdue; reminded: by a coordinator"; !strings.Contains(reply, want) {
		t.Errorf("/due = %q, want %q", reply, want)
	}
	if strings.Contains(reply, coordinator) || strings.Contains(reply, "manual") || strings.Contains(reply, "due+") {
		t.Errorf("/due = %q: lists the coordinator themself or speaks in step names", reply)
	}
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "nb", "due", "")
	if !strings.Contains(reply, "påminnet: av en koordinator") {
		t.Errorf("/due (nb) = %q", reply)
	}
}

// TestCoordinatorStatusCountsEveryone: a site with four invited consumers,
// one of whom completed the baseline, one declined, one consented and
// started, and one never opened the link, is counted by how far each came;
// it does not look complete.
func TestCoordinatorStatusCountsEveryone(t *testing.T) {
	s := newStudy(t)
	coordinator := s.enrol("OSL", "coordinator", "", "")
	clinician := s.enrol("OSL", "clinician", "", "")
	s.enrol("OSL", "consumer", "", clinician) // consented, nothing answered

	invite := func() string {
		np := store.NewParticipant{Site: "OSL", Role: "consumer", Lang: "en", ClinicianCode: clinician, InviteExpires: s.now.AddDate(0, 1, 0)}
		inv, err := s.st.Invite(s.ctx, np, 1, func() (string, error) { s.upd++; return "inv-flow-" + time.Duration(s.upd).String(), nil })
		if err != nil {
			t.Fatal(err)
		}
		return inv[0].InviteCode
	}
	// One answers their whole baseline.
	s.chat++
	out := s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: invite()})
	s.completeBattery(s.chat, s.apply(s.chat, flows.Event{Kind: flows.EventButton, Data: button(t, out, "I agree")}))
	// One declines.
	s.chat++
	out = s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: invite()})
	s.apply(s.chat, flows.Event{Kind: flows.EventButton, Data: button(t, out, "No, I do not")})
	// One never opens the link.
	invite()

	c := &conversation.Coordinator{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now }}
	reply, err := c.Handle(s.ctx, s.ids[coordinator], "en", "status", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Participants per site, by how far they came:",
		"OSL consumers: 4 invited, 3 linked, 2 consented, 1 declined, 0 withdrawn; baseline done 1; m12 done 0",
		"OSL clinicians: 1 invited, 1 linked, 1 consented, 0 declined, 0 withdrawn; baseline done 0; m12 done 0",
	} {
		if !strings.Contains(reply, want) {
			t.Errorf("/status = %q\nwant %q", reply, want)
		}
	}
	if strings.Contains(reply, "coordinators") {
		t.Errorf("/status counts coordinators as participants: %q", reply)
	}
	reply, _ = c.Handle(s.ctx, s.ids[coordinator], "nb", "status", "")
	if !strings.Contains(reply, "OSL brukere: 4 invitert, 3 koblet til, 2 samtykket, 1 takket nei, 0 trukket seg; baseline fullført 1") {
		t.Errorf("/status (nb) = %q", reply)
	}
}

// TestCoordinatorCommandsCountAssessorsRatings: once an assessor takes
// part, /due lists the assessors' open ratings of the site (about its
// first coordinator, even the one asking) and of each clinician, and
// /status counts a clinician whose own questionnaires are done as
// incomplete until the assessor rated them.
func TestCoordinatorCommandsCountAssessorsRatings(t *testing.T) {
	s := newStudy(t)
	// The coordinator linked and the clinician consented a year ago: m12
	// is due today.
	coordinator := s.enrol("OSL", "coordinator", "2024-03-14", "")
	clinician := s.enrol("OSL", "clinician", "2024-03-14", "")
	s.completeBattery(s.chat, s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "resume"}))
	c := &conversation.Coordinator{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now }}
	handle := func(cmd string) string {
		t.Helper()
		reply, err := c.Handle(s.ctx, s.ids[coordinator], "en", cmd, "")
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}
	if reply := handle("status"); !strings.Contains(reply, "OSL m12: 1/2 complete (1 open,") {
		t.Errorf("/status without assessors = %q, want the clinician complete and the site open", reply)
	}

	s.enrol("BRG", "assessor", "", "")
	reply := handle("due")
	for _, want := range []string{coordinator + " m12 due 2025-03-14 open", clinician + " m12 due 2025-03-14 open"} {
		if !strings.Contains(reply, want) {
			t.Errorf("/due with an assessor = %q, want a line %q", reply, want)
		}
	}
	if reply := handle("status"); !strings.Contains(reply, "OSL m12: 0/2 complete (2 open,") {
		t.Errorf("/status with an assessor = %q, want the clinician's and the site's ratings open", reply)
	}
}
