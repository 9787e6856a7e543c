package reminders_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
)

// TestYearOfReminders runs a whole year of the default protocol with an
// injected clock, ticking four times a day (08:59, 09:00, 12:00, 20:30 in
// Oslo), and checks every message each participant received and when.
func TestYearOfReminders(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")

	coordinator := w.enrol("coordinator", "", "")
	clinician := w.enrol("clinician", "", "")
	never := w.enrol("consumer", "", clinician) // answers nothing, ever
	diligent := w.enrol("consumer", "", "")     // answers everything early
	leaver := w.enrol("consumer", "", "")       // withdraws during m12

	in := newInbox()
	events := map[string]func(){
		"2025-03-15 12:00": func() {
			w.complete(diligent, diligent, "baseline")
			w.complete(leaver, leaver, "baseline")
		},
		"2026-03-01 12:00": func() {
			w.complete(diligent, diligent, "m12")
			w.withdraw(leaver)
		},
	}
	// The consent day itself, then four ticks a day until June 2026.
	w.tick(d)
	in.collect(w, w.clock.Now())
	for date := day("2025-03-15"); date.Before(day("2026-06-02")); date = date.AddDate(0, 0, 1) {
		for _, hm := range []string{"08:59", "09:00", "12:00", "20:30"} {
			at := date.Format(time.DateOnly) + " " + hm
			w.clock.Set(osloTime(at))
			if ev, ok := events[at]; ok {
				ev()
			}
			w.tick(d)
			in.collect(w, w.clock.Now())
		}
	}

	if testing.Verbose() {
		rs, _ := w.st.RemindersOf(w.ctx, w.ids[never])
		for _, r := range rs {
			t.Logf("%d->%d %s %s %s %s %v %v", r.ParticipantID, r.SubjectID, r.Timepoint, r.Step, r.Status, r.SendAt.In(oslo), r.Note, r.LastError)
		}
	}
	same := func(who string, want []string) {
		t.Helper()
		if got := in.times(who); !slices.Equal(got, want) {
			t.Errorf("%s received at\n%v\nwant\n%v", who, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// Consent was the offer for the baseline's due date; +7 and +14 follow,
	// and m12's four steps, each at 09:00 on the wall clock whether summer
	// time is on (29 March 2026 on) or not.
	same(never, []string{
		"2025-03-21 09:00", "2025-03-28 09:00",
		"2026-02-28 09:00", "2026-03-14 09:00", "2026-03-21 09:00", "2026-03-28 09:00",
	})
	for _, r := range in.got[never] {
		if !slices.Equal(r.data, []string{questionnaires.CallbackStart}) || !strings.Contains(r.text, "questionnaires") {
			t.Errorf("reminder %q has buttons %v, want one starting the questionnaire", r.text, r.data)
		}
	}
	// The clinician: their own battery like any participant, and their
	// ratings of the consumer on the consumer's schedule; the consumer's
	// consent offered the clinician nothing, so the past due date collapses
	// into one rating reminder at once.
	same(clinician, []string{
		"2025-03-14 10:00",
		"2025-03-21 09:00", "2025-03-21 09:00", "2025-03-28 09:00", "2025-03-28 09:00",
		"2026-02-28 09:00", "2026-02-28 09:00", "2026-03-14 09:00", "2026-03-14 09:00",
		"2026-03-21 09:00", "2026-03-21 09:00", "2026-03-28 09:00", "2026-03-28 09:00",
	})
	ratings := 0
	for _, r := range in.got[clinician] {
		if slices.Equal(r.data, []string{"r:" + never}) {
			ratings++
		}
	}
	if ratings != 7 {
		t.Errorf("clinician got %d rating reminders for %s, want 7 (%v)", ratings, never, in.got[clinician])
	}
	// Done before any reminder fell due: only m12's window-open reminder.
	same(diligent, []string{"2026-02-28 09:00"})
	// Withdrawn on 1 March: nothing after.
	same(leaver, []string{"2026-02-28 09:00"})
	// Coordinators hear at due+21 of everyone still missing something:
	// the consumer who never answered and the clinician (own battery and
	// ratings); the completed and the withdrawn are not mentioned.
	same(coordinator, []string{"2025-04-04 09:00", "2025-04-04 09:00", "2026-04-04 09:00", "2026-04-04 09:00"})
	for _, r := range in.got[coordinator] {
		if strings.Contains(r.text, diligent) || strings.Contains(r.text, leaver) {
			t.Errorf("coordinator told about a participant with nothing missing: %q", r.text)
		}
	}
	if !strings.Contains(in.got[coordinator][0].text+in.got[coordinator][1].text, "ratings of "+never+" by "+clinician) {
		t.Errorf("escalation does not name the missing ratings: %q", in.got[coordinator][0].text)
	}
	// Every send and every cancel is audited.
	sent, err := w.st.AuditLog(w.ctx, "reminder_sent")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, code := range []string{never, clinician, diligent, leaver, coordinator} {
		total += len(in.got[code])
	}
	if len(sent) != total {
		t.Errorf("%d reminder_sent audit entries for %d messages", len(sent), total)
	}
	cancelled, err := w.st.AuditLog(w.ctx, "reminder_cancelled")
	if err != nil {
		t.Fatal(err)
	}
	if len(cancelled) == 0 {
		t.Error("no reminder_cancelled audit entries, though completion and withdrawal cancelled steps")
	}
}
