package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
	opsdb "github.com/billie/supervisor/backend/store/ops"
)

const testRedis = "redis://127.0.0.1:6379/0"

// TestOperationsListener: metrics and the detailed readiness report are on the
// operations router only; the public /healthz says up or down and nothing else.
func TestOperationsListener(t *testing.T) {
	rs, _, _ := testRouters(t, testRedis, serverLimits{})
	for _, path := range []string{"/metrics", "/readyz"} {
		if rec := get(rs.public, path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404", path, rec.Code)
		}
		if rec := get(rs.ops, path, ""); rec.Code != http.StatusOK {
			t.Errorf("operations %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec := get(rs.ops, "/readyz", ""); !strings.Contains(rec.Body.String(), `"redis": "ok"`) {
		t.Errorf("operations /readyz is not the detailed report: %s", rec.Body)
	}
	if rec := get(rs.public, "/healthz", ""); rec.Code != http.StatusOK || rec.Body.String() != `{"status":"up"}` {
		t.Errorf("public /healthz: %d %s", rec.Code, rec.Body)
	}
	down, _, _ := testRouters(t, "", serverLimits{}) // Redis does not answer
	if rec := get(down.public, "/healthz", ""); rec.Code != http.StatusServiceUnavailable || rec.Body.String() != `{"status":"down"}` {
		t.Errorf("public /healthz with Redis down: %d %s", rec.Code, rec.Body)
	}
	if rec := get(down.ops, "/readyz", ""); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "127.0.0.1:1") {
		t.Errorf("operations /readyz with Redis down does not say why: %d %s", rec.Code, rec.Body)
	}
}

// TestMethodLabel: a made-up method is counted as "other", never by its text.
func TestMethodLabel(t *testing.T) {
	rs, _, logs := testRouters(t, "", serverLimits{})
	for _, m := range []string{"GET", "BREW", "X-SECRET-METHOD-1"} {
		req := httptest.NewRequest(m, "/api/openapi.json", nil)
		rs.public.ServeHTTP(httptest.NewRecorder(), req)
	}
	metrics := get(rs.ops, "/metrics", "").Body.String()
	for _, want := range []string{`method="GET",route="/api/openapi.json"} 1`, `billie_http_requests_total{code="405",method="other",route="unmatched"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grepLines(metrics, "billie_http_requests_total"))
		}
	}
	for _, leak := range []string{"BREW", "X-SECRET-METHOD-1"} {
		if strings.Contains(metrics, leak) || strings.Contains(logs.String(), leak) {
			t.Errorf("the method %s is in the metrics or the log", leak)
		}
	}
}

// TestUserUnlockCommand: `backend user unlock` reaches the running backend's
// sign-in locks through the operations listener.
func TestUserUnlockCommand(t *testing.T) {
	rs, d, _ := testRouters(t, "", serverLimits{})
	acc, err := accounts.New(d.ops, accounts.Options{Hash: accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Create(context.Background(), "ada@example.com", "Ada", accounts.RoleAdmin, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	ops := httptest.NewServer(rs.ops)
	defer ops.Close()
	opsAddr := strings.TrimPrefix(ops.URL, "http://")
	login := func(pw string) int {
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"email":"ada@example.com","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "203.0.113.9:4711"
		rec := httptest.NewRecorder()
		rs.public.ServeHTTP(rec, req)
		return rec.Code
	}
	for range 5 {
		if code := login("wrong-password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if code := login("admin-password-1"); code != http.StatusTooManyRequests {
		t.Fatalf("not locked: %d", code)
	}
	out, err := runBackend(nil, "user", "unlock", "--email", "ADA@example.com", "--ops-addr", opsAddr, "--ops-token-file", d.cfg.opsTokenFile)
	if err != nil || !strings.Contains(out, "unlocked ada@example.com") {
		t.Fatalf("unlock: %q %v", out, err)
	}
	if code := login("admin-password-1"); code != http.StatusOK {
		t.Errorf("still locked after unlock: %d", code)
	}
	if out, err := runBackend(nil, "user", "unlock", "--email", "ada@example.com", "--ops-addr", opsAddr, "--ops-token-file", d.cfg.opsTokenFile); err != nil || !strings.Contains(out, "no failed sign-ins") {
		t.Errorf("second unlock: %q %v", out, err)
	}
	if _, err := runBackend(nil, "user", "unlock", "--email", "ada@example.com", "--ops-addr", "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "running backend's memory") {
		t.Errorf("without a backend: %v", err)
	}
	if _, err := runBackend(nil, "user", "unlock", "--ops-addr", opsAddr); err == nil || !strings.Contains(err.Error(), "--email") {
		t.Errorf("without --email: %v", err)
	}
	// Both unlocks are in the audit log, as the command line's.
	items, _, err := d.ops.Audit(context.Background(), opsdb.AuditFilter{Action: accounts.AuditUnlock})
	if err != nil || len(items) != 2 || !strings.HasPrefix(items[0].Actor, "cli:") || items[1].Target != "ada@example.com" ||
		items[1].Detail != "failed sign-ins forgotten" || items[0].Detail != "no failed sign-ins" {
		t.Errorf("audit of the unlocks: %+v %v", items, err)
	}
}

// TestSlowRequests: on both listeners, a handler that takes too long has its context
// ended, and a client that does not read the answer cannot hold the handler; the
// server's write timeout backs the middleware up.
func TestSlowRequests(t *testing.T) {
	lim := serverLimits{request: 50 * time.Millisecond, grace: 50 * time.Millisecond, write: 300 * time.Millisecond}
	rs, _, _ := testRouters(t, "", lim)
	type outcome struct {
		deadline bool
		err      error
	}
	done := make(chan outcome, 1)
	slow := func(w http.ResponseWriter, r *http.Request) {
		_, ok := r.Context().Deadline()
		<-r.Context().Done()
		done <- outcome{deadline: ok}
	}
	big := func(w http.ResponseWriter, r *http.Request) {
		_, ok := r.Context().Deadline()
		chunk := make([]byte, 64<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				done <- outcome{deadline: ok, err: err}
				return
			}
		}
	}
	for name, h := range map[string]http.Handler{"public": rs.public, "operations": rs.ops} {
		r := h.(chi.Router)
		r.Get("/test-slow-handler", slow)
		r.Get("/test-slow-reader", big)
		t.Run(name, func(t *testing.T) {
			addr := serve(t, h, lim)
			go func() {
				if res, err := http.Get("http://" + addr + "/test-slow-handler"); err == nil {
					res.Body.Close()
				}
			}()
			if o := wait(t, done); !o.deadline {
				t.Error("the slow handler's context had no deadline")
			}
			stall(t, addr, "/test-slow-reader")
			if o := wait(t, done); o.err == nil {
				t.Error("writing to a client that does not read never failed")
			}
		})
	}
	t.Run("server backstop", func(t *testing.T) {
		addr := serve(t, http.HandlerFunc(big), lim)
		stall(t, addr, "/")
		if o := wait(t, done); o.err == nil || o.deadline {
			t.Errorf("outcome %+v", o)
		}
	})
}

// serve serves h with the backend's server settings on a loopback port.
func serve(t *testing.T, h http.Handler, lim serverLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(ln.Addr().String(), h, lim)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// stall sends a request for path and never reads the answer.
func stall(t *testing.T, addr, path string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4 << 10)
	}
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// wait is the handler's outcome. The minute is not a limit under test, only how long
// a broken build takes to say so instead of hanging until go test's own timeout.
func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatal("the handler was never stopped")
		panic("unreachable")
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
