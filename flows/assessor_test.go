package flows

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestAssessor: an assessor consents, gets the sites and clinicians they
// rate as a list (nothing of their own to answer), rates a site from its
// button and a clinician with /rate CODE, and is told what is left after
// each.
func TestAssessor(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleAssessor, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, want: []string{"I agree"}, phase: PhaseConsent},
		{press: "I agree", fx: []string{"RecordConsent v1 true"}, phase: PhaseIdle,
			want: []string{"Sites and clinicians you still have to rate", "(OSL | r:OSL)", "(OSL-K-0021 | r:OSL-K-0021)"}},
		{ev: cmd("help"), want: []string{"/rate CODE - rate one site"}},
		{ev: cmd("rate", "BGO"), want: []string{"not a site or clinician you rate"}},
		{ev: tap("r:OSL-C-0001"), want: []string{"[notice prompt=false] That site or clinician is not on your list."}},
		{press: "OSL", fx: []string{"StartTask 100/site"}, phase: PhaseWalking,
			want: []string{"Rating OSL, questionnaire 1 of 1: Title site", "OSL · 1/1 · Title site", "Fidelity?"}},
		{press: "OSL", want: []string{"You are already rating this one."}},
		{ev: text("3"), fx: []string{"SaveAnswer 100/site/site_1=3", "CompleteTask 100/site"}, phase: PhaseIdle,
			want: []string{"Your rating of OSL (12 months) is complete.", "(OSL-K-0021 | r:OSL-K-0021)"}, not: []string{"r:OSL\n", "(OSL | r:OSL)"}},
		{ev: cmd("rate", "osl-k-0021"), fx: []string{"StartTask 21/integrity"}, phase: PhaseWalking,
			want: []string{"OSL-K-0021 · 1/2 · Title integrity", "Structure?"}},
		{ev: text("2"), fx: []string{"SaveAnswer 21/integrity/integrity_1=2"}, want: []string{"OSL-K-0021 · 2/2"}},
		{ev: text("1"), fx: []string{"SaveAnswer 21/integrity/integrity_2=1", "CompleteTask 21/integrity"}, phase: PhaseIdle,
			want: []string{"Your rating of OSL-K-0021 (12 months) is complete."}},
		{ev: cmd("rate"), want: []string{"no ratings to do right now"}},
	})
}

// TestRateRefusedToOthers: consumers cannot /rate; a coordinator's /rate
// is their own site ratings.
func TestRateRefusedToOthers(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{press: "I agree", anyFx: true},
		{ev: cmd("rate", "OSL"), want: []string{"Only clinicians rate consumers."}},
		{ev: tap("r:OSL"), want: []string{"This button is no longer active."}},
	})
}
