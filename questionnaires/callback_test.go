package questionnaires

import (
	"math"
	"strings"
	"testing"
)

func TestAnswerCallbackData(t *testing.T) {
	for _, tt := range []struct {
		seq  int64
		code int
	}{{0, 0}, {1, 3}, {42, 9}, {math.MaxInt64, math.MaxInt}, {math.MaxInt64, math.MinInt}, {7, -1}} {
		data := AnswerCallbackData(tt.seq, tt.code)
		if len(data) > maxCallbackData {
			t.Errorf("AnswerCallbackData(%d, %d) = %q: %d bytes", tt.seq, tt.code, data, len(data))
		}
		seq, code, ok := ParseAnswerCallbackData(data)
		if !ok || seq != tt.seq || code != tt.code {
			t.Errorf("ParseAnswerCallbackData(%q) = %d, %d, %v", data, seq, code, ok)
		}
	}
	if got := AnswerCallbackData(12, 3); got != "a:12:3" {
		t.Errorf("AnswerCallbackData(12, 3) = %q", got)
	}
	for _, bad := range []string{"", "a:", "a:1", "a:1:", "a::1", "b:1:2", "a:1:2:3", "a:x:1", "a:1:x",
		"a:+1:2", "a:01:2", "a:1:02", "a:99999999999999999999:1", "a: 1:2", "A:1:2"} {
		if seq, code, ok := ParseAnswerCallbackData(bad); ok {
			t.Errorf("ParseAnswerCallbackData(%q) = %d, %d, true", bad, seq, code)
		}
	}
}

func TestSkipCallbackData(t *testing.T) {
	for _, seq := range []int64{0, 1, 42, math.MaxInt64} {
		data := SkipCallbackData(seq)
		if len(data) > maxCallbackData {
			t.Errorf("SkipCallbackData(%d) = %q: %d bytes", seq, data, len(data))
		}
		if got, ok := ParseSkipCallbackData(data); !ok || got != seq {
			t.Errorf("ParseSkipCallbackData(%q) = %d, %v", data, got, ok)
		}
	}
	if got := SkipCallbackData(12); got != "s:12" {
		t.Errorf("SkipCallbackData(12) = %q", got)
	}
	for _, bad := range []string{"", "s:", "s:x", "s:+1", "s:01", "s: 1", "a:1:2", "S:1", "s:99999999999999999999"} {
		if seq, ok := ParseSkipCallbackData(bad); ok {
			t.Errorf("ParseSkipCallbackData(%q) = %d, true", bad, seq)
		}
	}
}

func TestRateAndLanguageCallbackData(t *testing.T) {
	data, ok := RateCallbackData("OSL-C-0011")
	if !ok || data != "r:OSL-C-0011" {
		t.Errorf("RateCallbackData = %q, %v", data, ok)
	}
	if code, ok := ParseRateCallbackData(data); !ok || code != "OSL-C-0011" {
		t.Errorf("ParseRateCallbackData(%q) = %q, %v", data, code, ok)
	}
	long := strings.Repeat("X", maxCallbackData-len("r:")+1)
	if data, ok := RateCallbackData(long); ok {
		t.Errorf("RateCallbackData of a %d-byte code = %q, true: too long for a button", len(long), data)
	}
	if code, ok := ParseRateCallbackData("r:" + long); ok {
		t.Errorf("ParseRateCallbackData of %d bytes = %q, true", len(long)+2, code)
	}
	for _, lang := range Languages {
		data := LanguageCallbackData(lang)
		if got, ok := ParseLanguageCallbackData(data); !ok || got != lang {
			t.Errorf("ParseLanguageCallbackData(%q) = %q, %v", data, got, ok)
		}
	}
	if got := LanguageCallbackData("nb"); got != "l:nb" {
		t.Errorf("LanguageCallbackData(nb) = %q", got)
	}
}

// TestCallbackKindsDistinct: no kind's data reads as another kind's, so a
// button can only ever do what it was made for.
func TestCallbackKindsDistinct(t *testing.T) {
	rate, _ := RateCallbackData("OSL-C-0011")
	all := []string{AnswerCallbackData(3, 2), SkipCallbackData(3), LanguageCallbackData("en"), rate,
		CallbackConsentYes, CallbackConsentNo, CallbackWithdrawYes, CallbackWithdrawNo,
		CallbackKeepAnswers, CallbackEraseAnswers, CallbackStart}
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d] {
			t.Errorf("callback data %q is made twice", d)
		}
		seen[d] = true
		if len(d) > maxCallbackData {
			t.Errorf("callback data %q: %d bytes", d, len(d))
		}
		kinds := 0
		if _, _, ok := ParseAnswerCallbackData(d); ok {
			kinds++
		}
		if _, ok := ParseSkipCallbackData(d); ok {
			kinds++
		}
		if _, ok := ParseLanguageCallbackData(d); ok {
			kinds++
		}
		if _, ok := ParseRateCallbackData(d); ok {
			kinds++
		}
		fixed := strings.HasPrefix(d, "c:") || strings.HasPrefix(d, "w:") || d == CallbackStart
		if fixed && kinds != 0 || !fixed && kinds != 1 {
			t.Errorf("callback data %q is read by %d parsers", d, kinds)
		}
	}
}
