package reader

import (
	"context"
	"errors"
	"testing"
	"time"
)

// retryLater is an error that says when to call again, as an open circuit breaker's
// answer does.
type retryLater struct{ after time.Duration }

func (e retryLater) Error() string             { return "not now" }
func (e retryLater) RetryAfter() time.Duration { return e.after }

func TestRetryWaitsAsLongAsTheErrorAsks(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		min, max time.Duration
	}{
		{"plain error: the backoff's first step", errors.New("connection refused"), 100 * time.Millisecond, 300 * time.Millisecond},
		{"retry after an hour", retryLater{time.Hour}, time.Hour, time.Hour},
		{"wrapped", errors.Join(errors.New("read"), retryLater{time.Minute}), time.Minute, time.Minute},
		{"shorter than the backoff", retryLater{time.Millisecond}, 100 * time.Millisecond, 300 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wait time.Duration
			err := Retry(ctx, func() error { return c.err }, func(_ error, d time.Duration) {
				wait = d
				cancel() // ends the wait at once
			})
			if err == nil {
				t.Fatal("Retry succeeded")
			}
			if wait < c.min || wait > c.max {
				t.Errorf("wait %s, want %s to %s", wait, c.min, c.max)
			}
		})
	}
}
