package accounts_test

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/store"
)

// The service over the real store; its HTTP API is tested in package authapi.

var cheap = accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

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

type env struct {
	svc   *accounts.Service
	clock *clock
}

func newEnv(t *testing.T, o accounts.Options) *env {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "acc.db"), store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	if o.Hash == (accounts.HashParams{}) {
		o.Hash = cheap
	}
	if o.Now == nil {
		o.Now = c.now
	}
	if o.Throttle.BaseDelay == 0 {
		o.Throttle.BaseDelay = time.Millisecond
		o.Throttle.MaxDelay = 4 * time.Millisecond
	}
	svc, err := accounts.New(st, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, clock: c}
}

func (e *env) mustCreate(t *testing.T, email, role, pw string) accounts.User {
	t.Helper()
	u, err := e.svc.Create(context.Background(), email, "Name of "+email, role, pw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestLoginTimingClass: an unknown email costs a password verification too, so it
// answers in the time a wrong password does.
func TestLoginTimingClass(t *testing.T) {
	e := newEnv(t, accounts.Options{Hash: accounts.HashParams{MemoryKiB: 8 * 1024, Time: 2, Threads: 1}, Throttle: accounts.ThrottlePolicy{SlowAfter: 1000, LockAfter: 1000}})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	// Interleaved with the cost of one verification, so that a busy machine slows all
	// three alike.
	var knownDs, unknownDs, costs []time.Duration
	for range 9 {
		start := time.Now()
		if _, err := accounts.Verify("x", e.svc.DummyHash()); err != nil {
			t.Fatal(err)
		}
		costs = append(costs, time.Since(start))
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			start := time.Now()
			if _, err := e.svc.Login(context.Background(), email, "wrong-password-1"); err != accounts.ErrInvalidCredentials {
				t.Fatal(err)
			}
			if email == "ada@example.com" {
				knownDs = append(knownDs, time.Since(start))
			} else {
				unknownDs = append(unknownDs, time.Since(start))
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	hashCost := median(costs)
	known, unknown := median(knownDs), median(unknownDs)
	t.Logf("one verification %s; wrong password %s, unknown email %s", hashCost, known, unknown)
	if unknown < hashCost/2 {
		t.Errorf("unknown email answered in %s, under the cost of a hash (%s)", unknown, hashCost)
	}
	if r := float64(unknown) / float64(known); r < 0.4 || r > 2.5 {
		t.Errorf("unknown email %s vs wrong password %s: not the same timing class", unknown, known)
	}
}

// TestThrottleClearedBySuccess: after the lock, the right password works again, and
// success clears the count.
func TestThrottleClearedBySuccess(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond,
		LockAfter: 5, LockFor: 10 * time.Minute}})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	ctx := context.Background()
	for range 5 {
		if _, err := e.svc.Login(ctx, "ada@example.com", "wrong-password"); err != accounts.ErrInvalidCredentials {
			t.Fatal(err)
		}
	}
	var locked *accounts.LockedError
	if _, err := e.svc.Login(ctx, "ada@example.com", "admin-password-1"); !errors.As(err, &locked) || locked.RetryAfter != 10*time.Minute {
		t.Fatalf("not locked: %v", err)
	}
	e.clock.add(10*time.Minute + time.Second)
	if _, err := e.svc.Login(ctx, "ada@example.com", "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	if d, l := e.svc.ThrottleCheck("ada@example.com"); d != 0 || l != 0 {
		t.Errorf("after success: delay %s lock %s", d, l)
	}
}
