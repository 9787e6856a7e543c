package reminders_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// runDays ticks ds at 08:59, 09:00 and 12:00 in Oslo on every day from
// first to last, collecting what arrives.
func (w *world) runDays(in *inbox, first, last string, ds ...*reminders.Dispatcher) {
	w.t.Helper()
	for date := day(first); !date.After(day(last)); date = date.AddDate(0, 0, 1) {
		for _, hm := range []string{"08:59", "09:00", "12:00"} {
			w.clock.Set(osloTime(date.Format(time.DateOnly) + " " + hm))
			w.tick(ds...)
			in.collect(w, w.clock.Now())
		}
	}
}

func TestLateEnrolmentGetsOneReminderNotABurst(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	// Baseline collected on paper in March 2025; the chat is linked and
	// consent given on 25 March 2026, after m12's open, due and +7 steps.
	code, invite := w.invite("consumer", "2025-03-14", "")
	w.clock.Set(osloTime("2026-03-25 10:00"))
	w.join(code, invite)
	in := newInbox()
	w.tick(d)
	in.collect(w, w.clock.Now())
	w.runDays(in, "2026-03-26", "2026-05-20", d)
	// The consent offer stood for the three steps already past; +14 follows.
	if got, want := in.times(code), []string{"2026-03-28 09:00"}; !slices.Equal(got, want) {
		t.Errorf("late participant received at %v, want %v", got, want)
	}
}

func TestCorrectedBaselineCollapsesPastSteps(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	w.clock.Set(osloTime("2026-01-10 10:00"))
	code := w.enrol("consumer", "", "")
	in := newInbox()
	w.runDays(in, "2026-01-10", "2026-01-20", d)
	// The baseline was really collected a year earlier: m12 opened on 22
	// December and is now 15 days late. One reminder, at once.
	w.clock.Set(osloTime("2026-01-20 15:00"))
	p := &reminders.Planner{Catalog: w.catalog, Hours: d.Hours}
	if err := p.SetBaseline(w.ctx, w.st, code, day("2025-01-05"), w.clock.Now(), "cli"); err != nil {
		t.Fatal(err)
	}
	w.tick(d)
	in.collect(w, w.clock.Now())
	w.runDays(in, "2026-01-21", "2026-03-20", d)
	want := []string{"2026-01-17 09:00", "2026-01-20 15:00"}
	if got := in.times(code); !slices.Equal(got, want) {
		t.Errorf("received at %v, want %v (baseline +7, then one m12 reminder)", got, want)
	}
	if got := in.got[code][1].text; !strings.Contains(got, "12-month") {
		t.Errorf("collapsed reminder %q is not about m12", got)
	}
	audit, err := w.st.AuditLog(w.ctx, "set_baseline")
	if err != nil || len(audit) != 1 || !strings.Contains(string(audit[0].Detail), `"to": "2025-01-05"`) {
		t.Errorf("set_baseline audit = %+v, %v", audit, err)
	}
	if err := p.SetBaseline(w.ctx, w.st, "OSL-C-9999", day("2025-01-05"), w.clock.Now(), "cli"); !errors.Is(err, reminders.ErrUnknownParticipant) {
		t.Errorf("SetBaseline(unknown) = %v", err)
	}
}

func TestThreeDispatchersSendEachReminderOnce(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	ds := []*reminders.Dispatcher{w.dispatcher("serve-1"), w.dispatcher("serve-2"), w.dispatcher("serve-3")}
	coordinator := w.enrol("coordinator", "", "")
	var consumers []string
	for range 30 {
		consumers = append(consumers, w.enrol("consumer", "", ""))
	}
	in := newInbox()
	w.tick(ds...)
	w.runDays(in, "2025-03-15", "2025-04-05", ds...)
	for _, c := range consumers {
		if got, want := in.times(c), []string{"2025-03-21 09:00", "2025-03-28 09:00"}; !slices.Equal(got, want) {
			t.Errorf("%s received at %v, want %v", c, got, want)
		}
	}
	if got := len(in.got[coordinator]); got != 30 {
		t.Errorf("coordinator got %d escalations, want one for each of 30 consumers", got)
	}
	sent, err := w.st.AuditLog(w.ctx, "reminder_sent")
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 90 {
		t.Errorf("%d reminder_sent audit entries, want 90", len(sent))
	}
}

