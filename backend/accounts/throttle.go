package accounts

import (
	"sync"
	"time"
)

// ThrottlePolicy is how failed sign-ins slow down and then lock further attempts.
//
// Two counts are kept, both by the email as typed (normalised), whether or not an
// account has it, so the answers do not reveal which emails exist:
//
//   - per email, from any address: past SlowAfter failures every attempt waits, but
//     it is never refused, so nobody elsewhere can lock an account's owner out;
//   - per email and client address: LockAfter failures lock that pair for LockFor.
//
// An attempt is counted when it starts, before the password is verified, and
// forgiven only when it succeeds: parallel guesses cannot all pass the check
// before any of them has failed.
type ThrottlePolicy struct {
	// Window: failures older than this are forgotten (default 15 min).
	Window time.Duration
	// SlowAfter failures of an email, each further attempt waits BaseDelay, doubling
	// per failure up to MaxDelay (defaults 3, 1 s, 8 s).
	SlowAfter int
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// LockAfter attempts of an email from one address lock that pair for LockFor
	// (defaults 5, 15 min).
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

// attempts are the counted attempts of an email, or of an email from one address.
type attempts struct {
	failures    int
	last        time.Time
	lockedUntil time.Time
}

// emailState is an email's count and the counts of the addresses it was tried from.
type emailState struct {
	attempts
	from map[string]*attempts
}

type throttle struct {
	p       ThrottlePolicy
	now     func() time.Time
	mu      sync.Mutex
	m       map[string]*emailState
	tracked int // entries in m and in their from maps
}

func newThrottle(p ThrottlePolicy, now func() time.Time) *throttle {
	return &throttle{p: p, now: now, m: map[string]*emailState{}}
}

// begin counts an attempt for email from addr, as a failure until success forgives
// it. It returns how long the attempt must wait before verifying, or, when the pair
// is locked, how long the lock lasts (and counts nothing).
func (t *throttle) begin(email, addr string) (delay, locked time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	e := t.email(email, now)
	pair := e.from[addr]
	if pair != nil && t.expired(pair, now) {
		delete(e.from, addr)
		t.tracked--
		pair = nil
	}
	if pair != nil && now.Before(pair.lockedUntil) {
		return 0, pair.lockedUntil.Sub(now)
	}
	if pair == nil {
		pair = &attempts{}
		e.from[addr] = pair
		t.tracked++
	}
	if e.failures >= t.p.SlowAfter {
		delay = min(t.p.BaseDelay<<min(e.failures-t.p.SlowAfter, 10), t.p.MaxDelay)
	}
	e.failures++
	e.last = now
	pair.failures++
	pair.last = now
	if pair.failures >= t.p.LockAfter {
		// This attempt is the last the pair gets; the next waits for the lock.
		pair.lockedUntil = now.Add(t.p.LockFor)
		pair.failures = 0
	}
	return delay, 0
}

// email is the state of email, made when there is none or its window has passed.
// t.mu is held.
func (t *throttle) email(email string, now time.Time) *emailState {
	e := t.m[email]
	if e != nil {
		for addr, a := range e.from {
			if t.expired(a, now) {
				delete(e.from, addr)
				t.tracked--
			}
		}
		if t.expired(&e.attempts, now) {
			e.attempts = attempts{}
		}
		return e
	}
	if t.tracked >= t.p.MaxTracked {
		t.prune(now)
	}
	e = &emailState{from: map[string]*attempts{}}
	t.m[email] = e
	t.tracked++
	return e
}

func (t *throttle) expired(a *attempts, now time.Time) bool {
	return now.Sub(a.last) > t.p.Window && !now.Before(a.lockedUntil)
}

// success forgives the attempts of email: its count and that of addr. The locks of
// other addresses stay: a sign-in here says nothing of the guesses made there.
func (t *throttle) success(email, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.m[email]
	if e == nil {
		return
	}
	e.attempts = attempts{}
	if _, ok := e.from[addr]; ok {
		delete(e.from, addr)
		t.tracked--
	}
}

// unlock forgets every count and lock of email; false when there were none.
func (t *throttle) unlock(email string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.m[email]
	if e == nil {
		return false
	}
	delete(t.m, email)
	t.tracked -= 1 + len(e.from)
	return e.failures > 0 || len(e.from) > 0
}

// prune drops the entries whose window has passed. t.mu is held.
func (t *throttle) prune(now time.Time) {
	for email, e := range t.m {
		for addr, a := range e.from {
			if t.expired(a, now) {
				delete(e.from, addr)
				t.tracked--
			}
		}
		if len(e.from) == 0 && t.expired(&e.attempts, now) {
			delete(t.m, email)
			t.tracked--
		}
	}
}

// state is the delay the next attempt of email would wait and the lock of the pair
// (email, addr), counting nothing (tests and the unlock answer).
func (t *throttle) state(email, addr string) (delay, locked time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.m[email]
	if e == nil {
		return 0, 0
	}
	now := t.now()
	if e.failures >= t.p.SlowAfter && !t.expired(&e.attempts, now) {
		delay = min(t.p.BaseDelay<<min(e.failures-t.p.SlowAfter, 10), t.p.MaxDelay)
	}
	if a := e.from[addr]; a != nil && now.Before(a.lockedUntil) {
		locked = a.lockedUntil.Sub(now)
	}
	return delay, locked
}
