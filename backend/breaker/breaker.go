// Package breaker owns the backend's circuit breakers (sony/gobreaker): one per
// dependency (Redis, the database) and client (the APIs, the projector). A breaker
// opens after consecutive failures of its dependency and then refuses at once, with
// an error of kind errs.Unavailable that says when to retry, instead of letting calls
// pile up against a dependency that is down; after its open time it lets one call
// through (half-open) and closes when that one succeeds. The package gives the
// breakers' states to the pipeline report and to metrics, a go-redis hook, and a
// backoff that waits out an open breaker.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/sony/gobreaker/v2"

	"github.com/billie/supervisor/backend/errs"
)

// Dependencies and clients, as breakers and their metric labels name them.
const (
	Redis     = "redis"
	Database  = "database"
	API       = "api"
	Projector = "projector"
)

// Options tune a breaker. The zero value is the backend's policy.
type Options struct {
	// Failures is how many failures in a row open it (default 5).
	Failures uint32
	// OpenFor is how long it stays open before it lets a probe through (default 5s).
	OpenFor time.Duration
	// IsFailure tells a failure of the dependency from an answer it gave (not found,
	// bad input, a reply of Redis's); nil counts every error. A call the caller
	// cancelled counts neither way.
	IsFailure func(error) bool
}

func (o Options) withDefaults() Options {
	if o.Failures == 0 {
		o.Failures = 5
	}
	if o.OpenFor <= 0 {
		o.OpenFor = 5 * time.Second
	}
	if o.IsFailure == nil {
		o.IsFailure = func(err error) bool { return err != nil }
	}
	return o
}

// Breaker guards one dependency for one client.
type Breaker struct {
	name, dependency, client string
	openFor                  time.Duration
	cb                       *gobreaker.TwoStepCircuitBreaker[struct{}]

	mu       sync.Mutex
	openedAt time.Time
}

// OpenError is the answer of an open breaker: its dependency is failing; retry after
// RetryAfter.
type OpenError struct {
	Breaker string
	After   time.Duration
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("circuit breaker %s is open: retry in %s", e.Breaker, e.After.Round(time.Millisecond))
}

// RetryAfter is how long until the breaker lets a call through again.
func (e *OpenError) RetryAfter() time.Duration { return e.After }

// IsOpen reports whether err is (or wraps) an open breaker's answer.
func IsOpen(err error) bool {
	var oe *OpenError
	return errors.As(err, &oe)
}

func newBreaker(dependency, client string, o Options, changed func()) *Breaker {
	o = o.withDefaults()
	b := &Breaker{name: dependency + "/" + client, dependency: dependency, client: client, openFor: o.OpenFor}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        b.name,
		MaxRequests: 1,
		Timeout:     o.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= o.Failures },
		IsSuccessful: func(err error) bool {
			return !o.IsFailure(err)
		},
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				b.mu.Lock()
				b.openedAt = time.Now()
				b.mu.Unlock()
			}
			if changed != nil {
				changed()
			}
		},
	})
	return b
}

// Name is "<dependency>/<client>", e.g. "redis/api".
func (b *Breaker) Name() string { return b.name }

// State is "closed", "open" or "half-open".
func (b *Breaker) State() string { return b.cb.State().String() }

// retryAfter is how long until an open breaker lets a probe through.
func (b *Breaker) retryAfter() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(time.Until(b.openedAt.Add(b.openFor)), 0)
}

// Allow admits a call: done records its outcome. An open breaker (or a half-open
// one whose probe is out) refuses with an *OpenError of kind errs.Unavailable.
func (b *Breaker) Allow() (done func(error), err error) {
	done, err = b.cb.Allow()
	if err != nil {
		after := b.retryAfter()
		if errors.Is(err, gobreaker.ErrTooManyRequests) || after <= 0 {
			after = min(b.openFor, time.Second) // a probe is out: it answers soon
		}
		return nil, errs.E(errs.Op("breaker."+b.name), errs.Unavailable, &OpenError{Breaker: b.name, After: after})
	}
	return done, nil
}

// Do runs f unless the breaker is open, and records how it went.
func (b *Breaker) Do(f func() error) error {
	done, err := b.Allow()
	if err != nil {
		return err
	}
	err = f()
	done(err)
	return err
}

// Call is Do for a function with a result.
func Call[T any](b *Breaker, f func() (T, error)) (T, error) {
	var v T
	err := b.Do(func() error {
		var err error
		v, err = f()
		return err
	})
	return v, err
}

// Record counts the outcome of a call made without Allow (one that a retry loop of
// someone else's made): a failure, or a success that closes a half-open breaker.
// While the breaker is open it counts nothing.
func (b *Breaker) Record(err error) {
	if done, aerr := b.cb.Allow(); aerr == nil {
		done(err)
	}
}

// Backoff is bo that, while the breaker is open, waits at least until it lets a
// probe through: a retry loop that calls the dependency stops hammering it and tries
// again once, when the breaker is ready to close.
func (b *Breaker) Backoff(bo backoff.BackOff) backoff.BackOff { return &waitOut{BackOff: bo, b: b} }

type waitOut struct {
	backoff.BackOff
	b *Breaker
}

// Context keeps bo's context, so that a wait ends when it does.
func (w *waitOut) Context() context.Context {
	if c, ok := w.BackOff.(backoff.BackOffContext); ok {
		return c.Context()
	}
	return context.Background()
}

// NextBackOff is called after a failed attempt. While the breaker is open the next
// attempt waits for its probe; half-open, the attempt that failed was the probe, and
// the breaker opens again for its whole open time. (The attempt whose failure opens
// the breaker is told of after this wait is chosen: the loop makes one more attempt,
// already due, before it waits.)
func (w *waitOut) NextBackOff() time.Duration {
	next := w.BackOff.NextBackOff()
	if next == backoff.Stop {
		return next
	}
	switch w.b.cb.State() {
	case gobreaker.StateOpen:
		return max(next, w.b.retryAfter())
	case gobreaker.StateHalfOpen:
		return max(next, w.b.openFor)
	}
	return next
}

// BreakerState is one breaker as the pipeline report shows it.
type BreakerState struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

// Set is the backend's breakers.
type Set struct {
	mu       sync.Mutex
	breakers []*Breaker
}

// NewSet is an empty set.
func NewSet() *Set { return &Set{} }

// New adds the breaker of dependency for client.
func (s *Set) New(dependency, client string, o Options) *Breaker {
	b := newBreaker(dependency, client, o, nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.breakers = append(s.breakers, b)
	return b
}

// All are the set's breakers, in the order they were added.
func (s *Set) All() []*Breaker {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.breakers)
}

// States are every breaker's state.
func (s *Set) States() []BreakerState {
	all := s.All()
	out := make([]BreakerState, len(all))
	for i, b := range all {
		out[i] = BreakerState{Name: b.name, State: b.State()}
	}
	return out
}
