package reminders_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// An assessor is reminded of their ratings of each site (on its first
// coordinator's schedule, named by the site's code) and each clinician (on
// the clinician's) at window open, due, +7 and +14, until they complete
// them; the coordinator, no longer asked for a site rating an assessor
// makes, is not reminded of it.
func TestAssessorIsRemindedOnTheSubjectsSchedule(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	coordinator := w.enrol("coordinator", "2024-04-01", "") // OSL's m12: due 1 April, open from 18 March
	clinician := w.enrol("clinician", "2024-04-10", "")     // due 10 April, open from 27 March
	w.site = "BRG"
	assessor := w.enrol("assessor", "", "")

	in := newInbox()
	w.runDays(in, "2025-03-14", "2025-04-11", d)
	// The assessor completes the clinician's IT-IS: its +7 and +14 never go.
	pgtest.Exec(t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint,
			status, opened_at, started_at, completed_at)
		VALUES ($1, $2, 'it-is', '1', 'm12', 'completed', $3, $3, $3)`,
		w.ids[clinician], w.ids[assessor], w.clock.Now())
	w.runDays(in, "2025-04-12", "2025-04-30", d)

	want := []string{
		"2025-03-18 09:00", // OSL opens
		"2025-03-27 09:00", // the clinician's m12 opens
		"2025-04-01 09:00", // OSL due
		"2025-04-08 09:00", // OSL +7
		"2025-04-10 09:00", // the clinician's due
		"2025-04-15 09:00", // OSL +14
	}
	if got := in.times(assessor); !slices.Equal(got, want) {
		t.Errorf("the assessor was reminded at %v, want %v", got, want)
	}
	for i, r := range in.got[assessor] {
		about, data := clinician, "r:"+clinician
		if i != 1 && i != 4 {
			about, data = "of OSL ", "r:OSL"
		}
		if !strings.Contains(r.text, about) || !slices.Contains(r.data, data) {
			t.Errorf("reminder %d %q (buttons %v), want it about %s with a button %s", i, r.text, r.data, about, data)
		}
	}
	if got := in.got[coordinator]; len(got) != 0 {
		t.Errorf("the coordinator, with an assessor in the study, got %+v", got)
	}
}
