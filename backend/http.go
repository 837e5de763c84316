package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/backend/web/authapi"
	"github.com/billie/supervisor/customerapi"
)

// newRouter mounts every HTTP route of the backend. Admin routes of every API go
// on the one web.Admin router, mounted at web.AdminPrefix.
func newRouter(ctx context.Context, d *deps, hc httpConfig) (http.Handler, error) {
	m := newMetrics(d)
	d.onBatch = append(d.onBatch, m.observeBatch)
	d.onFailure = append(d.onFailure, m.observeFailure)

	r := chi.NewRouter()
	r.Use(web.ClientAddress(hc.trustedProxies), m.instrument(d.log), middleware.Recoverer)
	r.NotFound(web.NotFoundHandler)
	r.MethodNotAllowed(web.MethodNotAllowedHandler)
	r.Get("/healthz", d.healthz)
	r.Get("/readyz", d.readyz)
	r.Method(http.MethodGet, "/metrics", m.handler())
	r.Get(customerapi.OpenAPIPath, customerapi.OpenAPIHandler)

	capi, err := customerAPI(ctx, d, hc)
	if err != nil {
		return nil, err
	}
	r.Mount(customerapi.Prefix, capi)

	acc, err := accounts.New(d.store, accounts.Options{}, d.log)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	auth := authapi.New(acc, authapi.Options{}, d.log)
	r.Mount(authapi.Prefix, auth.AuthHandler())
	admin := web.NewAdmin(acc, d.log)
	auth.AdminRoutes(admin)
	r.Mount(web.AdminPrefix, admin)
	return r, nil
}

// customerAPI is the customer-portal API, or, when it cannot run safely (no key, a
// weak one, an unreadable one), a handler that answers 503 with the reason, which is
// logged too. It never runs open.
func customerAPI(ctx context.Context, d *deps, hc httpConfig) (http.Handler, error) {
	cfg, err := hc.customer, hc.customerErr
	if err == nil {
		var reader *store.PortalReader
		if reader, err = d.store.PortalReader(ctx); err != nil {
			return nil, err
		}
		var api *customerapi.API
		if api, err = customerapi.New(cfg, reader, d.log); err == nil {
			if cfg.Issuer == "" || cfg.Audience == "" {
				d.log.Warn("customer API: token issuer or audience not checked; set " + customerapi.EnvIssuer + " and " + customerapi.EnvAudience)
			}
			alg := "HS256"
			if cfg.PublicKey != nil {
				alg = "RS256"
			}
			d.log.Info("customer API enabled", "alg", alg, "cors_origins", len(cfg.CORSOrigins))
			return api, nil
		}
		reader.Close()
	}
	d.log.Error("customer API disabled: /api/customer answers 503", "reason", err.Error())
	return customerapi.Unavailable(err.Error()), nil
}
