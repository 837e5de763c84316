package app

import (
	"context"
	"errors"
	"testing"
)

func TestLatestCallStopsOlderCalls(t *testing.T) {
	var l latestCall
	ctx := context.Background()

	ol, doneOl, err := l.start(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	oli, doneOli, err := l.start(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !superseded(ol) {
		t.Errorf("call 1 still runs after call 2 started (cause %v)", context.Cause(ol))
	}
	if oli.Err() != nil {
		t.Errorf("call 2: %v", oli.Err())
	}
	// Wails may start an older call after a newer one: it must not run.
	if _, _, err := l.start(ctx, 1); !errors.Is(err, errSuperseded) {
		t.Errorf("call 1 started while call 2 runs: %v", err)
	}
	doneOl() // an older call ending must not mark the newer one ended
	if _, _, err := l.start(ctx, 1); !errors.Is(err, errSuperseded) {
		t.Errorf("call 1 started after the old call 1 ended, while call 2 runs: %v", err)
	}
	doneOli()
	if superseded(oli) {
		t.Error("call 2 reads as superseded after it ended on its own")
	}
	// With nothing running any number may start (a reloaded window counts afresh).
	again, doneAgain, err := l.start(ctx, 1)
	if err != nil || again.Err() != nil {
		t.Fatalf("call 1 after all ended: %v, %v", err, again.Err())
	}
	doneAgain()
}
