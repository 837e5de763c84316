package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/cenkalti/backoff/v4"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

// IsolateAfter is how many times in a row a batch must fail with the same data error
// before ApplyRetrying narrows it down to the entry at fault.
const IsolateAfter = 3

// IsInfrastructure reports whether err is a failure around the entries (the context
// ended; the database is busy, locked, full, read-only, corrupt, missing a table or
// unable to do I/O) rather than one an entry causes. An infrastructure error is
// retried for as long as it takes; anything else is a data error, the one kind a
// batch is narrowed down for, so an outage never dead-letters good entries.
func IsInfrastructure(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE:
			return false // what one row held
		}
		return true
	}
	var pe *fs.PathError
	return errors.As(err, &pe)
}

// Failure is one failed attempt to apply a batch, as ApplyRetrying reports it.
type Failure struct {
	// First is the ID of the first entry of what failed; Count how many entries it held.
	First string
	Count int
	// Attempt counts the batch's failures so far, from 1.
	Attempt int
	Err     error
	// Infrastructure is IsInfrastructure(Err).
	Infrastructure bool
	// Wait is how long until the next attempt.
	Wait time.Duration
}

// ApplyRetrying applies entries until they commit or bo stops (give it a context to
// stop with). Every failure goes to onFailure, when set, with the wait before the next
// attempt. An infrastructure error is retried as long as bo allows; when the batch
// fails IsolateAfter times in a row with the same data error, the next attempt
// narrows it down by halves (ApplyIsolating) and dead-letters the entry at fault with
// the error, so one entry the store cannot take never stalls the entries after it.
// What committed is never applied again: a retry starts after it.
func (s *Store) ApplyRetrying(ctx context.Context, checkpoint string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(Failure)) (Result, error) {
	var (
		total   Result
		some    bool // total holds a commit
		attempt int
		same    int
		lastErr string
	)
	op := func() error {
		if len(entries) == 0 {
			return nil
		}
		var res Result
		var done int
		var err error
		if same >= IsolateAfter {
			res, done, err = s.isolate(ctx, checkpoint, entries)
		} else if res, err = s.ApplyBatch(ctx, checkpoint, entries); err == nil {
			done = len(entries)
		}
		if done > 0 {
			if some {
				total.add(res)
			} else {
				total, some = res, true
			}
			entries = entries[done:]
		}
		if err == nil {
			return nil
		}
		attempt++
		switch msg := err.Error(); {
		case IsInfrastructure(err):
			same, lastErr = 0, ""
		case msg == lastErr:
			same++
		default:
			same, lastErr = 1, msg
		}
		return err
	}
	notify := func(err error, wait time.Duration) {
		if onFailure != nil {
			onFailure(Failure{First: entries[0].ID, Count: len(entries), Attempt: attempt, Err: err,
				Infrastructure: IsInfrastructure(err), Wait: wait})
		}
	}
	if err := backoff.RetryNotify(op, bo, notify); err != nil {
		return total, err
	}
	return total, nil
}

// ApplyIsolating applies entries as ApplyBatch does, but when they fail with a data
// error it applies each half on its own, and so on down to the one entry that fails
// alone, which it dead-letters with the error; every other entry is applied, in
// order. An infrastructure error ends it: what committed before it is in the result.
func (s *Store) ApplyIsolating(ctx context.Context, checkpoint string, entries []ledger.Entry) (Result, error) {
	res, _, err := s.isolate(ctx, checkpoint, entries)
	return res, err
}

// isolate is ApplyIsolating that also says how many of the entries, from the first,
// are committed.
func (s *Store) isolate(ctx context.Context, checkpoint string, entries []ledger.Entry) (Result, int, error) {
	res, err := s.ApplyBatch(ctx, checkpoint, entries)
	switch {
	case err == nil:
		return res, len(entries), nil
	case IsInfrastructure(err):
		return Result{}, 0, err
	case len(entries) == 1:
		res, err = s.applyRejecting(ctx, checkpoint, entries[0], "the store could not apply it: "+err.Error())
		if err != nil {
			return Result{}, 0, err
		}
		return res, 1, nil
	}
	half := len(entries) / 2
	res, done, err := s.isolate(ctx, checkpoint, entries[:half])
	if err != nil {
		return res, done, err
	}
	more, n, err := s.isolate(ctx, checkpoint, entries[half:])
	res.add(more)
	return res, done + n, err
}

// applyRejecting applies one entry as a dead letter with reason, unless it was
// handled before (then it is redelivered as ApplyBatch tells it).
func (s *Store) applyRejecting(ctx context.Context, checkpoint string, e ledger.Entry, reason string) (Result, error) {
	return s.applyBatch(ctx, checkpoint, []ledger.Entry{e}, batchOptions{reject: map[string]string{e.ID: reason}})
}

// add adds what a later batch did to r.
func (r *Result) add(o Result) {
	r.Counts.Add(o.Counts)
	if !o.Last.IsZero() {
		r.Last = o.Last
	}
	r.DeadLetters = append(r.DeadLetters, o.DeadLetters...)
	r.Changes.Conversations = union(r.Changes.Conversations, o.Changes.Conversations)
	r.Changes.Applications = union(r.Changes.Applications, o.Changes.Applications)
	r.Changes.Customers = union(r.Changes.Customers, o.Changes.Customers)
	r.Changes.Messages = append(r.Changes.Messages, o.Changes.Messages...)
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// reduceRecovering is reduce with a panic turned into a data error, so that the
// batch fails like any other and can be narrowed down to the entry that caused it,
// instead of crashing the process on every start.
func (b *batch) reduceRecovering(snap *projection.Snapshot, entries []ledger.Entry) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("apply batch: panic: %v", r)
		}
	}()
	return b.reduce(snap, entries)
}
