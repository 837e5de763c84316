package main

import (
	"io/fs"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/customerapi"
)

// Every route that reads the database is behind the APIs' database breaker: while
// it is open each answers 503 with Retry-After at once, sessions and the customer API
// alike, and the breaker shows in /readyz and /metrics. (Package breaker trips
// breakers with a stopped Redis and a locked database; this checks serve's wiring.)
func TestAPIsAnswer503WhileTheDatabaseBreakerIsOpen(t *testing.T) {
	t.Setenv(customerapi.EnvSecret, testSecret)
	rs, d, _ := testRouters(t, "", serverLimits{})
	var db *breaker.Breaker
	for _, b := range d.breakers.All() {
		if b.Name() == "database/api" {
			db = b
		}
	}
	if db == nil {
		t.Fatalf("no database/api breaker in %+v", d.breakers.States())
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: "cust-1", IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	routes := []struct{ target, token string }{
		{"/api/customer/cust-1/applications", tok},
		{"/api/customer/cust-1/search?q=loan", tok},
		{"/api/auth/me", "bsv_some-session"},
		{"/api/admin/users", "bsv_some-session"},
		{"/api/admin/dead-letters", "bsv_some-session"},
	}
	for _, r := range routes {
		if rec := get(rs.public, r.target, r.token); rec.Code == 503 {
			t.Fatalf("GET %s: 503 before the breaker opened", r.target)
		}
	}
	for range 5 {
		db.Record(&fs.PathError{Op: "read", Path: "b.db", Err: syscall.EIO})
	}
	var wg sync.WaitGroup
	for range 20 {
		for _, r := range routes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", r.target, nil)
				req.Header.Set("Authorization", "Bearer "+r.token)
				rs.public.ServeHTTP(rec, req)
				if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), web.Unavailable) {
					t.Errorf("GET %s while open: %d %q %s", r.target, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
				}
			}()
		}
	}
	wg.Wait()
	if rec := get(rs.ops, "/readyz", ""); !strings.Contains(rec.Body.String(), `"name": "database/api",`+"\n"+`      "state": "open"`) {
		t.Errorf("/readyz does not show the open breaker:\n%s", rec.Body)
	}
	m := get(rs.ops, "/metrics", "").Body.String()
	for _, want := range []string{`billie_breaker_open{client="api",dependency="database"} 1`, `billie_breaker_open{client="api",dependency="redis"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
