package rebuilds

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestPacerWaitsForTheLiveShare(t *testing.T) {
	ms := time.Millisecond
	type batch struct {
		// took is the batch's wall time, live what the live store applied meanwhile,
		// during what it applies while the pacer waits after it.
		took, live, during time.Duration
	}
	for _, tc := range []struct {
		name    string
		batches []batch
		share   float64
		want    []time.Duration
	}{
		{name: "no live applies, no wait", batches: []batch{{took: time.Second}, {took: time.Second}}, share: 4, want: nil},
		// share × busy fraction × live apply time.
		{name: "a projector that keeps up costs nothing", batches: []batch{{took: time.Second, live: 200 * ms}}, share: 4, want: nil},
		{name: "a busier one gets room", batches: []batch{{took: time.Second, live: 300 * ms}}, share: 4, want: []time.Duration{360 * ms}},
		{name: "a busy one gets more", batches: []batch{{took: time.Second, live: 500 * ms}}, share: 4, want: []time.Duration{time.Second}},
		{name: "a flat-out one its share", batches: []batch{{took: 400 * ms, live: 400 * ms}}, share: 3, want: []time.Duration{1200 * ms}},
		// What the live store applies during a wait is its due, not the next batch's
		// debt: otherwise flat-out live load would make every wait longer than the last.
		{name: "applies during the wait not counted", batches: []batch{{took: time.Second, live: 500 * ms, during: 500 * ms}, {took: time.Second, live: 500 * ms}},
			share: 2, want: []time.Duration{500 * ms, 500 * ms}},
		{name: "bounded", batches: []batch{{took: 10 * time.Second, live: 10 * time.Second}}, share: 4, want: []time.Duration{2 * time.Second}},
		{name: "negative share never waits", batches: []batch{{took: time.Second, live: time.Second}}, share: -1, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var applied time.Duration
			clock := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
			var got []time.Duration
			p := newPacer(func() time.Duration { return applied }, tc.share)
			p.now = func() time.Time { return clock }
			p.since = clock
			i := 0
			p.sleep = func(_ context.Context, d time.Duration) error {
				got = append(got, d)
				clock = clock.Add(d)
				applied += tc.batches[i].during
				return nil
			}
			for i = range tc.batches {
				clock = clock.Add(tc.batches[i].took)
				applied += tc.batches[i].live
				if err := p.pace(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("waits %v, want %v", got, tc.want)
			}
			var sum time.Duration
			for _, d := range tc.want {
				sum += d
			}
			if p.Waited() != sum {
				t.Fatalf("Waited %v, want %v", p.Waited(), sum)
			}
		})
	}
}

func TestPacerStopsWithItsContext(t *testing.T) {
	applied := time.Hour
	p := newPacer(func() time.Duration { return applied }, 2)
	applied += time.Second // a wait of the bounded 2 s, which the cancelled context cuts short
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.pace(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("pace with a cancelled context: %v, want context.Canceled", err)
	}
}
