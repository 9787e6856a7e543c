package questionnaires

import (
	"math"
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
