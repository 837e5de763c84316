package pipeline

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/billie/supervisor/backend/alerts"
)

// Point is one minute of the pipeline's history. A figure that could not be read
// that minute (Redis or the database down, no customer request) is nil.
type Point struct {
	// At is the start of the minute (UTC).
	At           time.Time `json:"at"`
	EventsPerSec float64   `json:"eventsPerSec"`
	// Lag is the entries behind at the end of the minute.
	Lag *int64 `json:"lag"`
	// Errors are the failed attempts to apply a batch during the minute.
	Errors      int64  `json:"errors"`
	DeadLetters *int64 `json:"deadLetters"`
	// APIRequestsPerSec and APIP99Ms are the customer API's.
	APIRequestsPerSec float64  `json:"apiRequestsPerSec"`
	APIP99Ms          *float64 `json:"apiP99Ms"`
}

// History keeps the per-minute points across restarts (the operations database).
type History interface {
	AppendMinute(ctx context.Context, p Point) error
	// Minutes are the points at or after since, oldest first.
	Minutes(ctx context.Context, since time.Time) ([]Point, error)
}

// Windows are the spans GET /api/admin/pipeline/history answers.
var Windows = map[string]time.Duration{"1h": time.Hour, "24h": 24 * time.Hour}

// MemoryHistory is a History in memory (a backend without an operations database,
// and tests): the last 24 hours.
type MemoryHistory struct {
	mu     sync.Mutex
	points []Point
}

// AppendMinute adds p, dropping what is over 24 hours older than it.
func (h *MemoryHistory) AppendMinute(_ context.Context, p Point) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.points = append(h.points, p)
	cut := 0
	for cut < len(h.points) && p.At.Sub(h.points[cut].At) > 24*time.Hour {
		cut++
	}
	h.points = append([]Point(nil), h.points[cut:]...)
	return nil
}

// Minutes are the points at or after since.
func (h *MemoryHistory) Minutes(_ context.Context, since time.Time) ([]Point, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []Point{}
	for _, p := range h.points {
		if !p.At.Before(since) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Sampler reads the pipeline every Every: it feeds the alert evaluator, and once a
// minute records a Point in History.
type Sampler struct {
	Sources *Sources
	History History
	// HTTP are the process's HTTP totals (from its Prometheus metrics); nil reads as
	// no requests.
	HTTP  func() alerts.HTTPTotals
	Every time.Duration
	Log   *slog.Logger

	// base is the sample the minute being recorded started with.
	base   *alerts.Sample
	minute time.Time
}

// Run samples until ctx ends, the first time at once.
func (s *Sampler) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = 15 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.Tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick takes one sample: alerts are evaluated on it, and when it is in a later minute
// than the last point's start, the point from there to here is recorded.
func (s *Sampler) Tick(ctx context.Context) {
	doc := s.Sources.collect(ctx)
	smp := alerts.Sample{At: doc.At, RedisUp: doc.Redis.OK, DatabaseUp: doc.Database.OK, Behind: -1,
		Checkpoint: doc.checkpoint, DeadLetters: doc.DeadLetters.Count,
		Batches: doc.totals.Batches, Failures: doc.totals.Errors, Entries: doc.totals.Entries}
	if doc.Redis.OK {
		smp.Behind = doc.Projection.Behind
	}
	for _, b := range doc.Breakers {
		if b.State == BreakerOpen {
			smp.OpenBreakers = append(smp.OpenBreakers, b.Name)
		}
	}
	if s.HTTP != nil {
		smp.HTTP = s.HTTP()
	}
	if s.Sources.Alerts != nil {
		s.Sources.Alerts.Observe(smp)
	}
	minute := smp.At.Truncate(time.Minute)
	if s.base == nil {
		s.base, s.minute = &smp, minute
		return
	}
	if !minute.After(s.minute) {
		return
	}
	p := pointOf(s.minute, *s.base, smp)
	s.base, s.minute = &smp, minute
	if s.History == nil {
		return
	}
	if err := s.History.AppendMinute(ctx, p); err != nil && s.Log != nil {
		s.Log.Warn("recording the pipeline's minute", "at", p.At, "err", err)
	}
}

// pointOf is the minute at from sample a to sample b.
func pointOf(at time.Time, a, b alerts.Sample) Point {
	p := Point{At: at.UTC(), Errors: int64(b.Failures - min(a.Failures, b.Failures))}
	secs := b.At.Sub(a.At).Seconds()
	if secs > 0 {
		p.EventsPerSec = round(float64(b.Entries-min(a.Entries, b.Entries)) / secs)
		p.APIRequestsPerSec = round(float64(b.HTTP.Customer.Count-min(a.HTTP.Customer.Count, b.HTTP.Customer.Count)) / secs)
	}
	if b.Behind >= 0 {
		lag := b.Behind
		p.Lag = &lag
	}
	if b.DeadLetters >= 0 {
		dl := b.DeadLetters
		p.DeadLetters = &dl
	}
	if q := b.HTTP.Customer.Since(a.HTTP.Customer).Quantile(0.99); !math.IsNaN(q) {
		v := round(q * 1000)
		p.APIP99Ms = &v
	}
	return p
}

// round keeps three decimals: enough for a chart, and stable in JSON.
func round(v float64) float64 { return math.Round(v*1000) / 1000 }