func TestDispatcherKilledAfterClaimingIsResumedOnce(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-2")
	var consumers []string
	for range 5 {
		consumers = append(consumers, w.enrol("consumer", "", ""))
	}
	w.tick(d) // plan
	// serve-1 claims the +7 reminders and dies before sending any.
	w.clock.Set(osloTime("2025-03-21 09:00"))
	claimed, err := w.st.ClaimReminders(w.ctx, "serve-1", w.clock.Now(), w.clock.Now().Add(-reminders.DefaultStallTimeout), 100)
	if err != nil || len(claimed) != 5 {
		t.Fatalf("claimed %d, %v; want 5", len(claimed), err)
	}
	in := newInbox()
	for _, at := range []string{"09:00", "09:04", "09:06", "09:30"} {
		w.clock.Set(osloTime("2025-03-21 " + at))
		w.tick(d)
		in.collect(w, w.clock.Now())
	}
	for _, c := range consumers {
		if got, want := in.times(c), []string{"2025-03-21 09:06"}; !slices.Equal(got, want) {
			t.Errorf("%s received at %v, want once, when the claim stalled", c, got)
		}
	}
	// Should serve-1 come back to life, its claim is gone.
	if err := w.st.MarkReminderSent(w.ctx, claimed[0].ID, "serve-1", w.clock.Now(), ""); !errors.Is(err, store.ErrClaimLost) {
		t.Errorf("the dead dispatcher's late commit = %v, want ErrClaimLost", err)
	}
}

// TestDeathBetweenTelegramAndCommitDuplicates documents the one window in
// which a message can go out twice: Telegram accepted it and the process
// died before its commit. The reminder is sent again, never lost.
func TestDeathBetweenTelegramAndCommitDuplicates(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-2")
	code := w.enrol("consumer", "", "")
	w.tick(d)
	w.clock.Set(osloTime("2025-03-21 09:00"))
	claimed, err := w.st.ClaimReminders(w.ctx, "serve-1", w.clock.Now(), w.clock.Now().Add(-reminders.DefaultStallTimeout), 100)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	if _, err := w.sender().Send(w.ctx, w.users[code].ChatID(), "reminder", nil); err != nil {
		t.Fatal(err)
	}
	// serve-1 dies here.
	w.clock.Set(osloTime("2025-03-21 09:10"))
	w.tick(d)
	if got := len(w.users[code].Messages()); got != 2 {
		t.Errorf("%d messages, want 2: the reminder again after the stalled claim", got)
	}
}

func TestTooManyRequestsSlowDownAndLoseNothing(t *testing.T) {
	w := newWorld(t, bot.TelegramLimits) // the fake enforces Telegram's limits too
	d := w.dispatcher("serve-1")
	var consumers []string
	for range 10 {
		consumers = append(consumers, w.enrol("consumer", "", ""))
	}
	w.tick(d)
	w.fake.FailNext("sendMessage", http.StatusTooManyRequests, "", 3)
	w.fake.FailNext("sendMessage", http.StatusTooManyRequests, "", 3)
	w.clock.Set(osloTime("2025-03-21 09:00"))
	w.tick(d)
	for _, c := range consumers {
		if got := len(w.users[c].Messages()); got != 1 {
			t.Errorf("%s got %d messages, want 1", c, got)
		}
	}
	if got := w.fake.Stats().TooManyRequests["sendMessage"]; got != 2 {
		t.Errorf("fake answered %d 429s, want the 2 injected", got)
	}
	if !slices.Equal(w.sleeps, []time.Duration{3 * time.Second, 3 * time.Second}) {
		t.Errorf("sender waited %v, want retry_after twice", w.sleeps)
	}
}

func TestFailedSendIsRetriedWithBackoff(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	code := w.enrol("consumer", "", "")
	w.tick(d)
	w.fake.FailNext("sendMessage", http.StatusInternalServerError, "Internal Server Error", 0)
	w.fake.FailNext("sendMessage", http.StatusInternalServerError, "Internal Server Error", 0)
	in := newInbox()
	for _, at := range []string{"09:00", "09:00", "09:01", "09:02", "09:03"} {
		w.clock.Set(osloTime("2025-03-21 " + at))
		w.tick(d)
		in.collect(w, w.clock.Now())
	}
	// Failed at 09:00, retried at 09:01 (failed again), then 09:03.
	if got, want := in.times(code), []string{"2025-03-21 09:03"}; !slices.Equal(got, want) {
		t.Errorf("received at %v, want %v", got, want)
	}
	rs, err := w.st.RemindersOf(w.ctx, w.ids[code])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Timepoint == "baseline" && r.Step == "due+7" && (r.Status != store.ReminderSent || r.Attempts != 3) {
			t.Errorf("due+7 is %s after %d attempts, want sent after 3", r.Status, r.Attempts)
		}
	}
}

