package app

import (
	"sync"
	"time"
)

// progressEvery throttles ledger:connection events that only report progress
// (entries applied, entries behind); state changes go out at once.
const progressEvery = 250 * time.Millisecond

// tracker holds the connection state and tells the window about changes.
type tracker struct {
	emit func(ConnectionState)
	now  func() time.Time

	mu       sync.Mutex
	st       ConnectionState
	lastEmit time.Time
	timer    *time.Timer
	sync     syncClock
}

func newTracker(redisURL string, now func() time.Time, emit func(ConnectionState)) *tracker {
	return &tracker{emit: emit, now: now, st: ConnectionState{State: LinkConnecting, Stale: true, RedisURL: redisURL, Percent: 100}}
}

// get is the current state.
func (t *tracker) get() ConnectionState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st
}

// update changes the state with f and emits: at once when the link, staleness,
// catch-up or error changed, else at most every progressEvery.
func (t *tracker) update(f func(*ConnectionState)) {
	t.mu.Lock()
	before := t.st
	f(&t.st)
	t.st.Stale = t.st.State != LinkConnected || t.st.CatchingUp
	t.sync.derive(&before, &t.st, t.now())
	if sameState(before, t.st) {
		t.mu.Unlock()
		return
	}
	important := before.State != t.st.State || before.Stale != t.st.Stale || before.CatchingUp != t.st.CatchingUp ||
		!sameError(before.Error, t.st.Error) || before.RedisURL != t.st.RedisURL || before.FirstSync != t.st.FirstSync
	wait := time.Until(t.lastEmit.Add(progressEvery))
	if !important && wait > 0 {
		if t.timer == nil {
			t.timer = time.AfterFunc(wait, t.flush)
		}
		t.mu.Unlock()
		return
	}
	t.send()
	t.mu.Unlock()
}

func (t *tracker) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.timer = nil
	t.send()
}

// send emits the state; it holds the lock so the window sees states in order.
func (t *tracker) send() {
	t.lastEmit = time.Now()
	t.emit(t.st)
}

func sameError(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// stop cancels a pending progress emit.
func (t *tracker) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}
