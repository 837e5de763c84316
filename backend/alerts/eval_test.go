package alerts

import (
	"math"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// healthy is a sample of a pipeline with nothing wrong.
func healthy(at time.Duration) Sample {
	return Sample{At: t0.Add(at), RedisUp: true, DatabaseUp: true, Checkpoint: "1-0"}
}

// series is a sample a minute for n minutes, each changed by f(minute).
func series(n int, f func(i int, s *Sample)) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = healthy(time.Duration(i) * time.Minute)
		out[i].Checkpoint = "1-" + string(rune('a'+i)) // moving
		f(i, &out[i])
	}
	return out
}

// stopsAt is a checkpoint that moves every minute until minute stop.
func stopsAt(i, stop int) string { return "1-" + string(rune('a'+min(i, stop))) }

func hist(fast, slow uint64) Histogram {
	return Histogram{Bounds: []float64{0.05, 0.1, 0.25}, Counts: []uint64{fast, fast, fast + slow}, Count: fast + slow}
}

// The in-process rules fire on the same inputs as their twins in rules_test.yml.
func TestRulesFire(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []Sample
		want    []string
	}{
		{"healthy", series(20, func(int, *Sample) {}), nil},
		{"redis down for a minute", series(4, func(i int, s *Sample) { s.RedisUp = i < 2; s.Behind = -1 }), []string{"BillieRedisDown"}},
		{"redis down for less", series(3, func(i int, s *Sample) { s.RedisUp = i < 2 }), nil},
		{"database down", series(4, func(i int, s *Sample) { s.DatabaseUp = i < 2; s.Checkpoint = "" }), []string{"BillieDatabaseDown"}},
		{"stalled 5 minutes ago, for 2", series(12, func(i int, s *Sample) { s.Behind = 5; s.Checkpoint = stopsAt(i, 4) }), []string{"BillieProjectorStalled"}},
		{"stalled 5 minutes ago", series(10, func(i int, s *Sample) { s.Behind = 5; s.Checkpoint = stopsAt(i, 4) }), nil},
		{"behind and moving", series(20, func(i int, s *Sample) { s.Behind = 5 }), nil},
		{"still and caught up", series(20, func(i int, s *Sample) { s.Checkpoint = "104-0" }), nil},
		{"lag high for 5 minutes", series(7, func(i int, s *Sample) {
			if i > 0 {
				s.Behind = 20000
			}
		}), []string{"BillieProjectionLagHigh"}},
		{"lag high for 4 minutes", series(5, func(i int, s *Sample) {
			if i > 0 {
				s.Behind = 20000
			}
		}), nil},
		{"a new dead letter", series(4, func(i int, s *Sample) { s.DeadLetters = 3 + int64(i/3) }), []string{"BillieDeadLettersIncreasing"}},
		{"an old dead letter", series(16, func(i int, s *Sample) { s.DeadLetters = 3 + int64(i/3) - int64(i/3) + min(int64(i), 3)/3 }), nil},
		{"dead letters unknown", series(6, func(i int, s *Sample) { s.DeadLetters = []int64{-1, 2, -1, 3, -1, -1}[i] }), []string{"BillieDeadLettersIncreasing"}},
		{"every batch fails", series(8, func(i int, s *Sample) { s.Failures = uint64(6 * i); s.Batches = 50 }), []string{"BillieBatchErrorRate"}},
		{"a failure now and then", series(16, func(i int, s *Sample) { s.Failures = uint64(i); s.Batches = uint64(100 * i) }), nil},
		{"breaker open", series(3, func(i int, s *Sample) {
			if i > 0 {
				s.OpenBreakers = []string{"redis-api"}
			}
		}), []string{"BillieBreakerOpen"}},
		{"customer API slow", series(7, func(i int, s *Sample) { s.HTTP.Customer = hist(0, uint64(100*i)) }), []string{"BillieCustomerAPISlow"}},
		{"customer API fast", series(16, func(i int, s *Sample) { s.HTTP.Customer = hist(uint64(100*i), 0) }), nil},
		{"customer API idle", series(16, func(i int, s *Sample) { s.HTTP.Customer = hist(0, 0) }), nil},
		{"5xx", series(7, func(i int, s *Sample) { s.HTTP.Requests = uint64(110 * i); s.HTTP.Errors = uint64(10 * i) }), []string{"BillieHTTP5xx"}},
		{"few 5xx", series(16, func(i int, s *Sample) { s.HTTP.Requests = uint64(1000 * i); s.HTTP.Errors = uint64(i) }), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEvaluator(Thresholds{})
			for _, s := range tc.samples {
				e.Observe(s)
			}
			var got []string
			for _, a := range e.Firing() {
				got = append(got, a.Name)
				if a.Runbook == "" || a.Screen == "" || a.Summary == "" || a.Since.IsZero() {
					t.Errorf("incomplete alert %+v", a)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("firing %v, want %v", got, tc.want)
			}
		})
	}
}

// An alert stops firing once its condition no longer holds, and its since is when
// the condition started to hold; critical alerts come first.
func TestEvaluatorResolvesAndOrders(t *testing.T) {
	e := NewEvaluator(Thresholds{Lag: 10})
	for i := range 7 {
		s := healthy(time.Duration(i) * time.Minute)
		s.Checkpoint = "1-" + string(rune('a'+i))
		s.Behind = 50
		s.RedisUp = i < 3
		e.Observe(s)
	}
	got := e.Firing()
	if len(got) != 2 || got[0].Name != "BillieRedisDown" || got[1].Name != "BillieProjectionLagHigh" {
		t.Fatalf("firing %+v", got)
	}
	if !got[0].Since.Equal(t0.Add(3*time.Minute)) || !got[1].Since.Equal(t0) {
		t.Errorf("since %s and %s", got[0].Since, got[1].Since)
	}
	s := healthy(7 * time.Minute)
	e.Observe(s)
	if got := e.Firing(); len(got) != 0 {
		t.Errorf("still firing %+v", got)
	}
}

// Quantile agrees with Prometheus' histogram_quantile on the promtool test's
// histogram: every request between 100 and 250 ms gives 248.5 ms.
func TestQuantile(t *testing.T) {
	h := Histogram{Bounds: []float64{0.05, 0.1, 0.25}, Counts: []uint64{0, 0, 100}, Count: 100}
	if q := h.Quantile(0.99); math.Abs(q-0.2485) > 1e-9 {
		t.Errorf("p99 %v, want 0.2485", q)
	}
	if q := (Histogram{Bounds: []float64{1}, Counts: []uint64{0}, Count: 5}).Quantile(0.99); q != 1 {
		t.Errorf("all in +Inf: %v, want the highest bound", q)
	}
	if q := (Histogram{Bounds: []float64{1}, Counts: []uint64{0}}).Quantile(0.99); !math.IsNaN(q) {
		t.Errorf("no requests: %v", q)
	}
	later := Histogram{Bounds: h.Bounds, Counts: []uint64{10, 10, 110}, Count: 110}
	if d := later.Since(h); d.Count != 10 || d.Counts[0] != 10 || d.Counts[2] != 10 {
		t.Errorf("since %+v", d)
	}
	if d := h.Since(later); d.Count != 100 { // a reset counts from 0
		t.Errorf("after a reset %+v", d)
	}
}