func TestForbiddenMarksUnreachableAndTellsCoordinators(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	coordinator := w.enrol("coordinator", "", "")
	code := w.enrol("consumer", "", "")
	w.tick(d)
	w.users[code].Block()
	in := newInbox()
	w.runDays(in, "2025-03-21", "2025-04-10", d)
	if got := in.times(code); len(got) != 0 {
		t.Errorf("blocked participant received %v", got)
	}
	p, err := w.st.ParticipantByCode(w.ctx, code)
	if err != nil || p.Status != questionnaires.StatusUnreachable {
		t.Fatalf("participant = %+v, %v; want unreachable", p, err)
	}
	// Told once at the bounce; then the escalation at due+21.
	got := in.got[coordinator]
	if len(got) != 2 || !strings.Contains(got[0].text, code+" can no longer be reached") ||
		in.times(coordinator)[0] != "2025-03-21 09:00" || !strings.Contains(got[1].text, "Still missing") {
		t.Errorf("coordinator received %+v", got)
	}
	if n := len(auditOf(t, w, "reminder_failed")); n != 1 {
		t.Errorf("%d reminder_failed audit entries, want 1", n)
	}
	if n := pgtest.Count(t, "reminders"); n == 0 {
		t.Error("no reminders")
	}
}

func auditOf(t *testing.T, w *world, action string) []store.AuditEntry {
	t.Helper()
	es, err := w.st.AuditLog(w.ctx, action)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestClinicianJoiningLateGetsOneRatingReminder(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	clinician, invite := w.invite("clinician", "", "")
	consumer := w.enrol("consumer", "", clinician)
	in := newInbox()
	w.tick(d)
	w.runDays(in, "2025-03-15", "2025-03-24", d)
	// The clinician links their chat and consents eleven days after the
	// consumer: the rating reminders missed meanwhile collapse into one.
	w.clock.Set(osloTime("2025-03-25 10:00"))
	w.join(clinician, invite)
	w.tick(d)
	in.collect(w, w.clock.Now())
	w.runDays(in, "2025-03-26", "2025-04-10", d)
	want := []string{"2025-03-25 10:00", "2025-03-28 09:00", "2025-04-01 09:00", "2025-04-08 09:00"}
	if got := in.times(clinician); !slices.Equal(got, want) {
		t.Errorf("clinician received at %v, want %v", got, want)
	}
	if got := in.got[clinician]; len(got) > 1 && !slices.Equal(got[0].data, []string{"r:" + consumer}) {
		t.Errorf("first reminder %+v is not about rating %s", got[0], consumer)
	}
}

// TestBadRequestIsNotRetried: Telegram's 400 says sending again would be
// refused again. "chat not found" means the chat is gone: the participant
// is unreachable. Any other (the message itself refused) fails the
// reminder at once instead of 24 attempts over a day.
func TestBadRequestIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		description, status, note string
		unreachable               bool
	}{
		{"Bad Request: chat not found", store.ReminderFailed, "", true},
		{"Bad Request: message is too long", store.ReminderFailed, "rejected", false},
	} {
		t.Run(tc.description, func(t *testing.T) {
			w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
			d := w.dispatcher("serve-1")
			code := w.enrol("consumer", "", "")
			w.tick(d)
			w.fake.FailNext("sendMessage", http.StatusBadRequest, tc.description, 0)
			in := newInbox()
			for _, at := range []string{"09:00", "09:01", "09:03"} {
				w.clock.Set(osloTime("2025-03-21 " + at))
				w.tick(d)
				in.collect(w, w.clock.Now())
			}
			if got := in.times(code); len(got) != 0 {
				t.Errorf("received at %v, want the refused reminder not sent again", got)
			}
			rs, err := w.st.RemindersOf(w.ctx, w.ids[code])
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.Timepoint == "baseline" && r.Step == "due+7" &&
					(r.Status != tc.status || r.Attempts != 1 || (tc.note != "" && r.Note.String != tc.note)) {
					t.Errorf("due+7 is %s (%s) after %d attempts, want %s (%s) after 1", r.Status, r.Note.String, r.Attempts, tc.status, tc.note)
				}
			}
			p, err := w.st.ParticipantByCode(w.ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Status == questionnaires.StatusUnreachable; got != tc.unreachable {
				t.Errorf("participant is %s, unreachable want %v", p.Status, tc.unreachable)
			}
		})
	}
}
