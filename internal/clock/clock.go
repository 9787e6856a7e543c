// Package clock is a clock that moves only when told: the injected "now"
// of the tests' worlds and of `imrbot rehearse`, whose timeline jumps
// from one scheduled reminder to the next.
package clock

import (
	"sync"
	"time"
)

// Manual is a clock that moves only by Set and Add; safe for concurrent
// use. Its zero value reads the zero time.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// At is a Manual clock reading t.
func At(t time.Time) *Manual { return &Manual{now: t} }

// Now reads the clock.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Add moves the clock on by d.
func (c *Manual) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
