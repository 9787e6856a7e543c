package telegramfake

import (
	"testing"
	"time"
)

// TestBucketDoesNotRefillTwice: a message stamped earlier than the one
// before it (requests handled concurrently) neither refills the bucket
// nor moves it back, so the time after is not refilled twice.
func TestBucketDoesNotRefillTwice(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var b bucket
	at := func(d time.Duration) int {
		wait := b.wait(start.Add(d), 1, 1)
		if wait == 0 {
			b.take(1)
		}
		return wait
	}
	if at(0) != 0 {
		t.Fatal("a full bucket refused")
	}
	if at(-500*time.Millisecond) == 0 {
		t.Error("an earlier message took a token the bucket had not got")
	}
	if at(500*time.Millisecond) == 0 {
		t.Error("half a second after the last message, a bucket of 1/s gave a token: refilled from the earlier time")
	}
	if at(time.Second) != 0 {
		t.Error("a second after the last message, no token")
	}
}
