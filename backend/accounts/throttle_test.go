package accounts

import (
	"testing"
	"time"

	"github.com/billie/supervisor/backend/internal/testclock"
)

// TestThrottleKeys is the unit half of the sign-in throttle's test; the half through
// HTTP (slow-down, lock, Retry-After) is authapi's TestThrottle, the concurrent half
// TestLoginBurst in accounts_test.
func TestThrottleKeys(t *testing.T) {
	c := testclock.New(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	th := newThrottle(DefaultThrottle, c.Now)
	for range 5 {
		if _, l := th.begin("a", "1.1.1.1"); l != 0 {
			t.Fatalf("locked before the limit: %s", l)
		}
	}
	if _, l := th.begin("a", "1.1.1.1"); l != 15*time.Minute {
		t.Errorf("lock %s", l)
	}
	// Another email is not affected by one's lock.
	if d, l := th.state("b", "1.1.1.1"); d != 0 || l != 0 {
		t.Errorf("b: %s %s", d, l)
	}
	// Nor is the same email from another address: it is slowed down, not locked.
	if d, l := th.begin("a", "2.2.2.2"); l != 0 || d == 0 {
		t.Errorf("from another address: delay %s, lock %s; want a delay only", d, l)
	}
	th.success("a", "2.2.2.2") // the owner signs in; the lock of 1.1.1.1 stays
	if _, l := th.begin("a", "1.1.1.1"); l == 0 {
		t.Error("a success elsewhere lifted the lock of 1.1.1.1")
	}
	// Failures older than the window are forgotten.
	for range 3 {
		th.begin("c", "1.1.1.1")
	}
	if d, _ := th.state("c", "1.1.1.1"); d != time.Second {
		t.Errorf("delay after 3 failures %s, want 1s", d)
	}
	c.Add(16 * time.Minute)
	if d, l := th.state("c", "1.1.1.1"); d != 0 || l != 0 {
		t.Errorf("after the window: %s %s", d, l)
	}
	// Unlock forgets every address's lock and the slow-down.
	if !th.unlock("a") {
		t.Error("unlock found nothing")
	}
	if d, l := th.begin("a", "1.1.1.1"); d != 0 || l != 0 {
		t.Errorf("after unlock: %s %s", d, l)
	}
	if th.unlock("nobody") {
		t.Error("unlock of an email never tried")
	}
}

// TestThrottleBounded: past MaxTracked, entries whose window has passed are dropped.
func TestThrottleBounded(t *testing.T) {
	c := testclock.New(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	th := newThrottle(ThrottlePolicy{MaxTracked: 10}.withDefaults(), c.Now)
	for i := range 5 {
		th.begin(string(rune('a'+i)), "1.1.1.1")
	}
	c.Add(time.Hour)
	th.begin("z", "1.1.1.1")
	if len(th.m) != 1 || th.tracked != 2 {
		t.Errorf("%d emails, %d entries tracked; want 1, 2", len(th.m), th.tracked)
	}
}
