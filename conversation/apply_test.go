package conversation

import (
	"testing"
	"time"
)

func TestLateMessages(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
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
		if got := overtaken(Update{ID: tc.id, MessageAt: tc.at}, 100, at); got != tc.want {
			t.Errorf("%s: overtaken = %v, want %v", tc.name, got, tc.want)
		}
	}
}
