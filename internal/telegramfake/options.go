package telegramfake

import "time"

// Option configures a Server at creation.
type Option func(*config)

type config struct {
	username  string
	firstName string

	perChatRate  float64 // messages per second to one chat; <= 0 disables
	perChatBurst int
	globalRate   float64 // messages per second in all; <= 0 disables
	globalBurst  int

	now            func() time.Time
	messageHistory int // messages kept per chat; 0 keeps all

	backoffMin time.Duration
	backoffMax time.Duration
}

// callbackTimeout is how long after a tap a callback query may still be
// answered, by the injected clock (Telegram's 15 seconds).
const callbackTimeout = 15 * time.Second

// updateHistory bounds how many past updates Duplicate can re-deliver.
const updateHistory = 4096

func defaultConfig() config {
	return config{
		username:     "imr_test_bot",
		firstName:    "IMR Test Bot",
		perChatRate:  1,
		perChatBurst: 3,
		globalRate:   30,
		globalBurst:  30,
		now:          time.Now,
		backoffMin:   50 * time.Millisecond,
		backoffMax:   2 * time.Second,
	}
}

// WithUsername sets the bot's username (without '@') that getMe reports.
func WithUsername(username string) Option {
	return func(c *config) { c.username = username }
}

// WithLimits sets the accepted message rates, in messages per second, to one
// chat and to all chats together (Telegram: about 1 and 30, the defaults).
// A rate <= 0 turns that limit off. Sends beyond a limit get 429 with
// retry_after; only sendMessage counts, edits and callback answers do not.
func WithLimits(perChat, global float64) Option {
	return func(c *config) { c.perChatRate, c.globalRate = perChat, global }
}

// WithBursts sets how many messages may be sent at once before the rates of
// WithLimits apply (defaults 3 per chat and 30 in all), the short bursts
// Telegram tolerates.
func WithBursts(perChat, global int) Option {
	return func(c *config) { c.perChatBurst, c.globalBurst = max(perChat, 1), max(global, 1) }
}

// WithoutLimits turns both rate limits off, for benchmarks that measure the
// bot rather than Telegram's limits.
func WithoutLimits() Option {
	return func(c *config) { c.perChatRate, c.globalRate = 0, 0 }
}

// WithClock injects the clock used for message dates, rate limits, callback
// query expiry and the 48-hour deletion window, so tests can move time
// instead of sleeping. now is called from request goroutines: make it safe
// for concurrent use (an atomic or a mutex around the time it returns).
// Long-poll timeouts and webhook backoff use real time.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithMessageHistory bounds the messages remembered per chat (0, the default,
// keeps all). Benchmarks with many conversations use it to keep the fake's
// memory flat; an evicted message can no longer be edited or tapped.
func WithMessageHistory(n int) Option {
	return func(c *config) { c.messageHistory = max(n, 0) }
}

// WithWebhookBackoff sets the wait before re-delivering an update the webhook
// refused: min after the first failure, doubling up to max.
func WithWebhookBackoff(minWait, maxWait time.Duration) Option {
	return func(c *config) { c.backoffMin, c.backoffMax = minWait, max(minWait, maxWait) }
}
