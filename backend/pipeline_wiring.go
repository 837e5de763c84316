package main

import (
	"context"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/billie/supervisor/backend/alerts"
	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/store"
)

// pipelineView is the admins' view of the running backend: the API and the sampler
// that records its history and evaluates the alerts.
type pipelineView struct {
	api     *pipeline.API
	sampler *pipeline.Sampler
}

// newPipelineView wires package pipeline to the backend: the projector's hooks, the
// HTTP metrics, Redis and the store; history and desktop reports live in the
// operations store, so they survive restarts and rebuilds.
func newPipelineView(d *deps, m *metrics) pipelineView {
	tr := pipeline.NewTracker(nil)
	d.onBatch = append(d.onBatch, tr.Batch)
	d.onFailure = append(d.onFailure, tr.Failure)
	src := &pipeline.Sources{
		Redis: d.rdb, Store: d.store, Stream: d.cfg.stream, Group: d.cfg.group, DeadLetterStream: d.cfg.deadStream,
		DBPath: d.cfg.db, OpsDBPath: d.ops.Path(), Tracker: tr, Failing: d.failing, Alerts: alerts.NewEvaluator(alerts.Thresholds{}),
		Desktops: opsDesktops{d.ops}, Rebuild: currentJob(d), Log: d.log, DeadLetters: deadLetterCount(d.store),
	}
	if d.breakers != nil {
		src.Breakers = breakerStates{d.breakers}
	}
	hist := opsHistory{d.ops}
	return pipelineView{
		api:     pipeline.New(pipeline.Options{Sources: src, History: hist, Log: d.log}),
		sampler: &pipeline.Sampler{Sources: src, History: hist, HTTP: m.httpTotals, Log: d.log},
	}
}

// deadLetterCount counts the dead letters in st's table.
func deadLetterCount(st *store.Store) pipeline.DeadLetterCount {
	return func(ctx context.Context) (int64, error) {
		p, err := st.DeadLetters(ctx, store.DeadLetterFilter{}, nil, 1)
		return int64(p.Total), err
	}
}

// httpTotals are the API requests, their 5xx answers and the customer API's latency
// histogram, read from the HTTP metrics themselves, so the in-process alerts see what
// Prometheus sees.
func (m *metrics) httpTotals() alerts.HTTPTotals {
	var t alerts.HTTPTotals
	each(m.requests, func(labels map[string]string, pm *dto.Metric) {
		if !strings.HasPrefix(labels["route"], "/api/") {
			return
		}
		n := uint64(pm.GetCounter().GetValue())
		t.Requests += n
		if strings.HasPrefix(labels["code"], "5") {
			t.Errors += n
		}
	})
	each(m.latency, func(labels map[string]string, pm *dto.Metric) {
		if !strings.HasPrefix(labels["route"], "/api/customer/") {
			return
		}
		h := pm.GetHistogram()
		bs := h.GetBucket()
		if t.Customer.Bounds == nil {
			t.Customer.Bounds, t.Customer.Counts = make([]float64, len(bs)), make([]uint64, len(bs))
			for i, b := range bs {
				t.Customer.Bounds[i] = b.GetUpperBound()
			}
		}
		for i, b := range bs {
			if i < len(t.Customer.Counts) {
				t.Customer.Counts[i] += b.GetCumulativeCount()
			}
		}
		t.Customer.Count += h.GetSampleCount()
	})
	return t
}

// each calls f with every series of c and its labels.
func each(c prometheus.Collector, f func(map[string]string, *dto.Metric)) {
	ch := make(chan prometheus.Metric, 64)
	go func() { c.Collect(ch); close(ch) }()
	for pm := range ch {
		var out dto.Metric
		if err := pm.Write(&out); err != nil {
			continue
		}
		labels := make(map[string]string, len(out.GetLabel()))
		for _, l := range out.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		f(labels, &out)
	}
}

// currentJob is the rebuild or replay job running now, nil when none is.
func currentJob(d *deps) pipeline.CurrentJob {
	return func() any {
		if d.rebuilds == nil {
			return nil
		}
		if j := d.rebuilds.Current(); j != nil {
			return j
		}
		return nil
	}
}

// breakerStates are the backend's circuit breakers as the pipeline document lists them.
type breakerStates struct{ s *breaker.Set }

func (b breakerStates) States() []pipeline.BreakerState {
	all := b.s.States()
	out := make([]pipeline.BreakerState, len(all))
	for i, x := range all {
		out[i] = pipeline.BreakerState{Name: x.Name, State: x.State}
	}
	return out
}
