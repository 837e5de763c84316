// Package customerapi is the customer-portal HTTP API: a signed-in customer's
// applications and conversations, read from the denormalised portal read models.
//
// Every request is treated as hostile:
//
//   - Authentication is a Bearer JWT, HS256 or RS256 pinned to the configured key; exp
//     and iat are required, and the lifetime exp - iat, like the token's age, is capped
//     (Config.MaxTokenLifetime, 12 h by default); iss and aud are checked when
//     configured. The customer is the token's sub.
//   - 401 (with WWW-Authenticate) for a missing, malformed, expired or wrongly signed
//     token on any of the routes (which are public in the OpenAPI document; an unknown
//     path is 404), before anything is read, so an unauthenticated caller learns
//     nothing about what exists.
//   - 403 when the token is valid but its sub is not the customer in the path. It is
//     answered the same whether or not that customer exists, so it reveals nothing.
//   - 404 for an application id the customer does not have (another customer's
//     included: it is indistinguishable from one that does not exist).
//   - Errors are application/problem+json with stable type URIs (package web).
//   - Per client address and per customer rate limits (429 with Retry-After), a
//     deadline on each request's database work, bounded query strings, page sizes
//     and ids, security headers and an allow-list of CORS origins.
//   - Only the portal documents leave: they are built by package projection from a
//     fixed set of fields, without rationale, additional data, assessments,
//     noticeboard, raw events or tax fields.
//
// Without a key the API does not run: New fails with the reason, which the backend
// logs, and it mounts Unavailable, which answers 503 without it (the reason names
// the configuration, which is not the client's business).
package customerapi

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/backend/web"
)

// Prefix is where the backend mounts Handler.
const Prefix = "/api/customer"

// API is the customer-portal API.
type API struct {
	cfg      Config
	reader   Reader
	log      *slog.Logger
	parser   *jwt.Parser
	keyFunc  jwt.Keyfunc
	cursors  cursorCodec
	origins  map[string]bool
	anyOrig  bool
	perIP    *httprate.RateLimiter
	perCust  *httprate.RateLimiter
	clientIP func(*http.Request) string
	tokens   *tokenCache
	handler  http.Handler
}

// New checks cfg and builds the API; the error says why it cannot run.
func New(cfg Config, reader Reader, log *slog.Logger) (*API, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if reader == nil {
		return nil, errors.New("customer api: no reader")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Timeout = cmpOr(cfg.Timeout, DefaultTimeout)
	cfg.Leeway = cmpOr(cfg.Leeway, DefaultLeeway)
	cfg.MaxTokenLifetime = cmpOr(cfg.MaxTokenLifetime, DefaultMaxTokenLife)
	cfg.RatePerIP = cmpOr(cfg.RatePerIP, DefaultRatePerIP)
	cfg.RatePerCustomer = cmpOr(cfg.RatePerCustomer, DefaultRatePerCustomer)
	a := &API{cfg: cfg, reader: reader, log: log, origins: map[string]bool{}, clientIP: cfg.ClientIP}
	if a.clientIP == nil {
		a.clientIP = web.ClientIP
	}
	for _, o := range cfg.CORSOrigins {
		a.origins[o] = true
		a.anyOrig = a.anyOrig || o == "*"
	}
	a.setupTokens()
	a.tokens = newTokenCache(cmpOr(cfg.TokenCache, DefaultTokenCache))
	// Cursors are MACed with a key derived from the HS256 secret, so they survive
	// restarts and work across instances; with RS256 (whose key is public) the key is
	// random per process and a cursor from before a restart answers 400.
	if cfg.Secret != nil {
		sum := sha256.Sum256(append([]byte("billie customer api cursor\x00"), cfg.Secret...))
		a.cursors.key = sum[:]
	} else {
		a.cursors.key = make([]byte, 32)
		_, _ = rand.Read(a.cursors.key)
	}
	limited := httprate.WithLimitHandler(func(w http.ResponseWriter, _ *http.Request) {
		web.WriteProblem(w, http.StatusTooManyRequests, web.RateLimited, "rate limit exceeded; retry after the time in Retry-After")
	})
	if cfg.RatePerIP > 0 {
		a.perIP = httprate.NewRateLimiter(cfg.RatePerIP, time.Minute, limited,
			httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return a.clientIP(r), nil }))
	}
	if cfg.RatePerCustomer > 0 {
		a.perCust = httprate.NewRateLimiter(cfg.RatePerCustomer, time.Minute, limited)
	}
	a.handler = a.routes()
	return a, nil
}

func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

// MaxTokenLifetime is the longest lifetime a token may have.
func (a *API) MaxTokenLifetime() time.Duration { return a.cfg.MaxTokenLifetime }

// ServeHTTP serves the routes below Prefix; mount it there.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

func (a *API) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(web.SecurityHeaders, web.StrictTransport, a.cors, a.limitIP, web.Deadline(a.cfg.Timeout, writeGrace))
	r.NotFound(web.NotFoundHandler)
	r.MethodNotAllowed(web.MethodNotAllowedHandler)
	// A group's middleware runs once the route has matched, so metrics and logs see
	// the route pattern even of refused requests; an unknown path is a plain 404.
	r.Group(func(r chi.Router) {
		r.Use(a.authenticate, a.limitCustomer)
		r.Get("/{customerId}/applications", a.listApplications)
		r.Get("/{customerId}/application/{applicationId}", a.getApplication)
		r.Get("/{customerId}/conversations", a.listConversations)
		r.Get("/{customerId}/search", a.search)
	})
	return r
}

// Unavailable answers every request with 503: the API is not running. Why is for
// the server's log, not the client.
func Unavailable() http.Handler {
	return web.SecurityHeaders(web.StrictTransport(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		web.WriteProblem(w, http.StatusServiceUnavailable, web.Unavailable, "the customer API is not available")
	})))
}

// cors lets the configured portal origins call from a browser. Tokens travel in the
// Authorization header, never in cookies, so credentials are not allowed.
func (a *API) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if len(a.origins) > 0 {
			w.Header().Add("Vary", "Origin")
		}
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !a.anyOrig && !a.origins[origin] {
			if preflight {
				web.WriteProblem(w, http.StatusForbidden, web.Forbidden, "origin not allowed")
				return
			}
			next.ServeHTTP(w, r) // no CORS headers: the browser withholds the answer
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset")
		if preflight {
			h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *API) limitIP(next http.Handler) http.Handler {
	if a.perIP == nil {
		return next
	}
	return a.perIP.Handler(next)
}

func (a *API) limitCustomer(next http.Handler) http.Handler {
	if a.perCust == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.perCust.RespondOnLimit(w, r, customerOf(r.Context())) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeGrace is how long a client has to take the answer once the work is done.
const writeGrace = 10 * time.Second

// Bounds on what a request may carry.
const (
	maxIDLen       = 128
	maxQueryLen    = 1024 // the whole raw query string
	maxSearchRunes = 100
	defaultLimit   = 20
	maxLimit       = 100
	defaultSearch  = 10
	maxSearch      = 50
)

func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c == 0x7f {
			return false
		}
	}
	return true
}

func badParam(w http.ResponseWriter, detail string) {
	web.WriteProblem(w, http.StatusBadRequest, web.InvalidParameter, detail)
}
