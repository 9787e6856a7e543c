package flows

import "testing"

func TestLanguageOfAParticipant(t *testing.T) {
	for _, tc := range []struct{ chosen, app, want string }{
		{"nb", "en", "nb"}, {"", "nn", "nb"}, {"", "no", "nb"}, {"", "nb-NO", "nb"},
		{"", "de", "en"}, {"", "", "en"}, {"en", "nb", "en"},
	} {
		if got := Language(tc.chosen, tc.app); got != tc.want {
			t.Errorf("Language(%q, %q) = %q, want %q", tc.chosen, tc.app, got, tc.want)
		}
	}
}
