// Package reader is the one loop that reads the chatLedger stream into an applier,
// with its two sources: a member of a consumer group (reads fenced by the group's
// lease, the pending entries claimed first, acknowledgement after commit) for the
// backend's projector, and a tail (XREAD from a position) for the desktop's cache.
// The loop reads ahead while the applier writes, decodes what it read, and joins
// batches that waited into one apply.
package reader

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/billie/supervisor/backend/ledger"
)

// Source is where the loop reads entries from.
type Source interface {
	// Next returns the next entries in stream order, waiting a while for some; none
	// is not an error.
	Next(ctx context.Context) ([]ledger.Entry, error)
}

// Apply commits one batch of decoded entries.
type Apply func(ctx context.Context, entries []ledger.Entry) error

// Options tune Run.
type Options struct {
	// ReadAhead is how many read batches may wait for the applier (default 4).
	ReadAhead int
	// MaxApply caps how many waiting entries are joined into one Apply: during
	// catch-up fewer, larger transactions write each touched record once for many of
	// its events, while a live update is applied at once (default: no joining).
	MaxApply int
	// OnReadError, when set, is told about a failed read and how long the loop waits
	// before it reads again; without it a failed read ends Run.
	OnReadError func(err error, wait time.Duration)
	// ProducerZone is the producer's time zone, which entries are decoded ahead in;
	// give the store's (store.Options.ProducerZone), or the store decodes them again.
	ProducerZone *time.Location
}

// Run reads src and applies what it read, in order, until ctx ends (then it returns
// nil, leaving what was read but not applied unapplied), Apply fails or a read fails
// that is not retried. It does not wait for a read in progress, which may block for a
// while: its reader stops as soon as that read returns, or fails when the caller
// closes the client.
func Run(ctx context.Context, src Source, apply Apply, o Options) error {
	if o.ReadAhead <= 0 {
		o.ReadAhead = 4
	}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	batches := make(chan []ledger.Entry, o.ReadAhead)
	readErr := make(chan error, 1)
	go func() { readErr <- read(readCtx, src, batches, o.OnReadError, o.ProducerZone) }()
	for {
		select {
		case entries := <-batches:
			if ctx.Err() != nil {
				return nil
			}
			if err := apply(ctx, join(entries, batches, o.MaxApply)); err != nil {
				return err
			}
		case err := <-readErr:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// read feeds batches, decoded, to the applier, so that reading and decoding overlap
// applying.
func read(ctx context.Context, src Source, out chan<- []ledger.Entry, onErr func(error, time.Duration), zone *time.Location) error {
	for ctx.Err() == nil {
		var entries []ledger.Entry
		next := func() (err error) {
			entries, err = src.Next(ctx)
			return err
		}
		var err error
		if onErr != nil {
			err = Retry(ctx, next, onErr)
		} else {
			err = next()
		}
		if err != nil || ctx.Err() != nil {
			return err
		}
		if len(entries) == 0 {
			continue
		}
		ledger.DecodeEntries(entries, zone)
		select {
		case out <- entries:
		case <-ctx.Done():
		}
	}
	return nil
}

// join appends batches already waiting to first, up to max entries.
func join(first []ledger.Entry, waiting <-chan []ledger.Entry, max int) []ledger.Entry {
	entries := first
	for len(entries) < max {
		select {
		case more := <-waiting:
			entries = append(entries, more...)
		default:
			return entries
		}
	}
	return entries
}

// Retry runs op until it succeeds, ctx ends or op returns a backoff.Permanent error,
// waiting as NewBackoff says between attempts, or longer when the error asks to (an
// open circuit breaker's answer has a RetryAfter: calling again before it is
// pointless); notify hears of each failure and the wait after it.
func Retry(ctx context.Context, op func() error, notify backoff.Notify) error {
	h := &hinted{BackOff: backoff.WithContext(NewBackoff(), ctx), ctx: ctx}
	return backoff.RetryNotify(func() error {
		h.err = op()
		return h.err
	}, h, notify)
}

// hinted is a backoff that waits at least as long as the last error asks.
type hinted struct {
	backoff.BackOff
	ctx context.Context
	err error
}

func (h *hinted) Context() context.Context { return h.ctx }

func (h *hinted) NextBackOff() time.Duration {
	next := h.BackOff.NextBackOff()
	var ra interface{ RetryAfter() time.Duration }
	if next != backoff.Stop && errors.As(h.err, &ra) {
		next = max(next, ra.RetryAfter())
	}
	return next
}

// NewBackoff is the ledger readers' retry policy: from 200 ms up to 10 s between
// attempts, for as long as it takes.
func NewBackoff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	b.MaxInterval = 10 * time.Second
	b.MaxElapsedTime = 0
	return b
}
