package pipeline

import (
	"sync"
	"time"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

// rateSpan is the longest span Tracker averages over, in whole seconds.
const rateSpan = 15 * 60

// Tracker follows the projector of this process through its batch and failure hooks:
// entries handled per second over the last 1 and 15 minutes, totals since start, and
// the last error. Its methods may be called from any goroutine.
type Tracker struct {
	now func() time.Time

	mu sync.Mutex
	// perSec[s % rateSpan] counts the entries of second s (Unix seconds); secOf says
	// which second a slot holds, so a slot left from an earlier lap reads as 0.
	perSec  [rateSpan]int64
	secOf   [rateSpan]int64
	entries uint64
	batches uint64
	errors  uint64
	lastErr string
	lastAt  time.Time
}

// NewTracker is a Tracker on the clock now (time.Now when nil).
func NewTracker(now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	return &Tracker{now: now}
}

// Batch is a projector OnBatch observer: it counts the batch's entries, whatever
// their outcome.
func (t *Tracker) Batch(res store.Result, _ time.Duration) {
	var n int64
	for _, o := range projection.Outcomes() {
		n += res.Of(o)
	}
	sec := t.now().Unix()
	t.mu.Lock()
	defer t.mu.Unlock()
	i := sec % rateSpan
	if t.secOf[i] != sec {
		t.secOf[i], t.perSec[i] = sec, 0
	}
	t.perSec[i] += n
	t.entries += uint64(n)
	t.batches++
}

// Failure is a projector OnFailure observer: it keeps the error and its time.
func (t *Tracker) Failure(f store.Failure) {
	at := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errors++
	if f.Err != nil {
		t.lastErr = f.Err.Error()
	}
	t.lastAt = at
}

// Rate is the entries handled per second over the last span (at most 15 minutes),
// the second in progress left out.
func (t *Tracker) Rate(span time.Duration) float64 {
	secs := min(int64(span/time.Second), rateSpan-1)
	if secs <= 0 {
		return 0
	}
	now := t.now().Unix()
	t.mu.Lock()
	defer t.mu.Unlock()
	var n int64
	for s := now - secs; s < now; s++ {
		if i := s % rateSpan; t.secOf[i] == s {
			n += t.perSec[i]
		}
	}
	return float64(n) / float64(secs)
}

// Totals are the tracker's counts since the process started.
type Totals struct {
	Entries, Batches, Errors uint64
}

// Totals are the entries, batches and failed attempts counted so far.
func (t *Tracker) Totals() Totals {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Totals{Entries: t.entries, Batches: t.batches, Errors: t.errors}
}

// LastError is the last failure's error and time; false when there was none.
func (t *Tracker) LastError() (string, time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr, t.lastAt, !t.lastAt.IsZero()
}
