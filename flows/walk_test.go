package flows

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestBackAndShowIf: /back re-asks the previous visible item; changing the
// answer that opens a show_if item hides it (it is neither asked nor
// counted); after re-answering, the walk continues at the first unanswered
// visible item.
func TestBackAndShowIf(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: text("1"), fx: []string{"SaveAnswer 1/q1/q1_1=1"}},
		{ev: text("1"), fx: []string{"SaveAnswer 1/q1/q1_2=1"}, want: []string{"3/4", "Hours a week?"}},
		{ev: text("20"), fx: []string{"SaveAnswer 1/q1/q1_3=20"}, want: []string{"4/4"}},
		{ev: cmd("back"), want: []string{"3/4", "Hours a week?", "Your answer now: 20"}},
		{ev: cmd("back"), want: []string{"2/4", "Your answer now: 1 - Yes"}},
		{ev: cmd("back"), want: []string{"1/4", "Your answer now: 1 - Never"}},
		{ev: cmd("back"), want: []string{"first question of this questionnaire", "1/4"}},
		// Re-answering the first item continues at the first unanswered one.
		{ev: text("3"), fx: []string{"SaveAnswer 1/q1/q1_1=3", "Audit answer_changed"}, want: []string{"✓ 3 - Often", "4/4"}},
		{ev: cmd("back"), want: []string{"3/4"}},
		{ev: cmd("back"), want: []string{"2/4"}},
		// "No" hides q1_3: the walk goes straight to q1_4, and progress
		// counts only the items still asked (issue 11: was "4/4").
		{press: "2 - No", fx: []string{"SaveAnswer 1/q1/q1_2=2", "Audit answer_changed"}, want: []string{"✓ 2 - No", "3/3 · Title q1", "Anything else?"}, not: []string{"3/4", "4/4"}},
		// /back from q1_4 skips the hidden item.
		{ev: cmd("back"), want: []string{"2/3", "Your answer now: 2 - No"}, not: []string{"3/4"}},
		// The same answer again is stored (a new row) without an audit entry.
		{ev: text("2"), fx: []string{"SaveAnswer 1/q1/q1_2=2"}, want: []string{"3/3"}},
		{ev: text("fine"), fx: []string{"SaveAnswer 1/q1/q1_4=fine", "CompleteTask 1/q1", "StartTask 1/q2"}},
		// /back at a questionnaire's first item goes to the previous
		// questionnaire of the timepoint, its last item (issue 11: it used
		// to say there was nothing before).
		{ev: cmd("back"), want: []string{"Questionnaire 1 of 2: Title q1", "3/3 · Title q1", "Anything else?", "Your answer now: fine"},
			not: []string{"first question of this questionnaire"}},
		{ev: cmd("back"), want: []string{"2/3 · Title q1", "Your answer now: 2 - No"}},
		{ev: cmd("resume"), want: []string{"Questionnaire 2 of 2", "1/2 · Title q2"}, fx: []string{"StartTask 1/q2"}},
		{ev: cmd("back"), want: []string{"3/3 · Title q1"}},
		// A changed answer in the finished questionnaire is stored (and
		// audited); it is not completed again, and the walk goes on where
		// it was.
		{ev: text("better"), fx: []string{"SaveAnswer 1/q1/q1_4=better", "Audit answer_changed", "StartTask 1/q2"},
			want: []string{"✓ better", "Questionnaire 2 of 2", "1/2 · Title q2"}},
	})
}

// TestProgressCountsAskedItems: "n/of" counts the items this person will
// be asked: a show_if item is counted until the answer it depends on rules
// it out, and never after.
func TestProgressCountsAskedItems(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: text("1"), want: []string{"2/4 · Title q1"}, anyFx: true},
		{ev: text("2"), want: []string{"✓ 2 - No", "3/3 · Title q1"}, not: []string{"4/4"}, anyFx: true},
		{ev: cmd("back"), want: []string{"2/3"}},
		{press: "1 - Yes", want: []string{"3/4 · Title q1", "Hours a week?"}, anyFx: true},
	})
}

