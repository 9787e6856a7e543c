package telegramfake

import (
	"math"
	"time"
)

// bucket is a token bucket: it holds up to burst tokens, refilled at rate
// per second; a message takes one.
type bucket struct {
	tokens float64
	last   time.Time
	primed bool
}

func (b *bucket) refill(now time.Time, rate float64, burst int) {
	if !b.primed {
		b.tokens, b.last, b.primed = float64(burst), now, true
		return
	}
	// Requests handled concurrently may come with times out of order: the
	// bucket never moves back, or the time between would be refilled twice.
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(float64(burst), b.tokens+elapsed*rate)
		b.last = now
	}
}

// wait says how many whole seconds (at least 1) until a token is free, or 0
// if one is free now. A disabled limit (rate <= 0) never waits.
func (b *bucket) wait(now time.Time, rate float64, burst int) int {
	if rate <= 0 {
		return 0
	}
	b.refill(now, rate, burst)
	if b.tokens >= 1 {
		return 0
	}
	return max(1, int(math.Ceil((1-b.tokens)/rate)))
}

func (b *bucket) take(rate float64) {
	if rate > 0 {
		b.tokens--
	}
}

// admit checks the per-chat and global limits for one message to c and
// takes a token from each if both allow it; otherwise it returns the
// retry_after to answer with. Caller holds s.mu.
func (s *Server) admit(c *chat) int {
	now := s.now()
	cfg := &s.cfg
	retry := max(c.bucket.wait(now, cfg.perChatRate, cfg.perChatBurst),
		s.global.wait(now, cfg.globalRate, cfg.globalBurst))
	if retry > 0 {
		return retry
	}
	c.bucket.take(cfg.perChatRate)
	s.global.take(cfg.globalRate)
	return 0
}
