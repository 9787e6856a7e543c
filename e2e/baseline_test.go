package e2e

import (
	"strings"
	"testing"
	"time"
)

// Correcting a baseline date moves the schedule at once; the steps already
// past collapse into one reminder, sent exactly once although two serve
// processes (both in webhook mode, the second owning the webhook) run
// dispatchers on the same database.
func TestBaselineCorrectionRemindsOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	for _, name := range []string{"serve-a", "serve-b"} {
		addr := freeAddr(t)
		w.serve(name, "LISTEN_ADDR="+addr, "WEBHOOK_URL=http://"+addr+"/tg/hook", "WEBHOOK_SECRET=s3cret")
	}
	ann, q := w.consented("Ann", inv, "en", "I agree")
	kept := ann.answerQuestion(q, 1, false) // a baseline answer, kept when baseline expires
	q = ann.question(q.ID)
	if lines := dueLines(t, w.must("due")); lines[inv.participant].timepoint == "m12" {
		t.Errorf("m12 is listed as due right after a consent today: %+v", lines[inv.participant])
	}

	baseline, due := overdueBaseline()
	audits := w.count("audit_log")
	w.must("participant", "set-baseline", inv.participant, "--date", baseline.Format(time.DateOnly))
	if w.count("audit_log") <= audits {
		t.Errorf("set-baseline left no audit record")
	}
	got := dueLines(t, w.must("due"))[inv.participant]
	if got.timepoint != "m12" || got.due != due.Format(time.DateOnly) || (got.status != "overdue" && got.status != "open") {
		t.Errorf("after set-baseline due lists %+v, want m12 due %s overdue", got, due.Format(time.DateOnly))
	}

	reminder := ann.after(q.ID, "reminding of the m12 follow-up after the correction", isReminder)
	if _, err := ann.u.Tap(reminder.ID, reminder.Buttons[0][0].CallbackData); err != nil {
		t.Fatal(err)
	}
	m12 := ann.question(reminder.ID)
	if n, of, _ := progress(m12); n != 1 || of != 15 {
		t.Errorf("the reminder's button asks %q, want 1/15", m12.Text)
	}
	ann.answerQuestion(m12, 0, false)
	ann.question(m12.ID)

	var reminders []string
	for _, m := range ann.u.Messages() {
		if isReminder(m) {
			reminders = append(reminders, m.Text)
		}
	}
	if len(reminders) != 1 {
		t.Errorf("Ann got %d reminders after the correction, want exactly one: %q", len(reminders), reminders)
	}
	_, rows, _ := w.export("long")
	byTimepoint := map[string][]string{}
	for _, r := range filterRows(rows, "participant", inv.participant) {
		byTimepoint[r["timepoint"]] = append(byTimepoint[r["timepoint"]], r["value"])
	}
	if len(byTimepoint["baseline"]) != 1 || byTimepoint["baseline"][0] != kept.value || len(byTimepoint["m12"]) != 1 {
		t.Errorf("export after the correction: %v, want the baseline answer kept (%s) and one m12 answer", byTimepoint, kept.value)
	}
}

// The offer made at consent covers the baseline only. A correction made
// before the dispatcher's next planning run (its interval is an hour while
// enrolment goes on) opens m12, and m12 is reminded: once, at once.
func TestBaselineCorrectedBeforePlanningIsReminded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	enrolment := w.serve("serve-enrolment", "REMINDER_INTERVAL=1h")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	enrolment.stop()

	baseline, _ := overdueBaseline()
	w.must("participant", "set-baseline", inv.participant, "--date", baseline.Format(time.DateOnly))
	sending := w.serve("serve-sending", "REMINDER_INTERVAL=1s")
	reminder := ann.after(q.ID, "the m12 reminder after the correction", isReminder)
	if !strings.Contains(reminder.Text, "12-month") {
		t.Errorf("the reminder after the correction is not about m12: %q", reminder.Text)
	}
	sending.stop() // every tick it ran is over
	var reminders []string
	for _, m := range ann.u.Messages() {
		if isReminder(m) {
			reminders = append(reminders, m.Text)
		}
	}
	if len(reminders) != 1 {
		t.Errorf("Ann got %d reminders, want exactly one: %q", len(reminders), reminders)
	}
}