// TestTypedLabels: typing an option's whole label, in any case, with or
// without accents, answers like its code; part of a label, another
// language's label or a label two options share does not, and changes
// nothing.
func TestTypedLabels(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: text("some"), want: []string{"type one of the numbers 1, 2 or 3"}, phase: PhaseWalking},
		{ev: text("Aldri"), want: []string{"type one of the numbers"}},
		{ev: text("  SOMETIMES "), fx: []string{"SaveAnswer 1/q1/q1_1=2"}, want: []string{"✓ 2 - Sometimes", "2/4"}},
		{ev: text("yes"), fx: []string{"SaveAnswer 1/q1/q1_2=1"}, want: []string{"✓ 1 - Yes", "3/4"}},
	})
	n := enrolled(t, "nb")
	play(t, n, []turn{
		{ev: text("noen  GANGER"), fx: []string{"SaveAnswer 1/q1/q1_1=2"}},
		{ev: text("Nei"), fx: []string{"SaveAnswer 1/q1/q1_2=2"}},
	})
	it := &questionnaires.Item{ID: "x", Type: questionnaires.TypeChoice, Options: []questionnaires.Option{
		{Code: 1, Label: tx("Poorly", "Dårlig")}, {Code: 2, Label: tx("Same", "Lik")}, {Code: 3, Label: tx("Same", "Lik")},
	}}
	for _, c := range []struct {
		text, lang string
		code       int
		ok         bool
	}{
		{"darlig", "nb", 1, true}, {"DÅRLIG", "nb", 1, true}, {"dårlig", "en", 0, false},
		{"same", "en", 0, false}, {"poor", "en", 0, false}, {"", "en", 0, false},
	} {
		if code, ok := optionNamed(it, c.text, c.lang); code != c.code || ok != c.ok {
			t.Errorf("optionNamed(%q, %s) = %d, %v; want %d, %v", c.text, c.lang, code, ok, c.code, c.ok)
		}
	}
}

// TestStaleButtons: taps on earlier messages, second taps and forged data
// get a notice and change nothing (the sim checks state and effects).
func TestStaleButtons(t *testing.T) {
	s := enrolled(t, "en")
	first, _ := s.button("2 - Sometimes")
	play(t, s, []turn{
		{ev: tap(first.Data), fx: []string{"SaveAnswer 1/q1/q1_1=2"}, want: []string{"2/4"}},
		{ev: tap(first.Data), want: []string{"[notice prompt=false] That question was already answered."}},
		{ev: tap("a:999:1"), want: []string{"already answered"}},
		{ev: tap("c:yes"), want: []string{"already answered"}},
		{ev: tap("l:nb"), want: []string{"no longer active"}},
		{ev: tap("w:yes"), want: []string{"no longer active"}},
		{ev: tap("w:erase"), want: []string{"no longer active"}},
		{ev: tap("r:OSL-C-0011"), want: []string{"no longer active"}},
		{ev: tap("zz"), want: []string{"no longer active"}},
		{ev: tap(""), want: []string{"no longer active"}},
	})
	// The current question's button with a code it does not have.
	play(t, s, []turn{{ev: tap(questionnaires.AnswerCallbackData(s.st.Seq, 3)), want: []string{"no longer active"}}})
	// A skip button for a required item (forged): refused.
	play(t, s, []turn{{ev: tap(questionnaires.SkipCallbackData(s.st.Seq)), want: []string{"no longer active"}}})
	// After an invalid answer the question is asked again with a new seq:
	// the earlier message's buttons are stale.
	yes, _ := s.button("1 - Yes")
	play(t, s, []turn{
		{ev: text("x")},
		{ev: tap(yes.Data), want: []string{"already answered"}},
		{press: "1 - Yes", fx: []string{"SaveAnswer 1/q1/q1_2=1"}},
	})
	// After the last answer, the last question's button is stale too.
	play(t, s, []turn{{ev: text("5"), anyFx: true}, {ev: cmd("skip"), anyFx: true}, {ev: text("1"), anyFx: true}})
	last, _ := s.button("1 - Never")
	play(t, s, []turn{
		{ev: tap(last.Data), fx: []string{"SaveAnswer 1/q2/q2_2=1", "CompleteTask 1/q2"}, phase: PhaseIdle},
		{ev: tap(last.Data), want: []string{"already answered"}},
	})
}

// TestResume: /resume, any message and the reminder's "go" button continue
// at the first unanswered item, re-sending it with fresh buttons.
func TestResume(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: text("1"), anyFx: true},
		// "No" rules q1_3 out, so q1 asks three items (issue 11: progress
		// counts only what is asked; was "4/4" and "1/4").
		{ev: text("2"), anyFx: true, want: []string{"3/3"}},
		{ev: cmd("back")},
		{ev: cmd("back"), want: []string{"1/3"}},
		{ev: cmd("resume"), want: []string{"3/3", "Anything else?"}, not: []string{"Questionnaire 1"}},
	})
	old, _ := s.button("Skip")
	play(t, s, []turn{
		{ev: tap(questionnaires.CallbackStart), want: []string{"3/3"}},
		{ev: tap(old.Data), want: []string{"already answered"}},
		{press: "Skip", fx: []string{"SaveAnswer 1/q1/q1_4=<skip>", "CompleteTask 1/q1", "StartTask 1/q2"}},
	})
	// A pause: the conversation went idle with a questionnaire half done
	// (say, a reminder came while idle); any message continues.
	s.st.Phase = PhaseIdle
	s.st.Cursor = nil
	// q2 has no answers yet, so it is started again: StartTask is idempotent.
	play(t, s, []turn{{ev: text("hello"), fx: []string{"StartTask 1/q2"}, want: []string{"Questionnaire 2 of 2", "1/2"}, phase: PhaseWalking}})
}

