package reminders_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/reminders"
)

// answerAt records an answer by code to their own baseline questionnaire
// at the clock's time, as the chat would.
func (w *world) answerAt(code, item string) {
	w.t.Helper()
	now := w.clock.Now()
	pgtest.Exec(w.t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
		VALUES ($1, $1, 'imrs-consumer', '1', 'baseline', 'in_progress', $2, $2)
		ON CONFLICT (subject_id, respondent_id, questionnaire, timepoint) DO NOTHING`, w.ids[code], now)
	pgtest.Exec(w.t, `
		INSERT INTO answers (assessment_id, item, value, answered_at)
		SELECT id, $2, '3', $3 FROM assessments
		WHERE subject_id = $1 AND respondent_id = $1 AND questionnaire = 'imrs-consumer' AND timepoint = 'baseline'`,
		w.ids[code], item, now)
}

// TestReminderWaitsUntilIdle: a scheduled reminder due while the person
// answered in the last 30 minutes is put off until 30 minutes after that
// answer, without counting as an attempt; a coordinator's manual reminder
// goes at once; the first notice of a timepoint is not called a reminder.
func TestReminderWaitsUntilIdle(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	w.clock.Set(osloTime("2026-01-10 10:00"))
	code := w.enrol("consumer", "", "")
	in := newInbox()
	w.runDays(in, "2026-01-10", "2026-01-16", d)
	if got := in.times(code); len(got) != 0 {
		t.Fatalf("received %v before the baseline's +7 step", got)
	}

	// Answering at 08:45 on the day of the +7 step (09:00).
	w.clock.Set(osloTime("2026-01-17 08:45"))
	w.answerAt(code, "imrs_1")
	for _, hm := range []string{"09:00", "09:10", "09:14"} {
		w.clock.Set(osloTime("2026-01-17 " + hm))
		st, err := d.Tick(w.ctx, w.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		in.collect(w, w.clock.Now())
		if hm == "09:00" && st.Deferred != 1 {
			t.Errorf("tick at 09:00 deferred %d, want 1: %+v", st.Deferred, st)
		}
	}
	// Another answer at 09:14 puts it off again, until 09:44.
	w.answerAt(code, "imrs_2")
	for _, hm := range []string{"09:15", "09:43", "09:44"} {
		w.clock.Set(osloTime("2026-01-17 " + hm))
		w.tick(d)
		in.collect(w, w.clock.Now())
	}
	if got, want := in.times(code), []string{"2026-01-17 09:44"}; !slices.Equal(got, want) {
		t.Fatalf("received at %v, want %v (30 minutes after the last answer)", got, want)
	}
	// The consent offer was the first notice of the baseline: this one is
	// a reminder.
	if got := in.got[code][0].text; !strings.HasPrefix(got, "Reminder (") {
		t.Errorf("the +7 reminder says %q", got)
	}
	rs, err := w.st.RemindersOf(w.ctx, w.ids[code])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Step == string(reminders.StepDue7) && r.Timepoint == "baseline" && (r.Status != "sent" || r.Attempts != 1) {
			t.Errorf("the deferred reminder: %s after %d attempts, want sent after 1", r.Status, r.Attempts)
		}
	}

	// A manual reminder is not deferred.
	w.clock.Set(osloTime("2026-01-18 11:00"))
	w.answerAt(code, "imrs_3")
	if _, err := (&reminders.Manual{Store: w.st, Catalog: w.catalog}).Participant(w.ctx, code, nil, w.clock.Now(), "OSL-K-0001"); err != nil {
		t.Fatal(err)
	}
	w.tick(d)
	in.collect(w, w.clock.Now())
	if got := in.times(code); len(got) != 2 || got[1] != "2026-01-18 11:00" {
		t.Errorf("received at %v, want the manual reminder at 2026-01-18 11:00 at once", got)
	}

	// A corrected baseline opens m12 late: its one collapsed notice is the
	// first about m12, so it is not called a reminder.
	w.clock.Set(osloTime("2026-01-20 15:00"))
	p := &reminders.Planner{Catalog: w.catalog, Hours: d.Hours}
	if err := p.SetBaseline(w.ctx, w.st, code, day("2025-01-05"), w.clock.Now(), "cli"); err != nil {
		t.Fatal(err)
	}
	w.tick(d)
	in.collect(w, w.clock.Now())
	got := in.got[code]
	if last := got[len(got)-1].text; !strings.HasPrefix(last, "Now open (") || !strings.Contains(last, "12-month") {
		t.Errorf("the first m12 notice says %q, want it to begin \"Now open (\"", last)
	}
}
