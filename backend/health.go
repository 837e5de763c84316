package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/web"
)

// health is the readiness report: whether Redis and the database answer, and how far
// the projection is behind the stream.
type health struct {
	Ready         bool   `json:"ready"`
	Redis         string `json:"redis"`
	Database      string `json:"database"`
	LastAppliedID string `json:"lastAppliedId"`
	Behind        int64  `json:"behind"`
	Pending       int64  `json:"pending"`
	StreamLength  int64  `json:"streamLength"`
	// Reason says why the backend is not ready.
	Reason string `json:"reason,omitempty"`
	// Failing is the projector's batch in hand while it keeps failing.
	Failing *projector.Failing `json:"failing,omitempty"`
	// Breakers are the circuit breakers' states (closed, open, half-open).
	Breakers []breaker.BreakerState `json:"breakers,omitempty"`
}

func (d *deps) healthz(w http.ResponseWriter, _ *http.Request) {
	web.WriteIndentedJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (d *deps) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h := d.readiness(ctx)
	code := http.StatusOK
	if !h.Ready {
		code = http.StatusServiceUnavailable
	}
	web.WriteIndentedJSON(w, code, h)
}

func (d *deps) readiness(ctx context.Context) health {
	h := health{Redis: "ok", Database: "ok"}
	if err := d.store.Ping(ctx); err != nil {
		h.Database = err.Error()
	}
	if last, err := d.store.Checkpoint(ctx, d.cfg.group); err == nil {
		h.LastAppliedID = last.String()
	} else {
		h.Database = err.Error()
	}
	if d.ops != nil && h.Database == "ok" {
		if err := d.ops.Ping(ctx); err != nil {
			h.Database = err.Error()
		}
	}
	gs, err := groupStatus(ctx, d.rdb, d.cfg.stream, d.cfg.group)
	if err != nil {
		h.Redis = err.Error()
	}
	h.Behind, h.Pending, h.StreamLength = gs.Lag+gs.Pending, gs.Pending, gs.Length
	h.Ready = h.Redis == "ok" && h.Database == "ok"
	switch {
	case h.Redis != "ok":
		h.Reason = "redis: " + h.Redis
	case h.Database != "ok":
		h.Reason = "database: " + h.Database
	}
	if d.breakers != nil {
		h.Breakers = d.breakers.States()
	}
	if d.failing != nil {
		if f, ok := d.failing(); ok {
			h.Ready, h.Failing = false, &f
			h.Reason = fmt.Sprintf("the batch from %s has failed %d times since %s: %s",
				f.First, f.Attempts, f.Since.UTC().Format(time.RFC3339), f.Error)
		}
	}
	return h
}
