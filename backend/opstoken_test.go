package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The operations listener's control routes (unlock, rebuild jobs) answer only a
// loopback peer with the operations token; monitoring routes stay open.
func TestOpsControlRoutesWantLoopbackAndToken(t *testing.T) {
	rs, d, _ := testRouters(t, "", serverLimits{})
	control := []struct{ method, path, body string }{
		{"POST", opsUnlockPath, `{"email":"ada@example.com"}`},
		{"GET", "/rebuilds", ""},
		{"POST", "/rebuilds", `{"source":"archive"}`},
		{"GET", "/rebuilds/1-1", ""},
		{"DELETE", "/rebuilds/1-1", ""},
	}
	for _, tc := range []struct {
		name   string
		remote string
		auth   string
		want   int // 0: any answer but 401 and 403
	}{
		{name: "no token", remote: "127.0.0.1:5000", auth: "", want: http.StatusUnauthorized},
		{name: "wrong token", remote: "127.0.0.1:5000", auth: "Bearer " + strings.Repeat("0", 64), want: http.StatusUnauthorized},
		{name: "token without Bearer", remote: "127.0.0.1:5000", auth: d.opsToken, want: http.StatusUnauthorized},
		{name: "from the network, with the token", remote: "203.0.113.9:5000", auth: "Bearer " + d.opsToken, want: http.StatusForbidden},
		{name: "IPv6 loopback, with the token", remote: "[::1]:5000", auth: "Bearer " + d.opsToken},
		{name: "loopback, with the token", remote: "127.0.0.1:5000", auth: "Bearer " + d.opsToken},
	} {
		for _, c := range control {
			t.Run(tc.name+" "+c.method+" "+c.path, func(t *testing.T) {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.RemoteAddr = tc.remote
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				rec := httptest.NewRecorder()
				rs.ops.ServeHTTP(rec, req)
				switch {
				case tc.want != 0 && rec.Code != tc.want:
					t.Errorf("%d, want %d: %s", rec.Code, tc.want, rec.Body)
				case tc.want == 0 && (rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden):
					t.Errorf("refused with %d: %s", rec.Code, rec.Body)
				}
			})
		}
	}
	// A server without a token refuses even a loopback request with an empty one.
	d.opsToken = ""
	rs2, err := newRouters(t.Context(), d, httpConfig{})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/rebuilds", nil)
	req.RemoteAddr = "127.0.0.1:5000"
	req.Header.Set("Authorization", "Bearer ")
	rec := httptest.NewRecorder()
	rs2.ops.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("no server token: %d, want 401", rec.Code)
	}
	// Monitoring needs neither.
	for _, path := range []string{"/healthz", "/metrics"} {
		req := httptest.NewRequest("GET", path, nil)
		req.RemoteAddr = "203.0.113.9:5000"
		rec := httptest.NewRecorder()
		rs.ops.ServeHTTP(rec, req)
		if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
			t.Errorf("%s from the network: %d", path, rec.Code)
		}
	}
}

// `backend rebuild --via` runs the job on the serving backend with the token it reads
// from the token file, and without a readable token it is refused (and does not fall
// back to rebuilding the served database itself).
func TestRebuildViaOpsListenerUsesTheToken(t *testing.T) {
	rs, d, _ := testRouters(t, "", serverLimits{})
	srv := httptest.NewServer(rs.ops)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	out, err := runBackend(nil, "rebuild", "--via", addr, "--ops-token-file", d.cfg.opsTokenFile)
	if err != nil || !strings.Contains(out, "succeeded") {
		t.Fatalf("rebuild via the listener: %q %v", out, err)
	}
	jobs, err := d.rebuilds.Jobs(t.Context())
	if err != nil || len(jobs) != 1 || jobs[0].State != "succeeded" {
		t.Fatalf("jobs on the backend: %+v %v", jobs, err)
	}
	missing := filepath.Join(t.TempDir(), "none.token")
	_, err = runBackend(nil, "rebuild", "--via", addr, "--ops-token-file", missing)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "operations token") {
		t.Fatalf("rebuild without the token: %v", err)
	}
	if jobs, _ := d.rebuilds.Jobs(t.Context()); len(jobs) != 1 {
		t.Errorf("a refused request started a job: %+v", jobs)
	}
}

func TestOpsTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ops.token")
	tok, err := loadOrCreateOpsToken(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v %v, want 0600", fi.Mode().Perm(), err)
	}
	if got, err := readOpsToken(path); err != nil || got != tok {
		t.Fatalf("read back %q %v, want %q", got, err, tok)
	}
	// Kept across starts, so backends sharing the directory agree.
	if again, err := loadOrCreateOpsToken(path); err != nil || again != tok {
		t.Fatalf("second start %q %v, want the same token", again, err)
	}
	// One that others could read is replaced, by a file only its owner reads.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	fresh, err := loadOrCreateOpsToken(path)
	if err != nil || fresh == tok {
		t.Fatalf("after chmod 644: %q %v, want a new token", fresh, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced token file mode %v %v, want 0600", fi.Mode().Perm(), err)
	}
	// Garbage is no token.
	if err := os.WriteFile(path, []byte("not a token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readOpsToken(path); err == nil {
		t.Error("read a token from garbage")
	}
	if tok, err := loadOrCreateOpsToken(path); err != nil || len(tok) != 64 {
		t.Errorf("over garbage: %q %v", tok, err)
	}
}
