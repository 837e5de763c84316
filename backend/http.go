package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/deadletters"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/rebuilds"
	"github.com/billie/supervisor/backend/sharedsettings"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/backend/web/auditapi"
	"github.com/billie/supervisor/backend/web/authapi"
	"github.com/billie/supervisor/customerapi"
)

// routers are the backend's two HTTP surfaces, served on two listeners.
type routers struct {
	// public is the APIs and a /healthz that says only up or down.
	public http.Handler
	// ops is the operators': metrics, the detailed readiness report, unlocking
	// sign-ins. It is served on --ops-addr, loopback unless the operator says otherwise.
	ops http.Handler
	// sampler records the pipeline's history and evaluates its alerts; serve runs it.
	sampler *pipeline.Sampler
}

// newRouters mounts every HTTP route of the backend. Admin routes of every API go
// on the one web.Admin router, mounted at web.AdminPrefix.
func newRouters(ctx context.Context, d *deps, hc httpConfig) (routers, error) {
	if d.breakers == nil {
		d.breakers = breaker.NewSet()
	}
	dbAPI := databaseBreaker(d.breakers, breaker.API)
	if d.rdb != nil {
		d.rdb.AddHook(breaker.RedisHook(redisBreaker(d.breakers, breaker.API)))
	}
	m := newMetrics(d)
	d.onBatch = append(d.onBatch, m.observeBatch)
	lim := hc.limits.withDefaults()
	d.onFailure = append(d.onFailure, m.observeFailure)

	r := chi.NewRouter()
	// The deadline comes first, so no route escapes it: the APIs' own, shorter ones
	// apply inside it.
	r.Use(web.ClientAddress(hc.trustedProxies), m.instrument(d.log), middleware.Recoverer, web.Deadline(lim.request, lim.grace))
	r.NotFound(web.NotFoundHandler)
	r.MethodNotAllowed(web.MethodNotAllowedHandler)
	r.Get("/healthz", d.upOrDown)
	r.Get(customerapi.OpenAPIPath, customerapi.OpenAPIHandler)

	capi, err := customerAPI(ctx, d, hc, dbAPI)
	if err != nil {
		return routers{}, err
	}
	r.Mount(customerapi.Prefix, capi)

	var ledger accounts.LedgerAccess
	if hc.desktopACL {
		ledger = desktopLedger(ctx, d.log, d.rdb, d.cfg.stream, d.cfg.group, true)
	}
	acc, err := accounts.New(guardedUsers{u: d.ops, b: dbAPI}, accounts.Options{Ledger: ledger, Audit: d.ops}, d.log)
	if err != nil {
		return routers{}, fmt.Errorf("accounts: %w", err)
	}
	if ledger != nil {
		go sweepLedgerAccess(ctx, acc, d.log, time.Minute)
	}
	auth := authapi.New(acc, authapi.Options{}, d.log)
	r.Mount(authapi.Prefix, auth.AuthHandler())
	admin := web.NewAdmin(acc, d.log)
	auth.AdminRoutes(admin)
	deadletters.NewAPI(deadletters.New(guardedDeadLetters{s: d.store, b: dbAPI}, d.ops), d.log).AdminRoutes(admin)
	if d.rebuilds == nil {
		rc := rebuilds.Config{Store: d.store, Checkpoint: d.cfg.group, Stream: d.cfg.stream, Log: d.log,
			Records: opsJobs{d.ops}, Audit: d.ops}
		if d.rdb != nil {
			rc.Redis = d.rdb
		}
		d.rebuilds = rebuilds.New(ctx, rc)
	}
	pv := newPipelineView(d, m)
	pv.api.AdminRoutes(admin)
	r.Method(http.MethodPost, pipeline.DesktopReportPath, pv.api.DesktopHandler(acc))
	jobs := rebuilds.NewAPI(d.rebuilds, d.log)
	jobs.AdminRoutes(admin)
	auditapi.New(d.ops, d.log).AdminRoutes(admin)
	r.Mount(web.AdminPrefix, admin)
	shared := sharedsettings.New(d.ops, d.ops, sharedsettings.Settings{RedisURL: d.cfg.redisURL, Stream: d.cfg.stream})
	r.Mount(sharedsettings.Path, sharedsettings.Handler(shared, acc, d.log))

	ops := chi.NewRouter()
	ops.Use(m.instrument(d.log), middleware.Recoverer, web.Deadline(lim.request, lim.grace))
	ops.NotFound(web.NotFoundHandler)
	ops.MethodNotAllowed(web.MethodNotAllowedHandler)
	ops.Get("/healthz", d.healthz)
	ops.Get("/readyz", d.readyz)
	ops.Method(http.MethodGet, "/metrics", m.handler())
	ops.Group(func(ctl chi.Router) {
		ctl.Use(opsControl(d.opsToken))
		ctl.Post(opsUnlockPath, unlockHandler(acc, d))
		jobs.OpsRoutes(ctl)
	})
	return routers{public: r, ops: ops, sampler: pv.sampler}, nil
}

// newServer is an HTTP server of h with the backend's limits: no request, however
// slow its client or handler, holds a connection past them.
func newServer(addr string, h http.Handler, lim serverLimits) *http.Server {
	lim = lim.withDefaults()
	return &http.Server{
		Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: lim.write, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
}

// customerAPI is the customer-portal API, or, when it cannot run safely (no key, a
// weak one, an unreadable one), a handler that answers 503. The reason is logged,
// never answered: it names the configuration.
func customerAPI(ctx context.Context, d *deps, hc httpConfig, db *breaker.Breaker) (http.Handler, error) {
	cfg, err := hc.customer, hc.customerErr
	if err == nil {
		var reader *store.PortalReader
		if reader, err = d.store.PortalReader(ctx); err != nil {
			return nil, err
		}
		var api *customerapi.API
		if api, err = customerapi.New(cfg, guardedPortal{r: reader, b: db}, d.log); err == nil {
			if cfg.Issuer == "" || cfg.Audience == "" {
				d.log.Warn("customer API: token issuer or audience not checked; set " + customerapi.EnvIssuer + " and " + customerapi.EnvAudience)
			}
			alg := "HS256"
			if cfg.PublicKey != nil {
				alg = "RS256"
			}
			d.log.Info("customer API enabled", "alg", alg, "cors_origins", len(cfg.CORSOrigins), "max_token_lifetime", api.MaxTokenLifetime())
			return api, nil
		}
		reader.Close()
	}
	d.log.Error("customer API disabled: /api/customer answers 503", "reason", err.Error())
	return customerapi.Unavailable(), nil
}
