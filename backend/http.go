package main

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// newRouter mounts every HTTP route of the backend.
func newRouter(_ context.Context, d *deps) (http.Handler, error) {
	r := chi.NewRouter()
	r.Use(middleware.RealIP, middleware.Recoverer)
	r.Get("/healthz", d.healthz)
	r.Get("/readyz", d.readyz)
	return r, nil
}
