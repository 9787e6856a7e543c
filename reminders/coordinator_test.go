package reminders_test

import (
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// TestCoordinatorCommands runs the coordinator's chat commands (package
// conversation) on this package's world, where the dispatcher that sends
// what /remind queues runs too.
func TestCoordinatorCommands(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	coordinator := w.enrol("coordinator", "", "")
	clinician := w.enrol("clinician", "", "")
	consumer := w.enrol("consumer", "2025-02-20", clinician)
	done := w.enrol("consumer", "", "")
	w.complete(done, done, "baseline")
	w.tick(d)
	in := newInbox()
	in.collect(w, w.clock.Now()) // the clinician's rating reminder at consent
	in.got = map[string][]received{}
	c := &conversation.Coordinator{Store: w.st, Catalog: w.catalog, Now: w.clock.Now}

	// Participants of other roles are refused, whatever they ask.
	for _, who := range []string{consumer, clinician} {
		for _, cmd := range [][2]string{{"due", ""}, {"remind", consumer}, {"remind", "due yes"}, {"status", ""}} {
			reply, err := c.Handle(w.ctx, w.ids[who], "en", cmd[0], cmd[1])
			if err != nil || !strings.HasPrefix(reply, "Only study coordinators") {
				t.Errorf("%s /%s %s = %q, %v; want a refusal", who, cmd[0], cmd[1], reply, err)
			}
		}
	}
	if n := len(auditOf(t, w, "reminder_requested")); n != 0 {
		t.Fatalf("refused commands queued %d reminders", n)
	}

	reply, err := c.Handle(w.ctx, w.ids[coordinator], "en", "due", "")
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
	reply, _ = c.Handle(w.ctx, w.ids[coordinator], "en", "remind", "due")
	if !strings.Contains(reply, "/remind due yes") || len(auditOf(t, w, "reminder_requested")) != 0 {
		t.Errorf("/remind due = %q; want a confirmation question and nothing queued", reply)
	}
	// ...and sends when confirmed: the consumer for their own battery, the
	// clinician for theirs and for the consumer's ratings.
	reply, _ = c.Handle(w.ctx, w.ids[coordinator], "en", "remind", "due yes")
	if !strings.HasPrefix(reply, "Sending 3 reminder(s)") {
		t.Errorf("/remind due yes = %q", reply)
	}
	w.tick(d)
	in.collect(w, w.clock.Now())
	if len(in.got[consumer]) != 1 || len(in.got[clinician]) != 2 {
		t.Errorf("after /remind due: consumer got %d, clinician %d; want 1 and 2", len(in.got[consumer]), len(in.got[clinician]))
	}

	for arg, want := range map[string]string{
		done:         "has nothing open",
		"OSL-C-0999": "No participant OSL-C-0999",
		"":           "Use /remind CODE",
	} {
		if reply, _ := c.Handle(w.ctx, w.ids[coordinator], "en", "remind", arg); !strings.Contains(reply, want) {
			t.Errorf("/remind %q = %q, want %q", arg, reply, want)
		}
	}
	reply, _ = c.Handle(w.ctx, w.ids[coordinator], "nb", "remind", consumer)
	if !strings.HasPrefix(reply, "Sender 1 påminnelse(r) til "+consumer) {
		t.Errorf("/remind %s (nb) = %q", consumer, reply)
	}
	reply, _ = c.Handle(w.ctx, w.ids[coordinator], "en", "status", "")
	for _, want := range []string{
		"OSL baseline: 1/3 complete (1 open, 1 overdue, 0 missed, 0 not yet open)",
		"OSL m12: 0/3 complete (0 open, 0 overdue, 0 missed, 3 not yet open)",
	} {
		if !strings.Contains(reply, want) {
			t.Errorf("/status = %q, want %q", reply, want)
		}
	}

	// Another site's coordinator sees and reminds nothing of OSL.
	w.site = "BRG"
	bergen := w.enrol("coordinator", "", "")
	reply, _ = c.Handle(w.ctx, w.ids[bergen], "en", "due", "")
	if reply != "No follow-ups are open or overdue." {
		t.Errorf("BRG /due = %q", reply)
	}
	if reply, _ = c.Handle(w.ctx, w.ids[bergen], "en", "remind", consumer); !strings.HasPrefix(reply, "No participant") {
		t.Errorf("BRG /remind %s = %q", consumer, reply)
	}
	if reply, _ = c.Handle(w.ctx, w.ids[bergen], "en", "status", ""); strings.Contains(reply, "OSL") {
		t.Errorf("BRG /status = %q", reply)
	}
}
