package reminders_test

import (
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// TestTickExpiresHalfAnsweredM12AfterItsWindowInOslo: baseline 14 March
// 2025, m12 closes 13 May 2026; a tick at 00:30 Oslo on 14 May (still 13
// May in UTC) expires it, keeping the answers.
func TestTickExpiresHalfAnsweredM12AfterItsWindowInOslo(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	code := w.enrol("consumer", "2025-03-14", "")
	id := w.ids[code]
	pgtest.Exec(t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
		VALUES ($1, $1, 'qol', '1', 'm12', 'in_progress', $2, $2)`, id, osloTime("2026-03-14 10:00"))
	pgtest.Exec(t, `
		INSERT INTO answers (assessment_id, item, value, answered_at)
		SELECT id, 'q1', '2', $2 FROM assessments WHERE subject_id = $1`, id, osloTime("2026-03-14 10:00"))
	w.complete(code, code, "baseline")

	expired := func() int {
		log, err := w.st.AuditLog(w.ctx, "assessment.expired")
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	w.clock.Set(osloTime("2026-05-13 23:59"))
	w.tick(d)
	if n := expired(); n != 0 {
		t.Fatalf("%d expired on the window's last day", n)
	}
	w.clock.Set(osloTime("2026-05-14 00:30"))
	w.tick(d)
	if n := expired(); n != 1 {
		t.Fatalf("%d expired the day after the window closed, want 1", n)
	}
	rows := pgtest.Dump(t, "assessments")
	var m12 string
	for _, r := range rows {
		if containsAll(r, ",qol,", ",m12,") {
			m12 = r
		}
	}
	if !containsAll(m12, ",expired,") {
		t.Errorf("m12 qol after the window: %s", m12)
	}
	for _, r := range rows {
		if containsAll(r, ",baseline,") && !containsAll(r, ",completed,") {
			t.Errorf("completed baseline changed: %s", r)
		}
	}
	if n := pgtest.Count(t, "answers"); n != 1 {
		t.Errorf("%d answers after expiry, want 1 kept", n)
	}
}

// TestTickExpiresInEachSitesZone: a site's windows close at the end of
// the last day in its own zone, as the chat and the send-time check read
// them: at 00:30 Oslo on 14 May it is still 13 May in New York.
func TestTickExpiresInEachSitesZone(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	pgtest.Exec(t, `UPDATE sites SET timezone = 'America/New_York' WHERE code = 'BRG'`)
	d := w.dispatcher("serve-1")
	oslo := w.enrol("consumer", "2025-03-14", "")
	w.site = "BRG"
	newYork := w.enrol("consumer", "2025-03-14", "")
	for _, code := range []string{oslo, newYork} {
		pgtest.Exec(t, `
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
			VALUES ($1, $1, 'qol', '1', 'm12', 'in_progress', $2, $2)`, w.ids[code], osloTime("2026-03-14 10:00"))
	}
	status := func(code string) string {
		return pgtest.Value(t, `SELECT status FROM assessments WHERE subject_id = $1 AND timepoint = 'm12'`, w.ids[code]).(string)
	}
	w.clock.Set(osloTime("2026-05-14 00:30"))
	w.tick(d)
	if o, ny := status(oslo), status(newYork); o != "expired" || ny != "in_progress" {
		t.Fatalf("at 00:30 Oslo, 18:30 on the last day in New York: Oslo's m12 %s, New York's %s; want expired, in_progress", o, ny)
	}
	w.clock.Set(osloTime("2026-05-14 06:30")) // 00:30 on 14 May in New York
	w.tick(d)
	if ny := status(newYork); ny != "expired" {
		t.Fatalf("after New York's last day: its m12 %s, want expired", ny)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