func TestHelpAndUnknownCommands(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: cmd("help"), want: []string{"/back", "/skip", "/withdraw", "/language"}, not: []string{"/rate", "/due"}, phase: PhaseWalking},
		{ev: cmd("frobnicate"), want: []string{"do not know that command", "/resume"}},
		{ev: cmd("due"), want: []string{"for study coordinators"}},
		{ev: cmd("rate", "OSL-C-0011"), want: []string{"Only clinicians"}},
		{ev: text("1"), fx: []string{"SaveAnswer 1/q1/q1_1=1"}},
	})
}

func TestLanguage(t *testing.T) {
	s := enrolled(t, "en")
	play(t, s, []turn{
		{ev: text("2"), anyFx: true},
		{ev: cmd("language"), want: []string{"(English | l:en)", "(Norsk (bokmål) | l:nb)"}, phase: PhaseLanguage},
		{press: "Norsk", fx: []string{"SetLanguage nb"}, phase: PhaseWalking,
			want: []string{"✓ Norsk (bokmål)", "Jeg skriver på norsk.", "2/4 · Tittel q1", "Jobber du?", "(1 - Ja |"}},
		// "ja" would answer now (a typed label), so an unusable word.
		{ev: text("kanskje"), want: []string{"Trykk på en knapp, eller skriv et av tallene 1 eller 2."}},
		{ev: cmd("language")},
		{ev: text("english"), fx: []string{"SetLanguage en"}, want: []string{"2/4 · Title q1", "Do you work?"}},
		// Another command leaves the menu.
		{ev: cmd("language")},
		{ev: cmd("back"), want: []string{"1/4"}, phase: PhaseWalking},
		{ev: cmd("language")},
		{ev: text("klingon"), want: []string{"Choose your language"}, phase: PhaseLanguage},
		// The menu's buttons are gone once used.
		{press: "English", fx: []string{"SetLanguage en"}, want: []string{"1/4"}},
		{ev: tap("l:nb"), want: []string{"no longer active"}},
	})
	if s.st.Lang != "en" || s.p.Lang != "en" {
		t.Fatalf("language %q/%q, want en", s.st.Lang, s.p.Lang)
	}
	// Before consent, the consent text comes back in the new language.
	c := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, c, []turn{
		{ev: cmd("start", "INV"), anyFx: true},
		{ev: cmd("language")},
		{press: "Norsk", fx: []string{"SetLanguage nb"}, want: []string{"Samtykketekst.", "(Jeg samtykker | c:yes)"}, phase: PhaseConsent},
	})
}

func TestWithdraw(t *testing.T) {
	for _, tc := range []struct {
		lang, yes, no, keep, erase string
	}{
		{"en", "Yes, withdraw", "No, continue", "Keep my answers", "Erase my answers"},
		{"nb", "Ja, trekk meg", "Nei, fortsett", "Behold svarene", "Slett svarene"},
	} {
		t.Run(tc.lang+" keep", func(t *testing.T) {
			s := enrolled(t, tc.lang)
			play(t, s, []turn{
				{ev: text("2"), anyFx: true},
				{ev: cmd("withdraw"), want: []string{tc.yes, tc.no}, phase: PhaseConfirmWithdraw},
				{ev: text("2"), phase: PhaseConfirmWithdraw},
				// Cancelling carries on with the question that was open.
				{press: tc.no, want: []string{"2/4"}, phase: PhaseWalking},
				{ev: cmd("withdraw")},
				{press: tc.yes, fx: []string{"Withdraw false"}, want: []string{tc.keep, tc.erase}, phase: PhaseChooseErasure},
				{ev: text("hello"), want: []string{tc.keep}, phase: PhaseChooseErasure},
				{ev: tap("a:1:1"), want: []string{"[notice"}},
				{press: tc.keep, fx: []string{"Withdraw false"}, phase: PhaseWithdrawn},
				{press: tc.erase, phase: PhaseWithdrawn},
				{ev: text("1"), phase: PhaseWithdrawn},
				{ev: cmd("start", "INV"), phase: PhaseWithdrawn},
				{ev: cmd("resume"), phase: PhaseWithdrawn},
			})
			if s.p == nil || s.p.Status != questionnaires.StatusWithdrawn || len(s.self[0].Answers) == 0 {
				t.Fatalf("after keep: %+v", s.p)
			}
		})
		t.Run(tc.lang+" erase", func(t *testing.T) {
			s := enrolled(t, tc.lang)
			play(t, s, []turn{
				{ev: text("2"), anyFx: true},
				{ev: cmd("withdraw")},
				{press: tc.yes, fx: []string{"Withdraw false"}},
				{press: tc.erase, fx: []string{"Withdraw true"}, phase: PhaseWithdrawn},
				// The link is gone: the chat is a stranger's now.
				{ev: text("1"), want: []string{"personal invitation link"}},
			})
		})
	}
	t.Run("withdrawn elsewhere", func(t *testing.T) {
		s := enrolled(t, "en")
		s.p.Status = questionnaires.StatusWithdrawn
		play(t, s, []turn{{ev: text("1"), want: []string{"You have withdrawn"}, phase: PhaseWithdrawn}})
	})
}
