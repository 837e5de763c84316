package main

import (
	"context"
	"net/http"
	"time"

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
	gs, err := groupStatus(ctx, d.rdb, d.cfg.stream, d.cfg.group)
	if err != nil {
		h.Redis = err.Error()
	}
	h.Behind, h.Pending, h.StreamLength = gs.Lag+gs.Pending, gs.Pending, gs.Length
	h.Ready = h.Redis == "ok" && h.Database == "ok"
	return h
}
