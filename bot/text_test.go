package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
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
