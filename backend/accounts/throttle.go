package accounts

import (
	"sync"
	"time"
)

// ThrottlePolicy is how failed sign-ins for one email slow down and then lock further
// attempts. It is keyed by the email as typed (normalised), whether or not an account
// has it, so its answers do not reveal which emails exist.
type ThrottlePolicy struct {
	// Window: failures older than this are forgotten (default 15 min).
	Window time.Duration
	// SlowAfter failures, each further attempt waits BaseDelay, doubling per failure
	// up to MaxDelay (defaults 3, 1 s, 8 s).
	SlowAfter int
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// LockAfter failures lock the email for LockFor (defaults 5, 15 min).
	LockAfter int
	LockFor   time.Duration
	// MaxTracked bounds the memory: past it, entries whose window has passed are
	// dropped (default 100,000).
	MaxTracked int
}

// DefaultThrottle is the production policy.
var DefaultThrottle = ThrottlePolicy{
	Window: 15 * time.Minute, SlowAfter: 3, BaseDelay: time.Second, MaxDelay: 8 * time.Second,
	LockAfter: 5, LockFor: 15 * time.Minute, MaxTracked: 100_000,
}

func (p ThrottlePolicy) withDefaults() ThrottlePolicy {
	d := DefaultThrottle
	if p.Window > 0 {
		d.Window = p.Window
	}
	if p.SlowAfter > 0 {
		d.SlowAfter = p.SlowAfter
	}
	if p.BaseDelay != 0 {
		d.BaseDelay = max(p.BaseDelay, 0)
	}
	if p.MaxDelay != 0 {
		d.MaxDelay = max(p.MaxDelay, 0)
	}
	if p.LockAfter > 0 {
		d.LockAfter = p.LockAfter
	}
	if p.LockFor > 0 {
		d.LockFor = p.LockFor
	}
	if p.MaxTracked > 0 {
		d.MaxTracked = p.MaxTracked
	}
	return d
}

type attempts struct {
	failures    int
	last        time.Time
	lockedUntil time.Time
}

type throttle struct {
	p   ThrottlePolicy
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*attempts
}

func newThrottle(p ThrottlePolicy, now func() time.Time) *throttle {
	return &throttle{p: p, now: now, m: map[string]*attempts{}}
}

// check returns how long to wait before verifying, or how long the key stays locked.
func (t *throttle) check(key string) (delay, locked time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.current(key)
	if a == nil {
		return 0, 0
	}
	now := t.now()
	if now.Before(a.lockedUntil) {
		return 0, a.lockedUntil.Sub(now)
	}
	if a.failures >= t.p.SlowAfter {
		delay = t.p.BaseDelay << min(a.failures-t.p.SlowAfter, 10)
		delay = min(delay, t.p.MaxDelay)
	}
	return delay, 0
}

// current is key's entry, forgotten when its window has passed.
func (t *throttle) current(key string) *attempts {
	a := t.m[key]
	if a == nil {
		return nil
	}
	now := t.now()
	if now.Sub(a.last) > t.p.Window && !now.Before(a.lockedUntil) {
		delete(t.m, key)
		return nil
	}
	return a
}

// fail counts a failure and returns the lock it caused, if any.
func (t *throttle) fail(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.current(key)
	if a == nil {
		if len(t.m) >= t.p.MaxTracked {
			t.prune()
		}
		a = &attempts{}
		t.m[key] = a
	}
	a.failures++
	a.last = t.now()
	if a.failures >= t.p.LockAfter {
		a.lockedUntil = a.last.Add(t.p.LockFor)
		a.failures = 0 // after the lock, the count starts again
		return t.p.LockFor
	}
	return 0
}

func (t *throttle) success(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

func (t *throttle) prune() {
	for k := range t.m {
		t.current(k)
	}
}
