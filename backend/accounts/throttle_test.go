package accounts

import (
	"sync"
	"testing"
	"time"
)

// clock is a settable time for session expiry and lockouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestThrottleKeys is the unit half of the sign-in throttle's test; the half through
// HTTP (slow-down, lock, Retry-After) is authapi's TestThrottle.
func TestThrottleKeys(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	// Another email is not affected by one's lock.
	th := newThrottle(DefaultThrottle, c.now)
	for range 5 {
		th.fail("a")
	}
	if _, l := th.check("a"); l != 15*time.Minute {
		t.Errorf("lock %s", l)
	}
	if d, l := th.check("b"); d != 0 || l != 0 {
		t.Errorf("b: %s %s", d, l)
	}
	// Failures older than the window are forgotten.
	th.fail("c")
	th.fail("c")
	th.fail("c")
	if d, _ := th.check("c"); d != time.Second {
		t.Errorf("delay after 3 failures %s, want 1s", d)
	}
	c.add(16 * time.Minute)
	if d, l := th.check("c"); d != 0 || l != 0 {
		t.Errorf("after the window: %s %s", d, l)
	}
}
