package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// enrolWithBaseline invites one consumer with a baseline date and returns
// their id.
func enrolWithBaseline(t *testing.T, st *store.Store, baseline string, codes func() (string, error)) int64 {
	t.Helper()
	ctx := context.Background()
	b := date(t, baseline)
	inv, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", BaselineDate: &b,
		InviteExpires: b}, 1, codes)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// selfReport inserts subject's own assessment in status with an answer to
// each of items.
func selfReport(t *testing.T, subject int64, questionnaire, timepoint, status string, items ...string) {
	t.Helper()
	at := date(t, "2025-01-01")
	pgtest.Exec(t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at)
		VALUES ($1, $1, $2, '1', $3, $4, $5)`, subject, questionnaire, timepoint, status, at)
	for _, item := range items {
		pgtest.Exec(t, `
			INSERT INTO answers (assessment_id, item, value, answered_at)
			SELECT id, $4, '3', $5 FROM assessments
			WHERE subject_id = $1 AND respondent_id = $1 AND questionnaire = $2 AND timepoint = $3`,
			subject, questionnaire, timepoint, item, at)
	}
}

// selfReports reads subject's own assessments, as the chat does, keyed
// "questionnaire/timepoint".
func selfReports(t *testing.T, st *store.Store, subject int64) map[string]*store.Assessment {
	t.Helper()
	out := map[string]*store.Assessment{}
	err := st.InChatTx(context.Background(), func(c *store.ChatTx) error {
		as, err := c.Assessments(context.Background(), subject, []int64{subject})
		for _, a := range as {
			out[a.Questionnaire+"/"+a.Timepoint] = a
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var m12 = questionnaires.Timepoint{ID: "m12", Months: 12, OpensBeforeDays: 14, ClosesAfterDays: 60}

// closedOn is what the dispatcher passes ExpireClosed for site on today:
// each timepoint's latest closed baseline date by the study's calendar.
func closedOn(t *testing.T, site, today string, tps ...questionnaires.Timepoint) []store.ClosedThrough {
	t.Helper()
	out := make([]store.ClosedThrough, len(tps))
	for i, tp := range tps {
		out[i] = store.ClosedThrough{Site: site, Timepoint: tp.ID, Through: tp.ClosedThrough(date(t, today))}
	}
	return out
}

func TestExpireClosedHalfAnsweredTheDayAfterTheWindowCloses(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	// Baseline 14 March 2025: m12 is due 14 March 2026 and closes 13 May.
	alice := enrolWithBaseline(t, st, "2025-03-14", counter())
	selfReport(t, alice, "qol", "m12", "in_progress", "q1", "q2")
	selfReport(t, alice, "hope", "m12", "completed", "h1")
	selfReport(t, alice, "symptoms", "m12", "open")
	selfReport(t, alice, "qol", "baseline", "in_progress", "q1")
	tps := []questionnaires.Timepoint{{ID: "baseline", ClosesAfterDays: 60}, m12}

	// The baseline window closed long ago; only it expires.
	if n, err := st.ExpireClosed(ctx, closedOn(t, "OSL", "2026-05-13", tps...)); err != nil || n != 1 {
		t.Fatalf("on m12's last day: expired %d, %v; want the baseline's 1", n, err)
	}
	if got := selfReports(t, st, alice); got["qol/m12"].Status != "in_progress" || got["symptoms/m12"].Status != "open" {
		t.Fatalf("m12 on its last day: qol %s, symptoms %s", got["qol/m12"].Status, got["symptoms/m12"].Status)
	}
	if n, err := st.ExpireClosed(ctx, closedOn(t, "OSL", "2026-05-14", tps...)); err != nil || n != 2 {
		t.Fatalf("the day after: expired %d, %v; want 2", n, err)
	}
	got := selfReports(t, st, alice)
	want := map[string]string{"qol/m12": "expired", "symptoms/m12": "expired", "hope/m12": "completed", "qol/baseline": "expired"}
	for k, w := range want {
		if got[k] == nil || got[k].Status != w {
			t.Errorf("%s: %+v, want %s", k, got[k], w)
		}
	}
	if a := got["qol/m12"]; len(a.Answers) != 2 || a.Answers["q1"] == nil || *a.Answers["q1"] != "3" {
		t.Errorf("expired qol/m12 answers %v, want q1 and q2 kept", a.Answers)
	}
	if n := pgtest.Count(t, "answers"); n != 4 {
		t.Errorf("%d answers after expiry, want all 4 kept", n)
	}
	log, err := st.AuditLog(ctx, "assessment.expired")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		var d struct{ Questionnaire, Timepoint string }
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if e.Actor != "system" {
			t.Errorf("audit actor %q", e.Actor)
		}
		seen[d.Questionnaire+"/"+d.Timepoint] = true
	}
	if len(log) != 3 || !seen["qol/m12"] || !seen["symptoms/m12"] || !seen["qol/baseline"] {
		t.Errorf("audit rows %d %v, want one per expired assessment", len(log), seen)
	}
	// Dump's row text is (id,"at",actor,action,participant_id,"detail").
	named := 0
	for _, row := range pgtest.Dump(t, "audit_log") {
		if strings.Contains(row, ",system,assessment.expired,"+strconv.FormatInt(alice, 10)+",") {
			named++
		}
	}
	if named != 3 {
		t.Errorf("%d audit rows name subject %d, want 3", named, alice)
	}
	// A second run (another serve process, the next tick) changes nothing.
	if n, err := st.ExpireClosed(ctx, closedOn(t, "OSL", "2026-06-01", tps...)); err != nil || n != 0 {
		t.Fatalf("second run expired %d, %v", n, err)
	}
}

// TestExpireClosedAgreesWithTimepointWindow checks the whole path, the
// calendar's ClosedThrough into the SQL, against questionnaires'
// Timepoint.Window, the chat's, on days a month lacks and around leap
// days: on a window's last day nothing expires, the day after it does.
func TestExpireClosedAgreesWithTimepointWindow(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	codes := counter()
	cases := []struct {
		baseline string
		tp       questionnaires.Timepoint
		lastDay  string // the window's last day, by hand
	}{
		{"2024-02-29", questionnaires.Timepoint{ID: "m12", Months: 12}, "2025-02-28"},
		{"2024-02-29", questionnaires.Timepoint{ID: "m12", Months: 12, ClosesAfterDays: 1}, "2025-03-01"},
		{"2024-02-29", questionnaires.Timepoint{ID: "m48", Months: 48}, "2028-02-29"},
		{"2025-01-31", questionnaires.Timepoint{ID: "m1", Months: 1, ClosesAfterDays: 2}, "2025-03-02"},
		{"2024-01-31", questionnaires.Timepoint{ID: "m1", Months: 1}, "2024-02-29"},
		{"2025-03-31", questionnaires.Timepoint{ID: "m1", Months: 1, ClosesAfterDays: 14}, "2025-05-14"},
		{"2024-02-29", m12, "2025-04-29"},
		{"2024-02-28", m12, "2025-04-29"},
		{"2024-03-01", m12, "2025-04-30"},
		{"2023-12-31", questionnaires.Timepoint{ID: "m3", Months: 3, OpensBeforeDays: 14, ClosesAfterDays: 60}, "2024-05-30"},
		{"2024-05-31", questionnaires.Timepoint{ID: "m9", Months: 9, OpensBeforeDays: 14, ClosesAfterDays: 60}, "2025-04-29"},
		{"2024-08-31", questionnaires.Timepoint{ID: "m6", Months: 6, OpensBeforeDays: 14, ClosesAfterDays: 60}, "2025-04-29"},
		{"2024-12-31", questionnaires.Timepoint{ID: "baseline", ClosesAfterDays: 60}, "2025-03-01"},
	}
	for _, c := range cases {
		closes := c.tp.Window(date(t, c.baseline)).Closes
		if got := closes.Format(time.DateOnly); got != c.lastDay {
			t.Fatalf("%s %+v: Window closes %s, the test expects %s", c.baseline, c.tp, got, c.lastDay)
		}
		pgtest.Exec(t, `TRUNCATE assessments, answers, audit_log`)
		selfReport(t, enrolWithBaseline(t, st, c.baseline, codes), "qol", c.tp.ID, "in_progress", "q1")
		if n, err := st.ExpireClosed(ctx, closedOn(t, "OSL", c.lastDay, c.tp)); err != nil || n != 0 {
			t.Errorf("baseline %s %+v on its last day %s: expired %d, %v", c.baseline, c.tp, c.lastDay, n, err)
		}
		dayAfter := closes.AddDate(0, 0, 1).Format(time.DateOnly)
		if n, err := st.ExpireClosed(ctx, closedOn(t, "OSL", dayAfter, c.tp)); err != nil || n != 1 {
			t.Errorf("baseline %s %+v the day after %s: expired %d, %v", c.baseline, c.tp, c.lastDay, n, err)
		}
	}
}

// TestExpireClosedBySite: each site's windows close by its own date, and a
// participant without a baseline date has no window to close.
func TestExpireClosedBySite(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	for _, site := range []string{"OSL", "BGO"} {
		if err := st.AddSite(ctx, site, site); err != nil {
			t.Fatal(err)
		}
	}
	codes := counter()
	oslo := enrolWithBaseline(t, st, "2025-03-14", codes)
	inv, err := st.Invite(ctx, store.NewParticipant{Site: "BGO", Role: "consumer", BaselineDate: ptr(date(t, "2025-03-14")),
		InviteExpires: date(t, "2025-03-14")}, 1, codes)
	if err != nil {
		t.Fatal(err)
	}
	bergen, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	inv, err = st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: date(t, "2025-03-14")}, 1, codes)
	if err != nil {
		t.Fatal(err)
	}
	undated, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{oslo, bergen.ID, undated.ID} {
		selfReport(t, id, "qol", "m12", "in_progress", "q1")
	}
	// m12 of 14 March 2025 closes 13 May 2026: Oslo is past it, Bergen
	// (said to be a day behind) is on its last day.
	closed := append(closedOn(t, "OSL", "2026-05-14", m12), closedOn(t, "BGO", "2026-05-13", m12)...)
	if n, err := st.ExpireClosed(ctx, closed); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want Oslo's 1", n, err)
	}
	for id, want := range map[int64]string{oslo: "expired", bergen.ID: "in_progress", undated.ID: "in_progress"} {
		if got := selfReports(t, st, id)["qol/m12"]; got == nil || got.Status != want {
			t.Errorf("participant %d: %+v, want %s", id, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
