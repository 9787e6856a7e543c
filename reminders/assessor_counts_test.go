package reminders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/reminders"
)

// The follow-ups (`imrbot due`, /due) and completion (/status, the desk)
// count the assessors' ratings once an assessor takes part: each site's
// (through its first coordinator) and each clinician's, on the subject's
// schedule; a coordinator's site ratings then count only where they had
// started them.
func TestFollowUpsAndCompletionCountAssessorsRatings(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	first := w.enrol("coordinator", "2024-04-01", "")   // the site's subject: m12 open from 18 March
	started := w.enrol("coordinator", "2024-04-02", "") // starts a site rating
	idle := w.enrol("coordinator", "2024-04-03", "")    // never starts one
	clinician := w.enrol("clinician", "2024-03-25", "") // m12 due 25 March
	w.complete(clinician, clinician, "m12")
	pgtest.Exec(t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
		VALUES ($1, $1, 'imr-fidelity', '1', 'm12', 'in_progress', $2, $2)`, w.ids[started], w.clock.Now())
	w.clock.Set(osloTime("2025-03-20 10:00"))

	// due lists the follow-ups as "code self/ratings/assessors status".
	due := func() []string {
		t.Helper()
		fs, err := reminders.FollowUps(w.ctx, w.st, w.catalog, []string{"OSL"}, w.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			if f.Timepoint == "m12" {
				out = append(out, fmt.Sprintf("%s %v/%v/%v %s", f.Code, f.SelfMissing, f.RatingsMissing, f.AssessorsMissing, f.Status))
			}
		}
		return out
	}
	// m12 is OSL's m12 completion row as "complete/total open".
	m12 := func() string {
		t.Helper()
		co, err := reminders.LoadCohort(w.ctx, w.st, w.catalog, []string{"OSL"}, w.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range co.Completion() {
			if c.Timepoint == "m12" {
				return fmt.Sprintf("%d/%d %d open", c.Complete, c.Total, c.Open)
			}
		}
		return "none"
	}
	check := func(when string, wantDue []string, wantM12 string) {
		t.Helper()
		if got := due(); !slices.Equal(got, wantDue) {
			t.Errorf("%s: follow-ups\n%s\nwant\n%s", when, strings.Join(got, "\n"), strings.Join(wantDue, "\n"))
		}
		if got := m12(); got != wantM12 {
			t.Errorf("%s: m12 completion %s, want %s", when, got, wantM12)
		}
	}

	site := "[imr-fidelity goi]"
	check("without assessors", []string{
		first + " " + site + "/[]/[] open",
		started + " " + site + "/[]/[] open",
		idle + " " + site + "/[]/[] open",
	}, "1/4 3 open")

	w.site = "BRG"
	assessor := w.enrol("assessor", "", "")
	check("with an assessor", []string{
		clinician + " []/[]/[it-is] open",
		first + " []/[]/" + site + " open",
		started + " [imr-fidelity]/[]/[] open",
	}, "0/3 3 open")

	pgtest.Exec(t, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint,
			status, opened_at, started_at, completed_at)
		VALUES ($1, $2, 'it-is', '1', 'm12', 'completed', $3, $3, $3)`,
		w.ids[clinician], w.ids[assessor], w.clock.Now())
	pgtest.Exec(t, `UPDATE participants SET status = 'unreachable' WHERE id = $1`, w.ids[assessor])
	check("the clinician rated, the assessor unreachable", []string{
		first + " []/[]/" + site + " unreachable",
		started + " [imr-fidelity]/[]/[] open",
	}, "1/3 2 open")
}
