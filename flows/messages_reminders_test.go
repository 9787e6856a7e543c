package flows

import (
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestReminderTexts: today's wording, the date as each language writes it,
// and the button the text tells the person to tap, in their language.
func TestReminderTexts(t *testing.T) {
	closes := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		got  Message
		want string
		data []string
	}{
		{Reminder("en", "Baseline", true, closes),
			"Now open (Baseline): your questionnaires are ready for you until 5 March 2025. Tap Start when you have a moment.",
			[]string{"Start", questionnaires.CallbackStart}},
		{Reminder("nb", "Oppstart", false, closes),
			"Påminnelse (Oppstart): spørreskjemaene venter på deg fram til 05.03.2025. Trykk Begynn for å svare.",
			[]string{"Begynn", questionnaires.CallbackStart}},
		{Reminder("", "Baseline", false, closes),
			"Reminder (Baseline): your questionnaires are waiting for you until 5 March 2025. Tap Start to answer.",
			[]string{"Start", questionnaires.CallbackStart}},
		{RatingReminder("en", "Baseline", "OSL-C-0011", false, closes),
			"Reminder (Baseline): your ratings of OSL-C-0011 are waiting until 5 March 2025.",
			[]string{"Rate OSL-C-0011", "r:OSL-C-0011"}},
		// The first notice is not called a reminder (issue 11).
		{RatingReminder("en", "Baseline", "OSL-C-0011", true, closes),
			"Now open (Baseline): your ratings of OSL-C-0011 are ready for you until 5 March 2025.",
			[]string{"Rate OSL-C-0011", "r:OSL-C-0011"}},
		{RatingReminder("nb", "Oppstart", "OSL-C-0011", false, closes),
			"Påminnelse (Oppstart): vurderingene dine av OSL-C-0011 venter fram til 05.03.2025.",
			[]string{"Vurder OSL-C-0011", "r:OSL-C-0011"}},
		{Escalation("en", "Baseline", "OSL-C-0011", closes, []string{"q1", "q2"}, []string{"r1"}, ""),
			"Still missing 21 days after the due date (Baseline, due 2025-03-05): OSL-C-0011: q1, q2; ratings of OSL-C-0011 by ?: r1.",
			nil},
		{Escalation("nb", "Oppstart", "OSL-C-0011", closes, nil, []string{"r1"}, "OSL-K-0001"),
			"Mangler fortsatt, 21 dager etter fristen (Oppstart, frist 2025-03-05): vurderinger av OSL-C-0011 fra OSL-K-0001: r1.",
			nil},
		{UnreachableNotice("en", "OSL-C-0011"),
			"OSL-C-0011 can no longer be reached on Telegram (they blocked the bot or deleted their account). Reminders to them have stopped.",
			nil},
	} {
		if c.got.Text != c.want {
			t.Errorf("text = %q\nwant   %q", c.got.Text, c.want)
		}
		var got []string
		for _, row := range c.got.Action.Buttons(c.got.Lang) {
			for _, b := range row {
				got = append(got, b.Text, b.Data)
			}
		}
		if strings.Join(got, "|") != strings.Join(c.data, "|") {
			t.Errorf("%q: buttons %q, want %q", c.want, got, c.data)
		}
	}
	if b := RateConsumer(strings.Repeat("X", 63)).Buttons("en"); b != nil {
		t.Errorf("a code too long for the button's data got buttons %v", b)
	}
}
