package simulator

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestScale generates 100,000 conversations (about 3,000,000 events) and
// reports time and peak heap. It is opt-in because it takes seconds:
//
//	SIMULATOR_SCALE=1 go test -run TestScale -v ./backend/simulator/
func TestScale(t *testing.T) {
	if os.Getenv("SIMULATOR_SCALE") == "" {
		t.Skip("set SIMULATOR_SCALE=1 to run")
	}
	tests := []struct {
		name string
		o    Options
	}{
		{"two days of history", Options{History: 48 * time.Hour}},
		{"all at once", Options{}},
		{"messy", Options{History: 48 * time.Hour, Messy: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Conversations, tt.o.Seed, tt.o.Start = 100_000, 1, anchor
			runtime.GC()
			start := time.Now()
			g, err := New(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			var ms runtime.MemStats
			events, peak := 0, uint64(0)
			for _, ok := g.Next(); ok; _, ok = g.Next() {
				if events++; events%200_000 == 0 {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			}
			elapsed := time.Since(start)
			t.Logf("%d events in %s (%.0f events/s), peak heap in use %d MiB",
				events, elapsed.Round(time.Millisecond), float64(events)/elapsed.Seconds(), peak>>20)
		})
	}
}

// TestScalePublish writes about 1,000,000 events to a scratch stream with
// Rate 0 and reports the throughput. Opt-in like TestScale.
func TestScalePublish(t *testing.T) {
	if os.Getenv("SIMULATOR_SCALE") == "" {
		t.Skip("set SIMULATOR_SCALE=1 to run")
	}
	rdb, stream := testStream(t)
	g := newGen(t, Options{Conversations: 32_000, Seed: 1, History: 48 * time.Hour})
	stats, err := Publish(t.Context(), rdb, stream, g, PublishOptions{}, func(s Stats) {
		t.Logf("progress: %d sent, %d conversations, %s", s.Sent, s.Conversations, s.Elapsed.Round(time.Millisecond))
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	t.Logf("%d events in %s (%.0f events/s)", stats.Sent, stats.Elapsed.Round(time.Millisecond),
		float64(stats.Sent)/stats.Elapsed.Seconds())
}
