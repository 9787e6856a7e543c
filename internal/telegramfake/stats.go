package telegramfake

import (
	"maps"
	"net/http"
	"sync"
)

// Stats are the Server's counters since it started, for benchmarks and
// for tests that check what the bot asked of Telegram.
type Stats struct {
	Requests         map[string]int64 // calls answered, per method (canonical name)
	Errors           map[string]int64 // error answers, per method
	TooManyRequests  map[string]int64 // 429 answers, per method
	MessagesSent     int64            // messages the bot sent and the fake accepted
	MessagesEdited   int64            // accepted edits of text or keyboard
	UpdatesCreated   int64            // updates users caused, delivered or not
	UpdatesDelivered int64            // updates handed to the bot, counting re-deliveries
	WebhookFailures  int64            // webhook deliveries the bot refused or missed
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// statsCounter has a lock of its own so that counting never waits on the
// Server's state lock. Lock order: Server.mu before statsCounter.mu.
type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func (c *statsCounter) init() {
	c.s.Requests = map[string]int64{}
	c.s.Errors = map[string]int64{}
	c.s.TooManyRequests = map[string]int64{}
}

func (c *statsCounter) record(method string, code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Requests[method]++
	if code != http.StatusOK {
		c.s.Errors[method]++
	}
	if code == http.StatusTooManyRequests {
		c.s.TooManyRequests[method]++
	}
}

func (c *statsCounter) add(field *int64, n int) {
	c.mu.Lock()
	*field += int64(n)
	c.mu.Unlock()
}

func (c *statsCounter) messageSent()           { c.add(&c.s.MessagesSent, 1) }
func (c *statsCounter) messageEdited()         { c.add(&c.s.MessagesEdited, 1) }
func (c *statsCounter) updateCreated()         { c.add(&c.s.UpdatesCreated, 1) }
func (c *statsCounter) updatesDelivered(n int) { c.add(&c.s.UpdatesDelivered, n) }
func (c *statsCounter) webhookFailed()         { c.add(&c.s.WebhookFailures, 1) }

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.s
	out.Requests = maps.Clone(c.s.Requests)
	out.Errors = maps.Clone(c.s.Errors)
	out.TooManyRequests = maps.Clone(c.s.TooManyRequests)
	return out
}
