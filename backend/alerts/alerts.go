// Package alerts owns the backend's alerting conditions: the Prometheus rules shipped
// in rules.yml (tested with `promtool test rules rules_test.yml`) and the same
// conditions evaluated in-process over samples of the pipeline, for the admin API.
// Every rule names its runbook section in docs/runbooks.md and the desktop screen that
// helps.
package alerts

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Severities.
const (
	Warning  = "warning"
	Critical = "critical"
)

// Screens of the desktop's Operations area an alert links to.
const (
	ScreenPipeline    = "pipeline"
	ScreenDeadLetters = "dead-letters"
	ScreenRebuilds    = "rebuilds"
	ScreenDesktops    = "desktops"
)

// Sample is one reading of the pipeline, taken by the backend's sampler.
type Sample struct {
	At         time.Time
	RedisUp    bool
	DatabaseUp bool
	// Behind is the entries the projection has still to apply; -1 when Redis did not
	// answer.
	Behind int64
	// Checkpoint is the last applied stream ID; empty when the database did not answer.
	Checkpoint string
	// DeadLetters is the dead letters waiting; -1 when unknown.
	DeadLetters int64
	// Entries, Batches and Failures count, since the process started, the entries and
	// batches applied and the failed attempts to apply a batch.
	Entries, Batches, Failures uint64
	// OpenBreakers names the circuit breakers open now.
	OpenBreakers []string
	HTTP         HTTPTotals
}

// HTTPTotals are the process's HTTP counters since it started, as Prometheus has them.
type HTTPTotals struct {
	// Requests and Errors (5xx answers) count the requests of the /api/ routes.
	Requests, Errors uint64
	// Customer is the latency of the customer API's routes.
	Customer Histogram
}

// Histogram is a cumulative latency histogram: Counts[i] requests took at most
// Bounds[i] seconds; Count is every request, the slower ones included.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
}

// Since is h less an earlier reading of the same histogram: the requests in between.
func (h Histogram) Since(old Histogram) Histogram {
	d := Histogram{Bounds: h.Bounds, Counts: make([]uint64, len(h.Counts)), Count: sub(h.Count, old.Count)}
	for i := range h.Counts {
		if i < len(old.Counts) && slices.Equal(h.Bounds, old.Bounds) {
			d.Counts[i] = sub(h.Counts[i], old.Counts[i])
		} else {
			d.Counts[i] = h.Counts[i]
		}
	}
	return d
}

// sub is a-b for counters; a counter that went down was reset, and counts from 0.
func sub(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return a - b
}

// Quantile is the q-quantile of the requests in seconds, interpolated within its
// bucket as Prometheus' histogram_quantile does; NaN without requests.
func (h Histogram) Quantile(q float64) float64 {
	if h.Count == 0 || len(h.Bounds) == 0 {
		return math.NaN()
	}
	rank := q * float64(h.Count)
	var below uint64
	lower := 0.0
	for i, b := range h.Bounds {
		c := h.Counts[i]
		if float64(c) >= rank {
			in := c - below
			if in == 0 {
				return b
			}
			return lower + (b-lower)*(rank-float64(below))/float64(in)
		}
		below, lower = c, b
	}
	// In the +Inf bucket: Prometheus answers the highest finite bound.
	return h.Bounds[len(h.Bounds)-1]
}

// Alert is a rule whose condition has held for its whole duration.
type Alert struct {
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	// Since is when the condition started to hold.
	Since   time.Time `json:"since"`
	Runbook string    `json:"runbook"`
	Screen  string    `json:"screen"`
}

// Thresholds tune the rules; the zero value is the shipped rules.yml's.
type Thresholds struct {
	// Lag is the entries behind above which BillieProjectionLagHigh fires (10000).
	Lag int64
}

func (t Thresholds) withDefaults() Thresholds {
	if t.Lag <= 0 {
		t.Lag = 10000
	}
	return t
}

// keep is how long the evaluator keeps samples: the longest window of a rule, and
// some.
const keep = 15 * time.Minute

// Evaluator evaluates the rules over the samples it is given. Its methods may be
// called from any goroutine.
type Evaluator struct {
	rules []Rule

	mu      sync.Mutex
	samples []Sample
	// active is when each rule's condition started holding, for the rules holding now.
	active map[string]time.Time
	last   time.Time
}

// NewEvaluator is an evaluator of the rules with th.
func NewEvaluator(th Thresholds) *Evaluator {
	return &Evaluator{rules: Rules(th), active: map[string]time.Time{}}
}

// Observe adds a sample and evaluates every rule at its time.
func (e *Evaluator) Observe(s Sample) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.samples = append(e.samples, s)
	cut := 0
	for cut < len(e.samples)-1 && s.At.Sub(e.samples[cut].At) > keep {
		cut++
	}
	e.samples = e.samples[cut:]
	w := window{samples: e.samples}
	for _, r := range e.rules {
		if r.holds(w) {
			if _, ok := e.active[r.Name]; !ok {
				e.active[r.Name] = s.At
			}
		} else {
			delete(e.active, r.Name)
		}
	}
	e.last = s.At
}

// Firing are the alerts whose condition has held for their rule's duration at the
// last sample, most severe first.
func (e *Evaluator) Firing() []Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []Alert{}
	for _, r := range e.rules {
		since, ok := e.active[r.Name]
		if !ok || e.last.Sub(since) < r.For {
			continue
		}
		out = append(out, Alert{Name: r.Name, Severity: r.Severity, Summary: r.Summary, Since: since.UTC(),
			Runbook: r.Runbook, Screen: r.Screen})
	}
	slices.SortStableFunc(out, func(a, b Alert) int {
		if a.Severity == b.Severity {
			return 0
		}
		if a.Severity == Critical {
			return -1
		}
		return 1
	})
	return out
}

// window is the samples a rule looks at, oldest first; the last is now.
type window struct{ samples []Sample }

func (w window) now() Sample { return w.samples[len(w.samples)-1] }

// over are the samples of the last d, now included.
func (w window) over(d time.Duration) []Sample {
	now := w.now().At
	i := len(w.samples) - 1
	for i > 0 && now.Sub(w.samples[i-1].At) <= d {
		i--
	}
	return w.samples[i:]
}
