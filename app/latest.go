package app

import (
	"context"
	"errors"
	"sync"
)

// errSuperseded is the answer to a palette lookup that a newer one replaced.
var errSuperseded = errors.New("a newer search replaced this one")

// latestCall lets the newest of a series of numbered calls run and stops the older
// one still running. It exists for the palette, which asks on every keystroke: on two
// cores a lookup for "ol" left to finish delays the answer to "oli" by its whole
// cost. The caller numbers its calls because Wails runs each in a goroutine of its
// own, and they may start in any order.
type latestCall struct {
	mu      sync.Mutex
	seq     int64
	running bool
	cancel  context.CancelCauseFunc
}

// start begins call seq. It fails with errSuperseded when a call numbered higher is
// running, and stops the running one numbered lower. done must be called when the
// call ends.
func (l *latestCall) start(ctx context.Context, seq int64) (_ context.Context, done func(), _ error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running && seq < l.seq {
		return nil, nil, errSuperseded
	}
	if l.running {
		l.cancel(errSuperseded)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	l.seq, l.running, l.cancel = seq, true, cancel
	return ctx, func() {
		cancel(nil)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.seq == seq {
			l.running = false
		}
	}, nil
}

// superseded reports whether ctx was stopped by a newer call.
func superseded(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errSuperseded)
}
