package bot

import (
	"database/sql"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/imrbot/imrbot/store"
)

func TestEscapeHTML(t *testing.T) {
	got := escapeHTML(`<b>&amp; "x" 'y'</b>`)
	want := `&lt;b&gt;&amp;amp; "x" 'y'&lt;/b&gt;`
	if got != want {
		t.Fatalf("escapeHTML = %q, want %q", got, want)
	}
}

func TestSplitTextKeepsEverythingWithinLimit(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 10000),
		strings.Repeat("word ", 2000),
		strings.Repeat("line of text\n", 900),
		strings.Repeat("ø😀", 3000),
		"short",
		"",
	} {
		parts := splitText(s, maxMessageChars)
		if strings.Join(parts, "") != s {
			t.Errorf("parts of %d chars do not join back", utf8.RuneCountInString(s))
		}
		for _, p := range parts {
			if n := units(p); n > maxMessageChars || (n == 0 && s != "") {
				t.Errorf("part of %d characters", n)
			}
		}
	}
}

func TestTruncateText(t *testing.T) {
	if got := truncateText(strings.Repeat("é😀", 300), 200); units(got) > 200 || !strings.HasSuffix(got, "…") {
		t.Fatalf("truncateText gave %d units", units(got))
	}
	if got := truncateText("ok", 200); got != "ok" {
		t.Fatalf("truncateText(ok) = %q", got)
	}
}

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		in, cmd, arg string
		ok           bool
	}{
		{"/start ABC_12-x", "start", "ABC_12-x", true},
		{"/Start@imr_test_bot  CODE ", "start", "CODE", true},
		{"/back", "back", "", true},
		{"/rate OSL-C-0001", "rate", "OSL-C-0001", true},
		{"/", "", "", false},
		{"/ start", "", "", false},
		{"3", "", "", false},
	} {
		cmd, arg, ok := parseCommand(tc.in)
		if cmd != tc.cmd || arg != tc.arg || ok != tc.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tc.in, cmd, arg, ok, tc.cmd, tc.arg, tc.ok)
		}
	}
}

func TestParticipantLang(t *testing.T) {
	for _, tc := range []struct{ chosen, app, want string }{
		{"nb", "en", "nb"}, {"", "nn", "nb"}, {"", "no", "nb"}, {"", "nb-NO", "nb"},
		{"", "de", "en"}, {"", "", "en"}, {"en", "nb", "en"},
	} {
		if got := participantLang(tc.chosen, tc.app); got != tc.want {
			t.Errorf("participantLang(%q, %q) = %q, want %q", tc.chosen, tc.app, got, tc.want)
		}
	}
}

func TestLateMessages(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sess := &store.ChatSession{
		LastUpdateID:  sql.NullInt64{Int64: 100, Valid: true},
		LastMessageAt: sql.NullTime{Time: at, Valid: true},
	}
	for _, tc := range []struct {
		name string
		id   int64
		at   time.Time
		want bool
	}{
		{"next message", 101, at.Add(time.Second), false},
		{"overtaken in the same second", 99, at, true},
		{"overtaken", 99, at.Add(-time.Second), true},
		{"ids restarted after a silent week", 5, at.Add(8 * 24 * time.Hour), false},
		{"button tap (no date)", 1, time.Time{}, false},
	} {
		if got := late(sess, incoming{updateID: tc.id, messageAt: tc.at}); got != tc.want {
			t.Errorf("%s: late = %v, want %v", tc.name, got, tc.want)
		}
	}
}
