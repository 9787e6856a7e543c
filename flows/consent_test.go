package flows

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestConsentShowsStudyText: the consent message carries the study's
// consent text and its information (contact, ethics approval, data
// controller, information letter) in the chat's language, and declining
// names the contact.
func TestConsentShowsStudyText(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, phase: PhaseConsent,
			want: []string{"Consent text.\n\nContact: Kari, 22 00 00 00\nEthics approval: REK 1\nData controller: The hospital\nFull information letter: https://example.org/en",
				"(I agree | c:yes)"},
			not: []string{"changed"}},
		{press: "No", fx: []string{"RecordConsent v1 false"}, phase: PhaseDeclined,
			want: []string{"not to take part", "For questions, contact: Kari, 22 00 00 00."}},
		{ev: text("hello"), want: []string{"not to take part", "contact: Kari, 22 00 00 00"}, phase: PhaseDeclined},
	})

	nb := newSim(t, testCatalog(), questionnaires.RoleClinician, "nb")
	play(t, nb, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, phase: PhaseConsent,
			want: []string{"Samtykketekst.", "Kontakt: Kari, tlf. 22 00 00 00", "Etisk godkjenning: REK 1",
				"Behandlingsansvarlig: Sykehuset", "Fullstendig informasjonsskriv: https://example.org/nb", "(Jeg samtykker | c:yes)"}},
	})
}

// newConsentVersion gives the study a new consent version, as a changed
// study.yaml and a restart of the bot do.
func newConsentVersion(s *sim) {
	cat := *s.cat
	cat.Study.Consent.Version = "v2"
	s.cat = &cat
}

// TestReconsentAgree: a participant who agreed to v1 is asked again at
// their next message once the study asks for v2, whatever that message is;
// nothing they send is taken as an answer until they agree, and agreeing
// carries on where they were with their answers kept.
func TestReconsentAgree(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{press: "2 - Sometimes", fx: []string{"SaveAnswer 1/q1/q1_1=2"}, want: []string{"2/4"}},
	})
	newConsentVersion(s)
	play(t, s, []turn{
		// The current question's own button: not an answer now.
		{press: "1 - Yes", phase: PhaseConsent,
			want: []string{"consent has changed", "answers you have given are kept", "Consent text.",
				"Contact: Kari, 22 00 00 00", "(I agree | c:yes)"}},
		{ev: text("1"), phase: PhaseConsent, want: []string{"tap one of the buttons", "(I agree | c:yes)"}},
		{press: "I agree", fx: []string{"RecordConsent v2 true"}, phase: PhaseWalking,
			want: []string{"Thank you for continuing", "2/4", "Do you work?"},
			not:  []string{"Thank you for taking part"}},
		{ev: text("1"), fx: []string{"SaveAnswer 1/q1/q1_2=1"}, want: []string{"3/4"}},
	})
	for _, task := range s.self {
		if task.Key.Questionnaire == "q1" {
			if got := task.Answers["q1_1"]; got == nil || *got != "2" {
				t.Errorf("q1_1 after re-consent = %v, want the answer 2 kept", got)
			}
		}
	}
}

// TestReconsentDecline: declining the new version stops participation and
// keeps the answers, and the message says so and names the contact.
func TestReconsentDecline(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{press: "2 - Sometimes", fx: []string{"SaveAnswer 1/q1/q1_1=2"}},
	})
	newConsentVersion(s)
	play(t, s, []turn{
		{ev: cmd("resume"), phase: PhaseConsent, want: []string{"consent has changed", "(No, I do not want to take part | c:no)"}},
		{press: "No", fx: []string{"RecordConsent v2 false"}, phase: PhaseDeclined,
			want: []string{"not to continue in the study", "answers you already gave are kept", "contact: Kari, 22 00 00 00"}},
	})
	// The adapter reads the latest decision: a decline, no version agreed.
	s.p.ConsentVersion = ""
	play(t, s, []turn{
		{ev: text("1"), phase: PhaseDeclined, want: []string{"not to take part"}, not: []string{"2/4"}},
		{ev: cmd("start"), phase: PhaseConsent, want: []string{"(I agree | c:yes)"}},
	})
}

// TestReconsentNotForCoordinators: coordinators never consent, so a new
// consent version leaves them alone.
func TestReconsentNotForCoordinators(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleCoordinator, "en")
	play(t, s, []turn{{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, phase: PhaseIdle}})
	newConsentVersion(s)
	play(t, s, []turn{{ev: cmd("help"), not: []string{"consent"}, phase: PhaseIdle}})
}

// TestWithdrawWhileReconsentPending: a participant asked to consent again
// may withdraw instead of deciding: /withdraw asks for confirmation (not
// "consent first"), "No" asks for the consent again, and "Yes" withdraws.
func TestWithdrawWhileReconsentPending(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{press: "2 - Sometimes", fx: []string{"SaveAnswer 1/q1/q1_1=2"}},
	})
	newConsentVersion(s)
	play(t, s, []turn{
		{ev: cmd("resume"), phase: PhaseConsent, want: []string{"consent has changed"}},
		{ev: cmd("withdraw"), phase: PhaseConfirmWithdraw, want: []string{"Yes, withdraw"}, not: []string{"consent first"}},
		{press: "No", phase: PhaseConsent, want: []string{"(I agree | c:yes)"}, not: []string{"2/4"}},
		{ev: cmd("withdraw"), phase: PhaseConfirmWithdraw, want: []string{"Yes, withdraw"}},
		{press: "Yes, withdraw", fx: []string{"Withdraw false"}, anyFx: true, phase: PhaseChooseErasure, want: []string{"Keep my answers"}},
	})
}
