package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/httprate"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/web"
)

// DesktopReportPath is where the backend routes DesktopHandler.
const DesktopReportPath = "/api/desktop/report"

// Options configure the API.
type Options struct {
	Sources *Sources
	// History answers /pipeline/history; nil answers no points.
	History History
	// ReportsPerMinute bounds a session's desktop reports (default 10: a desktop
	// reports every 30 s; <0: no bound).
	ReportsPerMinute int
	Log              *slog.Logger
}

// API serves the pipeline document, its history and the desktops' reports.
type API struct {
	o   Options
	log *slog.Logger
}

// New is the API of o.
func New(o Options) *API {
	if o.ReportsPerMinute == 0 {
		o.ReportsPerMinute = 10
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{o: o, log: log}
}

// AdminRoutes adds GET /pipeline and GET /pipeline/history to the admin router.
func (a *API) AdminRoutes(adm *web.Admin) {
	adm.Handle(http.MethodGet, "/pipeline", a.document)
	adm.Handle(http.MethodGet, "/pipeline/history", a.history)
}

func (a *API) document(w http.ResponseWriter, r *http.Request) {
	doc := a.o.Sources.Collect(r.Context())
	if !doc.Redis.OK || !doc.Database.OK {
		a.log.Warn("pipeline: a dependency does not answer", "redis", doc.Redis.Error, "database", doc.Database.Error)
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, doc)
}

type historyAnswer struct {
	Window string  `json:"window"`
	Points []Point `json:"points"`
}

func (a *API) history(w http.ResponseWriter, r *http.Request) {
	// A query Go cannot parse (a ';', a bad escape) is refused, not read as no window.
	q, err := url.ParseQuery(r.URL.RawQuery)
	name := q.Get("window")
	if err == nil && name == "" {
		name = "1h"
	}
	span, ok := Windows[name]
	if !ok {
		web.WriteProblem(w, http.StatusBadRequest, web.InvalidParameter, "window: want 1h or 24h")
		return
	}
	ans := historyAnswer{Window: name, Points: []Point{}}
	if a.o.History != nil {
		pts, err := a.o.History.Minutes(r.Context(), a.o.Sources.now().Add(-span))
		if err != nil {
			web.Error(w, r, a.log, errs.E(errs.Op("pipeline.history"), err))
			return
		}
		if pts != nil {
			ans.Points = pts
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, ans)
}

// DesktopHandler serves a desktop's report for any signed-in session (auth checks
// it), at most ReportsPerMinute a minute per session. Route it at DesktopReportPath for
// POST: it is a handler, not a router, so the route's pattern is that path.
func (a *API) DesktopHandler(auth web.Authenticator) http.Handler {
	h := http.Handler(http.HandlerFunc(a.report))
	if a.o.ReportsPerMinute > 0 {
		h = httprate.Limit(a.o.ReportsPerMinute, time.Minute,
			httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
				// The token's hash, not the token: the limiter's keys live in memory.
				sum := sha256.Sum256([]byte(web.SessionOf(r.Context()).Token))
				return hex.EncodeToString(sum[:16]), nil
			}),
			httprate.WithLimitHandler(func(w http.ResponseWriter, _ *http.Request) {
				web.Problem{Type: web.RateLimited, Status: http.StatusTooManyRequests,
					Detail: "too many reports from this session; a desktop reports every 30 s", RetryAfter: 30 * time.Second}.Write(w)
			}))(h)
	}
	h = web.RequireSession(auth, a.log)(h)
	return web.SecurityHeaders(web.Deadline(web.RequestTimeout, 0)(h))
}

func (a *API) report(w http.ResponseWriter, r *http.Request) {
	var b reportBody
	if !web.ReadJSON(w, r, &b, false) {
		return
	}
	if err := b.validate(); err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	if b.CachePosition != "" {
		id, _ := ledger.ParseID(b.CachePosition)
		b.CachePosition = id.String()
	}
	u := web.SessionOf(r.Context()).User
	rep := DesktopReport{UserID: u.ID, User: u.Email, Name: u.Name, Version: b.Version, Host: b.Host,
		CachePosition: b.CachePosition, Behind: *b.Behind, ReportedAt: a.o.Sources.now().UTC()}
	if a.o.Sources.Desktops != nil {
		if err := a.o.Sources.Desktops.ReportDesktop(r.Context(), rep); err != nil {
			web.Error(w, r, a.log, errs.E(errs.Op("pipeline.report"), err))
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
