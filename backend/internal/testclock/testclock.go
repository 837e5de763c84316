// Package testclock is a clock that tests set and move by hand, for session expiry,
// sign-in lockouts and whatever else a service decides by the time.
package testclock

import (
	"sync"
	"time"
)

// Clock is a settable time; its methods may be called from any goroutine.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New is a clock standing at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time: pass it where a service takes its clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
