package flows

import (
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// enrolled returns a consumer who has consented and sees q1's first question.
func enrolled(t *testing.T, lang string) *sim {
	s := newSim(t, testCatalog(), questionnaires.RoleConsumer, lang)
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}},
		{ev: tap("c:yes"), anyFx: true, phase: PhaseWalking},
	})
	return s
}

func TestConsumerWalk(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, phase: PhaseConsent,
			want: []string{"Consent text.", "(I agree | c:yes)", "| c:no)"}},
		{press: "I agree", phase: PhaseWalking,
			fx: []string{"RecordConsent v1 true", "StartTask 1/q1"},
			want: []string{"[edit_prompt prompt=false] Consent text.\n✓ I agree", "Thank you for taking part",
				"Questionnaire 1 of 2: Title q1 (4 questions).\nAbout your week.",
				"1/4 · Title q1\nIn the past week.\n\nHow often A?", "(1 - Never | a:2:1)", "(2 - Sometimes | a:2:2)"}},
		{press: "2 - Sometimes", fx: []string{"SaveAnswer 1/q1/q1_1=2"},
			want: []string{"[edit_prompt prompt=false] 1/4 · Title q1\nIn the past week.\n\nHow often A?\n✓ 2 - Sometimes",
				"[send prompt=true] 2/4", "Do you work?", "(1 - Yes | a:3:1)"}},
		// Typing the code answers too; show_if opens q1_3.
		{ev: text(" 1 "), fx: []string{"SaveAnswer 1/q1/q1_2=1"}, want: []string{"✓ 1 - Yes", "3/4", "Hours a week?", "from 0 to 80"}},
		{ev: text("abc"), want: []string{"whole number from 0 to 80", "[send prompt=true] 3/4"}, phase: PhaseWalking},
		{ev: text("81"), want: []string{"outside the range", "3/4"}},
		{ev: text("7️⃣"), want: []string{"whole number from 0 to 80", "3/4"}},
		{ev: text(""), want: []string{"3/4"}},
		{ev: Event{Kind: EventUnsupported}, want: []string{"only read text", "3/4"}},
		{ev: Event{Kind: EventEdited, Text: "12"}, want: []string{"does not change an answer", "3/4"}},
		{ev: text("40"), fx: []string{"SaveAnswer 1/q1/q1_3=40"}, want: []string{"✓ 40", "4/4", "Anything else?", "(Skip | s:"}},
		{ev: cmd("skip"), fx: []string{"SaveAnswer 1/q1/q1_4=<skip>", "CompleteTask 1/q1", "StartTask 1/q2"},
			want: []string{"✓ Skipped", "Questionnaire 2 of 2: Title q2 (2 questions).", "1/2 · Title q2"}},
		// Required items cannot be skipped.
		{ev: cmd("skip"), want: []string{"cannot be skipped", "1/2 · Title q2"}},
		// /back at q2's first item goes to q1's last (issue 11: it said
		// there was nothing before); /resume comes back.
		{ev: cmd("back"), want: []string{"Questionnaire 1 of 2: Title q1", "4/4 · Title q1", "Anything else?", "Your answer now: Skipped"},
			not: []string{"first question of this questionnaire"}},
		{ev: cmd("resume"), want: []string{"1/2 · Title q2"}, fx: []string{"StartTask 1/q2"}},
		{ev: text("3"), fx: []string{"SaveAnswer 1/q2/q2_1=3"}, want: []string{"2/2"}},
		{ev: text("4"), want: []string{"one of the numbers 1, 2 or 3", "2/2"}},
		{ev: text("1"), fx: []string{"SaveAnswer 1/q2/q2_2=1", "CompleteTask 1/q2"}, phase: PhaseIdle,
			want: []string{"Baseline is complete"}},
		{ev: text("hello"), want: []string{"nothing for you to answer"}, phase: PhaseIdle},
	})
}

func TestTextItemLimits(t *testing.T) {
	s := enrolled(t, "en")
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'x'
	}
	play(t, s, []turn{
		{ev: text("1"), anyFx: true},
		// "No" rules q1_3 out: q1 asks three items (issue 11; was "4/4").
		{ev: text("2"), fx: []string{"SaveAnswer 1/q1/q1_2=2"}, want: []string{"3/3", "Anything else?"}, not: []string{"3/4"}},
		{ev: text(string(long)), want: []string{"at most 1000 characters", "3/3"}},
		{ev: text("   "), want: []string{"type an answer", "3/3"}},
		{ev: text("<b>bold</b> & _x_"), fx: []string{"SaveAnswer 1/q1/q1_4=<b>bold</b> & _x_", "CompleteTask 1/q1", "StartTask 1/q2"},
			want: []string{"✓ <b>bold</b> & _x_"}},
	})
}
