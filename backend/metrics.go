package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

// metrics are the backend's Prometheus metrics, in a registry of their own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	events   *prometheus.CounterVec
	batches  prometheus.Histogram
	failures *prometheus.CounterVec
}

func newMetrics(d *deps) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "billie_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "billie_http_request_duration_seconds", Help: "HTTP request latency by route pattern, method and status code.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "billie_events_total",
		Help: "Ledger entries handled by the projector, by outcome (" + outcomeList() + ").",
	}, []string{"outcome"})
	m.batches = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "billie_projector_batch_duration_seconds", Help: "Time to apply one batch of entries.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10),
	})
	m.failures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "billie_projector_apply_failures_total",
		Help: "Failed attempts to apply, dead-letter or acknowledge a batch, by kind (data: an entry the store could not take, narrowed down and dead-lettered after a few; infrastructure: retried).",
	}, []string{"kind"})
	for _, o := range projection.Outcomes() {
		m.events.WithLabelValues(o.String()) // every outcome is exported from the start, at 0
	}
	for _, k := range []string{"data", "infrastructure"} {
		m.failures.WithLabelValues(k)
	}
	m.reg.MustRegister(m.requests, m.latency, m.events, m.batches, m.failures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if d != nil {
		m.reg.MustRegister(&lagCollector{d: d})
	}
	if d != nil && d.breakers != nil {
		m.reg.MustRegister(d.breakers.Collector())
	}
	return m
}

func outcomeList() string {
	names := make([]string, 0, 6)
	for _, o := range projection.Outcomes() {
		names = append(names, o.String())
	}
	return strings.Join(names, ", ")
}

// observeBatch is a deps.onBatch observer.
func (m *metrics) observeBatch(res store.Result, took time.Duration) {
	for _, o := range projection.Outcomes() {
		if n := res.Of(o); n > 0 {
			m.events.WithLabelValues(o.String()).Add(float64(n))
		}
	}
	m.batches.Observe(took.Seconds())
}

// observeFailure is a deps.onFailure observer.
func (m *metrics) observeFailure(f store.Failure) {
	kind := "data"
	if f.Infrastructure {
		kind = "infrastructure"
	}
	m.failures.WithLabelValues(kind).Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// instrument counts and times every request by its chi route pattern, never by its
// raw path (which holds customer ids), and logs one line per request through slog with
// the pattern, method, status and duration: no query string, token or address.
func (m *metrics) instrument(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			took := time.Since(start)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			route, method := routePattern(r), methodLabel(r.Method)
			code := strconv.Itoa(status)
			m.requests.WithLabelValues(route, method, code).Inc()
			m.latency.WithLabelValues(route, method, code).Observe(took.Seconds())
			if log.Enabled(r.Context(), slog.LevelInfo) {
				log.LogAttrs(r.Context(), slog.LevelInfo, "http", slog.String("route", route), slog.String("method", method),
					slog.Int("status", status), slog.Float64("ms", float64(took.Microseconds())/1000), slog.Int("bytes", ww.BytesWritten()))
			}
		})
	}
}

// methodLabel is the method as a label: any method but the standard ones is
// "other", so a client cannot mint a series per made-up method.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

func routePattern(r *http.Request) string {
	rc := chi.RouteContext(r.Context())
	if rc == nil {
		return "unmatched"
	}
	if p := rc.RoutePattern(); p != "" && p != "/*" {
		return p
	}
	return "unmatched"
}

// lagCollector reads the projection's position on the stream when scraped.
type lagCollector struct{ d *deps }

var (
	lagDesc     = prometheus.NewDesc("billie_projection_lag_entries", "Stream entries not yet applied by the projector group (lag + pending).", nil, nil)
	pendingDesc = prometheus.NewDesc("billie_projection_pending_entries", "Entries delivered to the group and not yet acknowledged.", nil, nil)
	lengthDesc  = prometheus.NewDesc("billie_stream_length_entries", "Entries in the ledger stream.", nil, nil)
	deadDesc    = prometheus.NewDesc("billie_dead_letter_stream_length_entries", "Entries in the dead-letter stream.", nil, nil)
	redisUpDesc = prometheus.NewDesc("billie_redis_up", "1 when Redis answered the last scrape.", nil, nil)
	dbUpDesc    = prometheus.NewDesc("billie_database_up", "1 when the database answered the last scrape.", nil, nil)
	deadTabDesc = prometheus.NewDesc("billie_dead_letters_entries", "Dead letters waiting for a retry or a drop (the database's).", nil, nil)
	ckptDesc    = prometheus.NewDesc("billie_projection_checkpoint_timestamp_seconds",
		"Time part of the last stream ID applied to the database (changes while the projection moves).", nil, nil)
)

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{lagDesc, pendingDesc, lengthDesc, deadDesc, redisUpDesc, dbUpDesc, ckptDesc, deadTabDesc} {
		ch <- d
	}
}

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	c.collectDatabase(ch)
	if c.d.rdb == nil || c.d.cfg == nil {
		ch <- prometheus.MustNewConstMetric(redisUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	gs, err := groupStatus(ctx, c.d.rdb, c.d.cfg.stream, c.d.cfg.group)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(redisUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(redisUpDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(gs.Lag+gs.Pending))
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(gs.Pending))
	ch <- prometheus.MustNewConstMetric(lengthDesc, prometheus.GaugeValue, float64(gs.Length))
	if n, err := c.d.rdb.XLen(ctx, c.d.cfg.deadStream).Result(); err == nil {
		ch <- prometheus.MustNewConstMetric(deadDesc, prometheus.GaugeValue, float64(n))
	}
}

func (c *lagCollector) collectDatabase(ch chan<- prometheus.Metric) {
	if c.d.store == nil || c.d.cfg == nil {
		ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	last, err := c.d.store.Checkpoint(ctx, c.d.cfg.group)
	if err == nil {
		err = c.d.store.Ping(ctx)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(ckptDesc, prometheus.GaugeValue, float64(last.Ms)/1000)
	if n, err := deadLetterCount(c.d.store)(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(deadTabDesc, prometheus.GaugeValue, float64(n))
	}
}
