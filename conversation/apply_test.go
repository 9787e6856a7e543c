package conversation

import (
	"database/sql"
	"testing"
	"time"

	"github.com/imrbot/imrbot/store"
)

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
		if got := late(sess, Update{ID: tc.id, MessageAt: tc.at}); got != tc.want {
			t.Errorf("%s: late = %v, want %v", tc.name, got, tc.want)
		}
	}
}
