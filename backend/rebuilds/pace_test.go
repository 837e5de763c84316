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
	for _, tc := range []struct {
		name string
		// live[i] is what the live store applies during batch i; during[i] what it
		// applies while the pacer waits after it.
		live, during []time.Duration
		share        float64
		want         []time.Duration
	}{
		{name: "no live applies, no wait", live: []time.Duration{0, 0}, during: []time.Duration{0, 0}, share: 2, want: nil},
		{name: "share times the live apply time", live: []time.Duration{100 * ms, 30 * ms}, during: []time.Duration{0, 0}, share: 2, want: []time.Duration{200 * ms, 60 * ms}},
		// What the live store applies during a wait is its due, not the next batch's
		// debt: otherwise flat-out live load would make every wait longer than the last.
		{name: "applies during the wait not counted", live: []time.Duration{100 * ms, 100 * ms}, during: []time.Duration{200 * ms, 200 * ms}, share: 2, want: []time.Duration{200 * ms, 200 * ms}},
		{name: "bounded", live: []time.Duration{10 * time.Second}, during: []time.Duration{0}, share: 2, want: []time.Duration{2 * time.Second}},
		{name: "negative share never waits", live: []time.Duration{100 * ms}, during: []time.Duration{0}, share: -1, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var applied time.Duration
			var got []time.Duration
			p := newPacer(func() time.Duration { return applied }, tc.share)
			i := 0
			p.sleep = func(_ context.Context, d time.Duration) error {
				got = append(got, d)
				applied += tc.during[i]
				return nil
			}
			for i = range tc.live {
				applied += tc.live[i]
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
