package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/internal/testclock"
	"github.com/billie/supervisor/backend/store/ops"
)

// The service over the real store; its HTTP API is tested in package authapi.

var cheap = accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

type env struct {
	svc   *accounts.Service
	clock *testclock.Clock
}

func newEnv(t *testing.T, o accounts.Options) *env {
	t.Helper()
	st, err := ops.Open(context.Background(), filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := testclock.New(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	if o.Hash == (accounts.HashParams{}) {
		o.Hash = cheap
	}
	if o.Now == nil {
		o.Now = c.Now
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
			if _, err := e.svc.Login(context.Background(), email, "wrong-password-1", "192.0.2.1"); err != accounts.ErrInvalidCredentials {
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

const here, elsewhere = "192.0.2.1", "198.51.100.7"

// TestThrottleClearedBySuccess: after the lock, the right password works again, and
// success clears the count.
func TestThrottleClearedBySuccess(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond,
		LockAfter: 5, LockFor: 10 * time.Minute}})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	ctx := context.Background()
	for range 5 {
		if _, err := e.svc.Login(ctx, "ada@example.com", "wrong-password", here); err != accounts.ErrInvalidCredentials {
			t.Fatal(err)
		}
	}
	var locked *accounts.LockedError
	if _, err := e.svc.Login(ctx, "ada@example.com", "admin-password-1", here); !errors.As(err, &locked) || locked.RetryAfter != 10*time.Minute {
		t.Fatalf("not locked: %v", err)
	}
	e.clock.Add(10*time.Minute + time.Second)
	if _, err := e.svc.Login(ctx, "ada@example.com", "admin-password-1", here); err != nil {
		t.Fatal(err)
	}
	if d, l := e.svc.ThrottleState("ada@example.com", here); d != 0 || l != 0 {
		t.Errorf("after success: delay %s lock %s", d, l)
	}
}

// TestLoginBurst: 30 parallel wrong guesses from one address verify no more passwords
// than the limit allows; the others are refused as locked without a verification.
func TestLoginBurst(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 100, LockAfter: 5, LockFor: 10 * time.Minute}})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	var wg sync.WaitGroup
	var mu sync.Mutex
	verified, locked := 0, 0
	start := make(chan struct{})
	for range 30 {
		wg.Go(func() {
			<-start
			_, err := e.svc.Login(context.Background(), "ada@example.com", "wrong-password", here)
			mu.Lock()
			defer mu.Unlock()
			var le *accounts.LockedError
			switch {
			case err == accounts.ErrInvalidCredentials:
				verified++
			case errors.As(err, &le):
				locked++
			default:
				t.Errorf("login: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if verified != 5 || locked != 25 {
		t.Errorf("%d passwords verified, %d locked; want 5, 25", verified, locked)
	}
}

// TestNoLockoutFromElsewhere: failures from other addresses lock those addresses and
// slow the account down, but its owner still signs in from their own; an admin's
// unlock lifts every lock of the email.
func TestNoLockoutFromElsewhere(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 3, LockAfter: 5, LockFor: 10 * time.Minute}})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	ctx := context.Background()
	for i := range 12 {
		from := fmt.Sprintf("203.0.113.%d", i%2)
		if _, err := e.svc.Login(ctx, "ada@example.com", "wrong-password", from); err != accounts.ErrInvalidCredentials && i < 10 {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, l := e.svc.ThrottleState("ada@example.com", "203.0.113.0"); l == 0 {
		t.Fatal("the guessing address is not locked")
	}
	if d, _ := e.svc.ThrottleState("ada@example.com", here); d == 0 {
		t.Error("the account is not slowed down")
	}
	if _, err := e.svc.Login(ctx, "ada@example.com", "admin-password-1", here); err != nil {
		t.Fatalf("the owner is locked out: %v", err)
	}
	if _, l := e.svc.ThrottleState("ada@example.com", "203.0.113.0"); l == 0 {
		t.Error("the owner's sign-in lifted the guessing address's lock")
	}
	if !e.svc.Unlock("ADA@example.com ") {
		t.Fatal("unlock found nothing")
	}
	if d, l := e.svc.ThrottleState("ada@example.com", "203.0.113.0"); d != 0 || l != 0 {
		t.Errorf("after unlock: delay %s, lock %s", d, l)
	}
}

// TestLookAlikes: emails and names with control or format characters are refused,
// and emails that differ only by compatibility forms or case are one address.
func TestLookAlikes(t *testing.T) {
	e := newEnv(t, accounts.Options{})
	ctx := context.Background()
	e.mustCreate(t, "ada@example.com", accounts.RoleSupervisor, "super-password-1")
	for _, tc := range []struct {
		name, email, display string
		want                 error // kind of error: nil, ErrEmailTaken or an invalid field
		stored               string
	}{
		{"fresh", "Bob@Example.com", "Bob", nil, "bob@example.com"},
		{"full-width letters", "ａｄａ@example.com", "Ada", accounts.ErrEmailTaken, ""},
		{"upper case", "ADA@EXAMPLE.COM", "Ada", accounts.ErrEmailTaken, ""},
		{"ligature", "ﬁ@example.com", "Fi", nil, "fi@example.com"},
		{"ligature again", "fi@example.com", "Fi", accounts.ErrEmailTaken, ""},
		{"zero-width space", "ada\u200b@example.com", "Ada", errInvalid, ""},
		{"zero-width joiner", "a\u200dda@example.com", "Ada", errInvalid, ""},
		{"bidi override", "\u202eada@example.com", "Ada", errInvalid, ""},
		{"soft hyphen", "a\u00adda@example.com", "Ada", errInvalid, ""},
		{"BOM", "\ufeffada@example.com", "Ada", errInvalid, ""},
		{"tab", "ada\t@example.com", "Ada", errInvalid, ""},
		{"NUL", "ada\x00@example.com", "Ada", errInvalid, ""},
		{"DEL", "ada\x7f@example.com", "Ada", errInvalid, ""},
		{"C1 control", "ada\u0085@example.com", "Ada", errInvalid, ""},
		{"name with zero-width space", "cy@example.com", "C\u200by", errInvalid, ""},
		{"name with bidi override", "cy@example.com", "\u202eyC", errInvalid, ""},
		{"name with newline", "cy@example.com", "C\ny", errInvalid, ""},
		{"name with escape", "cy@example.com", "C\x1b[31my", errInvalid, ""},
		{"name full-width, normalised", "dee@example.com", "Ｄｅｅ", nil, "dee@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := e.svc.Create(ctx, tc.email, tc.display, accounts.RoleSupervisor, "super-password-1")
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == errInvalid && errs.KindOf(err) != errs.Invalid:
				t.Fatalf("got %v, want an invalid field", err)
			case tc.want == accounts.ErrEmailTaken && !errors.Is(err, accounts.ErrEmailTaken):
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == nil && u.Email != tc.stored {
				t.Errorf("stored as %q, want %q", u.Email, tc.stored)
			}
			if tc.name == "name full-width, normalised" && u.Name != "Dee" {
				t.Errorf("name stored as %q", u.Name)
			}
		})
	}
	// Signing in with a look-alike of the address signs in to the one account.
	if _, err := e.svc.Login(ctx, "ＡＤＡ@example.com", "super-password-1", here); err != nil {
		t.Errorf("full-width sign-in: %v", err)
	}
}

var errInvalid = errors.New("invalid")
