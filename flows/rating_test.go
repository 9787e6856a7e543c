package flows

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestClinician: consent, their own practice questionnaire, then the list of
// consumers to rate; a rating from a button and one from /rate CODE; the
// remaining list after each.
func TestClinician(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleClinician, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, want: []string{"I agree"}, phase: PhaseConsent},
		{press: "I agree", fx: []string{"RecordConsent v1 true", "StartTask 1/prac"}, want: []string{"1/1 · Title prac", "Trained?"}},
		{ev: cmd("help"), want: []string{"/rate CODE"}},
		{ev: text("1"), fx: []string{"SaveAnswer 1/prac/prac_1=1", "CompleteTask 1/prac"}, phase: PhaseIdle,
			// Their own part is done, not the timepoint: the open ratings
			// follow at once (issue 11: it said "Baseline is complete").
			want: []string{"Your own questionnaires for Baseline are done", "Consumers you still have to rate", "(OSL-C-0011 | r:OSL-C-0011)", "(OSL-C-0012 | r:OSL-C-0012)"},
			not:  []string{"next questionnaire is due", "Baseline is complete"}},
		{ev: text("hi"), want: []string{"r:OSL-C-0011"}, phase: PhaseIdle},
		{ev: cmd("rate", "OSL-C-9999"), want: []string{"not one of the consumers you rate"}},
		{ev: tap("r:OSL-C-9999"), want: []string{"[notice prompt=false] That consumer is not on your list."}},
		{press: "OSL-C-0011", fx: []string{"StartTask 11/rate"}, phase: PhaseWalking,
			want: []string{"Rating OSL-C-0011, questionnaire 1 of 1: Title rate (2 questions).", "OSL-C-0011 · 1/2 · Title rate", "Coping?"}},
		{press: "OSL-C-0011", want: []string{"already rating"}},
		{ev: text("2"), fx: []string{"SaveAnswer 11/rate/rate_1=2"}, want: []string{"OSL-C-0011 · 2/2", "from 1 to 100"}},
		{ev: text("0"), want: []string{"outside the range"}},
		{ev: text("55"), fx: []string{"SaveAnswer 11/rate/rate_2=55", "CompleteTask 11/rate"}, phase: PhaseIdle,
			want: []string{"Your rating of OSL-C-0011 (Baseline) is complete.", "r:OSL-C-0012"}, not: []string{"r:OSL-C-0011"}},
		{ev: cmd("rate", "osl-c-0012"), fx: []string{"StartTask 12/rate"}, want: []string{"OSL-C-0012 · 1/2"}},
		{ev: cmd("back"), want: []string{"first question"}},
		{ev: text("3"), fx: []string{"SaveAnswer 12/rate/rate_1=3"}},
		{ev: cmd("rate", "OSL-C-0012"), want: []string{"OSL-C-0012 · 2/2"}},
		{ev: text("70"), fx: []string{"SaveAnswer 12/rate/rate_2=70", "CompleteTask 12/rate"},
			want: []string{"Your rating of OSL-C-0012", "no ratings to do right now"}},
		{ev: cmd("rate"), want: []string{"no ratings to do right now"}},
		{ev: cmd("rate", "OSL-C-0011"), want: []string{"nothing to rate for OSL-C-0011"}},
	})
	if s.st.Rating != nil {
		t.Fatalf("still rating %d", *s.st.Rating)
	}
}

// TestClinicianNothingToRate: a clinician with no rating open hears that
// the timepoint is complete, once, after their own questionnaires.
func TestClinicianNothingToRate(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleClinician, "en")
	s.ratees = nil
	play(t, s, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{ev: tap("c:yes"), anyFx: true},
		{ev: text("yes"), fx: []string{"SaveAnswer 1/prac/prac_1=1", "CompleteTask 1/prac"}, phase: PhaseIdle,
			want: []string{"Baseline is complete: you have answered everything for now"},
			not:  []string{"Your own questionnaires", "no ratings to do"}},
		{ev: cmd("rate"), want: []string{"no ratings to do right now"}},
	})
}

// TestClinicianWithoutRateeTasks: when the adapter does not put the
// consumer's tasks in Ratee.Tasks, the rating starts on the next message.
func TestClinicianWithoutRateeTasks(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleClinician, "en")
	s.noRateeTasks = true
	play(t, s, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{ev: tap("c:yes"), anyFx: true},
		{ev: text("2"), anyFx: true},
		{press: "OSL-C-0012", want: []string{"Rating OSL-C-0012. Send /resume"}, phase: PhaseIdle},
		{ev: cmd("resume"), fx: []string{"StartTask 12/rate"}, want: []string{"OSL-C-0012 · 1/2"}},
	})
	if s.st.Rating == nil || *s.st.Rating != 12 {
		t.Fatalf("rating %v, want 12", s.st.Rating)
	}
}

// TestClinicianSwitches: a tap on the list while their
// own questionnaire is open switches to the rating; their own questionnaire
// waits.
func TestClinicianSwitches(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleClinician, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{ev: tap("c:yes"), anyFx: true, want: []string{"1/1 · Title prac"}},
		{ev: cmd("rate", "OSL-C-0011"), fx: []string{"StartTask 11/rate"}, want: []string{"OSL-C-0011 · 1/2"}},
		{ev: text("1"), anyFx: true},
		{ev: text("10"), anyFx: true, want: []string{"r:OSL-C-0012"}},
		{ev: cmd("resume"), want: []string{"1/1 · Title prac"}, anyFx: true},
	})
}

func TestCoordinator(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleCoordinator, "nb")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, phase: PhaseIdle,
			want: []string{"koordinatorkontoen", "/due", "/remind KODE", "/status"}, not: []string{"Samtykk"}},
		{ev: cmd("withdraw"), want: []string{"Koordinatorer er ikke deltakere"}, phase: PhaseIdle},
		{ev: cmd("resume"), fx: []string{"StartTask 100/site"}, want: []string{"Skjema 1 av 1: Tittel site", "1/1 · Tittel site"}},
		{ev: text("3"), fx: []string{"SaveAnswer 100/site/site_1=3", "CompleteTask 100/site"}, phase: PhaseIdle,
			want: []string{"Enhetens vurderinger for 12 måneder er fullført."}},
		{ev: text("hei"), want: []string{"Koordinatorkommandoer"}},
	})
	// Without open site ratings, any message gets the commands.
	c := newSim(t, testCatalog(), questionnaires.RoleCoordinator, "en")
	c.self = nil
	play(t, c, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{ev: text("hello"), want: []string{"Coordinator commands"}},
		{ev: cmd("rate", "site"), want: []string{"Coordinator commands"}},
	})
}
