package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/customerapi"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testRouter is the backend's public router; its operations router is
// testRouters'.
func testRouter(t *testing.T) (http.Handler, *deps, *syncBuffer) {
	t.Helper()
	rs, d, logs := testRouters(t, "", serverLimits{})
	return rs.public, d, logs
}

// testRouters are the backend's routers over a fresh database and the Redis at
// redisURL; with none, a Redis that does not answer.
func testRouters(t *testing.T, redisURL string, lim serverLimits) (routers, *deps, *syncBuffer) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opsStore, err := ops.Open(context.Background(), filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { opsStore.Close() })
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:1/0" // nothing listens there
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	opts.MaxRetries = -1
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	logs := &syncBuffer{}
	stream := fmt.Sprintf("test-http-%d", time.Now().UnixNano())
	tokenFile := filepath.Join(t.TempDir(), "ops.token")
	opsToken, err := loadOrCreateOpsToken(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	d := &deps{cfg: &config{stream: stream, group: "g", deadStream: stream + ":dead", opsTokenFile: tokenFile}, log: slog.New(slog.NewTextHandler(logs, nil)),
		store: st, ops: opsStore, rdb: rdb, opsToken: opsToken}
	hc, err := httpConfigFrom(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	hc.limits = lim
	rs, err := newRouters(context.Background(), d, hc)
	if err != nil {
		t.Fatal(err)
	}
	return rs, d, logs
}

func get(h http.Handler, target, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", target, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const testSecret = "backend-test-secret-0123456789-abcdefghij"

func TestRouterMetricsAndAccessLog(t *testing.T) {
	t.Setenv(customerapi.EnvSecret, testSecret)
	rs, d, logs := testRouters(t, "", serverLimits{})
	h := rs.public
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: "cust-secret-id-42", IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target, token string
		code          int
	}{
		{"/healthz", "", 503}, // Redis does not answer
		{"/api/openapi.json", "", 200},
		{"/api/customer/cust-secret-id-42/applications?q=private-query", tok, 200},
		{"/api/customer/cust-secret-id-42/application/APP-SECRET-1", tok, 404},
		{"/api/customer/cust-other-7/conversations", tok, 403},
		{"/api/customer/cust-secret-id-42/conversations", "", 401},
		{"/api/auth/me", "bsv_not-a-session", 401},
		{"/api/admin/users", "", 401},
		{"/no/such/thing/cust-secret-id-42", "", 404},
	} {
		if rec := get(h, tc.target, tc.token); rec.Code != tc.code {
			t.Errorf("GET %s: %d, want %d: %s", tc.target, rec.Code, tc.code, rec.Body)
		}
	}
	for _, f := range d.onBatch {
		f(store.Result{Counts: store.Counts{Applied: 5, Skipped: 2, DeadLettered: 1}}, 3*time.Millisecond)
	}
	rec := get(rs.ops, "/metrics", "")
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	m := rec.Body.String()
	for _, want := range []string{
		`billie_http_requests_total{code="200",method="GET",route="/api/customer/{customerId}/applications"} 1`,
		`billie_http_requests_total{code="404",method="GET",route="/api/customer/{customerId}/application/{applicationId}"} 1`,
		`billie_http_requests_total{code="403",method="GET",route="/api/customer/{customerId}/conversations"} 1`,
		`billie_http_requests_total{code="401",method="GET",route="/api/customer/{customerId}/conversations"} 1`,
		`billie_http_requests_total{code="503",method="GET",route="/healthz"} 1`,
		`billie_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`billie_http_request_duration_seconds_bucket{code="200",method="GET",route="/api/customer/{customerId}/applications",le="0.005"}`,
		`billie_events_total{outcome="applied"} 5`,
		`billie_events_total{outcome="skipped_other_agent"} 2`,
		`billie_events_total{outcome="dead_lettered"} 1`,
		`billie_events_total{outcome="unhandled"} 0`,
		`billie_projector_batch_duration_seconds_count 1`,
		`billie_redis_up 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	access := logs.String()
	for _, leak := range []string{"cust-secret-id-42", "cust-other-7", "APP-SECRET-1", "private-query", tok[:20], "bsv_not-a-session"} {
		if strings.Contains(m, leak) {
			t.Errorf("/metrics contains %q", leak)
		}
		if strings.Contains(access, leak) {
			t.Errorf("access log contains %q", leak)
		}
	}
	if !strings.Contains(access, `route=/api/customer/{customerId}/applications method=GET status=200`) {
		t.Errorf("access log lacks the route line:\n%s", access)
	}
}

func TestCustomerAPIRefusesWithoutSecret(t *testing.T) {
	t.Setenv(customerapi.EnvSecret, "")
	t.Setenv(customerapi.EnvPublicKey, "")
	h, _, logs := testRouter(t)
	rec := get(h, "/api/customer/c1/applications", "")
	if rec.Code != 503 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	// Why is the operator's business, not the client's: the answer names no setting.
	if strings.Contains(rec.Body.String(), "BILLIE_") || strings.Contains(rec.Body.String(), "RS256") {
		t.Errorf("the answer reveals the configuration: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "customer API disabled") || !strings.Contains(logs.String(), customerapi.EnvSecret) {
		t.Errorf("the log does not say why:\n%s", logs.String())
	}
	// The rest of the backend still serves.
	if rec := get(h, "/api/openapi.json", ""); rec.Code != 200 {
		t.Errorf("/api/openapi.json: %d", rec.Code)
	}
	t.Setenv(customerapi.EnvSecret, "too-short")
	h, _, logs = testRouter(t)
	if rec := get(h, "/api/customer/c1/applications", ""); rec.Code != 503 || strings.Contains(rec.Body.String(), "at least 32") {
		t.Errorf("short secret: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "at least 32") {
		t.Errorf("the log does not say why:\n%s", logs.String())
	}
}

func TestClientIPTrust(t *testing.T) {
	// clientIPMiddleware is what the backend builds from BILLIE_TRUSTED_PROXIES.
	clientIPMiddleware := func(trusted string) (func(http.Handler) http.Handler, error) {
		prefixes, err := parseTrustedProxies(trusted)
		if err != nil {
			return nil, err
		}
		return web.ClientAddress(prefixes), nil
	}
	if _, err := clientIPMiddleware("10.0.0.0/8, nonsense"); err == nil {
		t.Error("bad CIDR accepted")
	}
	var seen string
	probe := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen = middleware.GetClientIP(r.Context())
	})
	for _, tc := range []struct{ trusted, remote, xff, want string }{
		{"", "203.0.113.9:5555", "1.2.3.4", "203.0.113.9"},           // headers are not believed by default
		{"10.0.0.0/8", "10.1.2.3:5555", "1.2.3.4", "1.2.3.4"},        // from a trusted proxy they are
		{"10.0.0.0/8", "203.0.113.9:5555", "1.2.3.4", "203.0.113.9"}, // but not from anyone else
	} {
		mw, err := clientIPMiddleware(tc.trusted)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		mw(probe).ServeHTTP(httptest.NewRecorder(), req)
		if seen != tc.want {
			t.Errorf("trusted %q remote %s xff %s: client %q, want %q", tc.trusted, tc.remote, tc.xff, seen, tc.want)
		}
	}
}
