package main

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/customerapi"
	"github.com/billie/supervisor/customerapi/problem"
)

// envTrustedProxies lists the CIDRs of reverse proxies whose X-Forwarded-For is
// believed. Without it the client address is the connection's peer: a client cannot
// pick its own address for the per-IP limits by sending a header.
const envTrustedProxies = "BILLIE_TRUSTED_PROXIES"

// newRouter mounts every HTTP route of the backend.
func newRouter(ctx context.Context, d *deps) (http.Handler, error) {
	clientIP, err := clientIPMiddleware(os.Getenv(envTrustedProxies))
	if err != nil {
		return nil, err
	}
	m := newMetrics(d)
	d.onBatch = append(d.onBatch, m.observeBatch)

	r := chi.NewRouter()
	r.Use(clientIP, m.instrument(d.log), middleware.Recoverer)
	r.NotFound(problem.NotFoundHandler)
	r.MethodNotAllowed(problem.MethodNotAllowedHandler)
	r.Get("/healthz", d.healthz)
	r.Get("/readyz", d.readyz)
	r.Method(http.MethodGet, "/metrics", m.handler())
	r.Get(customerapi.OpenAPIPath, customerapi.OpenAPIHandler)

	capi, err := customerAPI(ctx, d)
	if err != nil {
		return nil, err
	}
	r.Mount(customerapi.Prefix, capi)

	acc, err := accounts.New(d.store.DB(), d.store.WriteDB(), accounts.Options{}, d.log)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	r.Mount(accounts.AuthPrefix, acc.AuthHandler())
	r.Mount(accounts.AdminPrefix, acc.AdminHandler())
	return r, nil
}

// customerAPI is the customer-portal API, or, when it cannot run safely (no key, a
// weak one, an unreadable one), a handler that answers 503 with the reason, which is
// logged too. It never runs open.
func customerAPI(ctx context.Context, d *deps) (http.Handler, error) {
	cfg, err := customerapi.ConfigFromEnv()
	if err == nil {
		var reader *customerapi.SQLReader
		if reader, err = customerapi.NewSQLReader(ctx, d.store.DB()); err != nil {
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

func clientIPMiddleware(trusted string) (func(http.Handler) http.Handler, error) {
	var prefixes []string
	for _, p := range strings.Split(trusted, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, err := netip.ParsePrefix(p); err != nil {
			return nil, fmt.Errorf("%s: %q is not a CIDR prefix", envTrustedProxies, p)
		}
		prefixes = append(prefixes, p)
	}
	if len(prefixes) == 0 {
		return middleware.ClientIPFromRemoteAddr, nil
	}
	return middleware.ClientIPFromXFF(prefixes...), nil
}
