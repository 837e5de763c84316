package authapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/billie/supervisor/backend/internal/openapitest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/internal/testclock"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
)

var cheap = accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

type env struct {
	svc   *accounts.Service
	st    *ops.Store
	h     http.Handler
	clock *testclock.Clock
}

func newEnv(t *testing.T, o accounts.Options, api Options) *env {
	t.Helper()
	st, err := ops.Open(context.Background(), filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := testclock.New(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	if o.Hash == (accounts.HashParams{}) {
		o.Hash = cheap
	}
	if o.Now == nil {
		o.Now = c.Now
	}
	if o.Throttle.BaseDelay == 0 {
		o.Throttle.BaseDelay = time.Millisecond
		o.Throttle.MaxDelay = 4 * time.Millisecond
	}
	if api.LoginRatePerIP == 0 {
		api.LoginRatePerIP = -1
	}
	svc, err := accounts.New(st, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := New(svc, api, nil)
	adm := web.NewAdmin(svc, nil)
	a.AdminRoutes(adm)
	r := chi.NewRouter()
	r.Mount(Prefix, a.AuthHandler())
	r.Mount(web.AdminPrefix, adm)
	return &env{svc: svc, st: st, h: r, clock: c}
}

func (e *env) mustCreate(t *testing.T, email, role, pw string) accounts.User {
	t.Helper()
	u, err := e.svc.Create(context.Background(), email, "Name of "+email, role, pw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("not a JSON object: %s", r.body)
	}
	return v
}

func (e *env) do(t *testing.T, method, target, token string, body any) response {
	t.Helper()
	return e.doFrom(t, "", method, target, token, body)
}

// doFrom is do from the client address addr (httptest's when empty).
func (e *env) doFrom(t *testing.T, addr, method, target, token string, body any) response {
	t.Helper()
	var rd io.Reader
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, "http://localhost"+target, rd)
	if addr != "" {
		req.RemoteAddr = addr + ":4711"
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	validate(t, req, res)
	return res
}

// validate checks a response against the backend's OpenAPI document.
func validate(t *testing.T, req *http.Request, res response) {
	t.Helper()
	openapitest.CheckRouted(t, req, res.code, res.header, res.body)
}

func wantProblem(t *testing.T, res response, code int, typ string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("status %d, want %d: %s", res.code, code, res.body)
	}
	if res.header.Get("Content-Type") != web.ProblemContentType {
		t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
	}
	if p := res.json(t); p["type"] != typ {
		t.Errorf("type %v, want %s", p["type"], typ)
	}
}

func (e *env) login(t *testing.T, email, pw string) string {
	t.Helper()
	res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw})
	if res.code != 200 {
		t.Fatalf("login %s: %d %s", email, res.code, res.body)
	}
	return res.json(t)["token"].(string)
}

func TestLogin(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{})
	e.mustCreate(t, "Ada@Example.com", accounts.RoleAdmin, "admin-password-1")
	off := e.mustCreate(t, "off@example.com", accounts.RoleSupervisor, "off-password-1")
	disabled := true
	if _, err := e.svc.Update(context.Background(), off.ID, accounts.Patch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}

	res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": " ada@EXAMPLE.com ", "password": "admin-password-1"})
	if res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	var ok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expiresAt"`
		User      struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
			Name  string `json:"name"`
			Role  string `json:"role"`
		} `json:"user"`
	}
	if err := json.Unmarshal(res.body, &ok); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ok.Token, accounts.TokenPrefix) || len(ok.Token) < 40 || ok.User.Email != "ada@example.com" || ok.User.Role != accounts.RoleAdmin || ok.User.ID == 0 {
		t.Errorf("login answer %+v", ok)
	}
	if want := e.clock.Now().Add(12 * time.Hour); !ok.ExpiresAt.Equal(want) {
		t.Errorf("expiresAt %s, want %s", ok.ExpiresAt, want)
	}
	// The token is stored hashed only.
	if _, _, err := e.st.Session(context.Background(), []byte(ok.Token)); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("token stored in clear (%v)", err)
	}

	var bodies []string
	for _, tc := range []struct{ name, email, pw string }{
		{"wrong password", "ada@example.com", "admin-password-2"},
		{"unknown email", "nobody@example.com", "admin-password-1"},
		{"disabled account, right password", "off@example.com", "off-password-1"},
		{"not an email", "ada", "admin-password-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": tc.email, "password": tc.pw})
			wantProblem(t, res, 401, web.InvalidLogin)
			bodies = append(bodies, string(res.body))
		})
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("failures differ:\n%s\n%s", bodies[0], b)
		}
	}
	for name, body := range map[string]string{"not JSON": "{", "no password": `{"email":"a@b.c"}`, "no email": `{"password":"x"}`} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, e.do(t, "POST", "/api/auth/login", "", body), 400, web.BadRequest)
		})
	}
	t.Run("not JSON content type", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader("email=a"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 415 {
			t.Errorf("%d", rec.Code)
		}
	})
	t.Run("huge body", func(t *testing.T) {
		wantProblem(t, e.do(t, "POST", "/api/auth/login", "", `{"email":"`+strings.Repeat("a", web.MaxJSONBody)+`"}`), 413, web.PayloadTooLarge)
	})
}

func TestThrottle(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 3, BaseDelay: 40 * time.Millisecond, MaxDelay: 80 * time.Millisecond,
		LockAfter: 5, LockFor: 10 * time.Minute}}, Options{})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		t.Run(email, func(t *testing.T) {
			var took []time.Duration
			for i := range 5 {
				start := time.Now()
				res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": "wrong-password"})
				took = append(took, time.Since(start))
				wantProblem(t, res, 401, web.InvalidLogin)
				_ = i
			}
			// Attempts 4 and 5 (after 3 failures) were slowed down.
			if took[3] < 40*time.Millisecond || took[4] < 80*time.Millisecond {
				t.Errorf("no slow-down: %v", took)
			}
			// Locked now, even with the right password; the same answer for both emails.
			res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": "admin-password-1"})
			wantProblem(t, res, 429, web.TooManyAttempts)
			if ra := res.header.Get("Retry-After"); ra != "600" {
				t.Errorf("Retry-After %q, want 600", ra)
			}
			e.clock.Add(5 * time.Minute)
			if ra := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": "x"}).header.Get("Retry-After"); ra != "300" {
				t.Errorf("Retry-After %q after 5 min, want 300", ra)
			}
			e.clock.Add(5*time.Minute + time.Second)
		})
	}
	// After the lock, the right password works again (that success clears the count
	// is TestThrottleClearedBySuccess in package accounts).
	e.login(t, "ada@example.com", "admin-password-1")
}

func TestSessions(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{})
	e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "super-password-1")
	tok := e.login(t, "sam@example.com", "super-password-1")

	me := e.do(t, "GET", "/api/auth/me", tok, nil)
	if me.code != 200 {
		t.Fatalf("%d %s", me.code, me.body)
	}
	v := me.json(t)
	if v["user"].(map[string]any)["email"] != "sam@example.com" || v["expiresAt"] == nil {
		t.Errorf("me %v", v)
	}
	for name, bad := range map[string]string{"none": "", "garbage": "bsv_nope", "other scheme": "abc"} {
		t.Run(name, func(t *testing.T) {
			res := e.do(t, "GET", "/api/auth/me", bad, nil)
			wantProblem(t, res, 401, web.Unauthorized)
			if res.header.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate")
			}
		})
	}
	t.Run("expiry", func(t *testing.T) {
		tok2 := e.login(t, "sam@example.com", "super-password-1")
		e.clock.Add(12*time.Hour - time.Second)
		if res := e.do(t, "GET", "/api/auth/me", tok2, nil); res.code != 200 {
			t.Fatalf("before expiry: %d", res.code)
		}
		e.clock.Add(time.Second)
		wantProblem(t, e.do(t, "GET", "/api/auth/me", tok2, nil), 401, web.Unauthorized)
		// Expired sessions are swept at the next sign-in (both of this test's so far;
		// the store's own test counts the table).
		e.login(t, "sam@example.com", "super-password-1")
		for _, expired := range []string{tok, tok2} {
			sum := sha256.Sum256([]byte(expired))
			if _, _, err := e.st.Session(context.Background(), sum[:]); !errors.Is(err, accounts.ErrNoSession) {
				t.Errorf("expired session kept (%v)", err)
			}
		}
	})
	t.Run("logout", func(t *testing.T) {
		tok3 := e.login(t, "sam@example.com", "super-password-1")
		if res := e.do(t, "POST", "/api/auth/logout", tok3, nil); res.code != 204 {
			t.Fatalf("logout %d %s", res.code, res.body)
		}
		wantProblem(t, e.do(t, "GET", "/api/auth/me", tok3, nil), 401, web.Unauthorized)
		wantProblem(t, e.do(t, "POST", "/api/auth/logout", tok3, nil), 401, web.Unauthorized)
	})
	t.Run("last login recorded", func(t *testing.T) {
		u, err := e.svc.ByEmail(context.Background(), "sam@example.com")
		if err != nil || u.LastLoginAt == nil {
			t.Errorf("%+v %v", u, err)
		}
	})
}

func TestAdmin(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{})
	admin := e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	sup := e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "super-password-1")
	adminTok := e.login(t, "ada@example.com", "admin-password-1")
	supTok := e.login(t, "sam@example.com", "super-password-1")

	t.Run("supervisors get 403", func(t *testing.T) {
		wantProblem(t, e.do(t, "GET", "/api/admin/users", supTok, nil), 403, web.Forbidden)
		wantProblem(t, e.do(t, "POST", "/api/admin/users", supTok, map[string]string{"email": "x@y.z", "name": "X", "role": "admin", "password": "0123456789"}), 403, web.Forbidden)
		wantProblem(t, e.do(t, "PATCH", fmt.Sprintf("/api/admin/users/%d", sup.ID), supTok, map[string]string{"role": "admin"}), 403, web.Forbidden)
	})
	t.Run("anonymous get 401", func(t *testing.T) {
		wantProblem(t, e.do(t, "GET", "/api/admin/users", "", nil), 401, web.Unauthorized)
		wantProblem(t, e.do(t, "PATCH", "/api/admin/users/1", "", map[string]string{}), 401, web.Unauthorized)
	})
	t.Run("list", func(t *testing.T) {
		res := e.do(t, "GET", "/api/admin/users", adminTok, nil)
		var users []accounts.User
		if err := json.Unmarshal(res.body, &users); err != nil || len(users) != 2 || users[0].Email != "ada@example.com" {
			t.Fatalf("%s %v", res.body, err)
		}
		if users[0].LastLoginAt == nil || users[0].CreatedAt.IsZero() {
			t.Errorf("times %+v", users[0])
		}
		if strings.Contains(string(res.body), "argon2") || strings.Contains(strings.ToLower(string(res.body)), "hash") {
			t.Error("password hashes in the answer")
		}
	})
	var created accounts.User
	t.Run("create", func(t *testing.T) {
		res := e.do(t, "POST", "/api/admin/users", adminTok, map[string]string{"email": "New@Example.com", "name": "New One", "role": "supervisor", "password": "new-password-1"})
		if res.code != 201 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		if err := json.Unmarshal(res.body, &created); err != nil || created.Email != "new@example.com" || created.LastLoginAt != nil || created.Disabled {
			t.Fatalf("%+v %v", created, err)
		}
		if !strings.Contains(string(res.body), `"lastLoginAt":null`) {
			t.Errorf("lastLoginAt not null: %s", res.body)
		}
		e.login(t, "new@example.com", "new-password-1")
		wantProblem(t, e.do(t, "POST", "/api/admin/users", adminTok, map[string]string{"email": "new@example.com", "name": "Again", "role": "supervisor", "password": "new-password-1"}), 409, web.Conflict)
		for name, body := range map[string]map[string]string{
			"bad role":       {"email": "a@example.com", "name": "A", "role": "root", "password": "0123456789"},
			"short password": {"email": "a@example.com", "name": "A", "role": "supervisor", "password": "short"},
			"bad email":      {"email": "nope", "name": "A", "role": "supervisor", "password": "0123456789"},
			"no name":        {"email": "a@example.com", "name": " ", "role": "supervisor", "password": "0123456789"},
			"unknown field":  {"email": "a@example.com", "name": "A", "role": "supervisor", "password": "0123456789", "admin": "yes"},
		} {
			t.Run(name, func(t *testing.T) {
				wantProblem(t, e.do(t, "POST", "/api/admin/users", adminTok, body), 400, web.BadRequest)
			})
		}
	})
	t.Run("patch", func(t *testing.T) {
		target := fmt.Sprintf("/api/admin/users/%d", created.ID)
		newTok := e.login(t, "new@example.com", "new-password-1")
		res := e.do(t, "PATCH", target, adminTok, map[string]any{"role": "admin"})
		if res.code != 200 || res.json(t)["role"] != "admin" {
			t.Fatalf("%d %s", res.code, res.body)
		}
		// Role changes apply to live sessions at once.
		if res := e.do(t, "GET", "/api/admin/users", newTok, nil); res.code != 200 {
			t.Errorf("promoted session: %d", res.code)
		}
		res = e.do(t, "PATCH", target, adminTok, map[string]any{"password": "reset-password-1"})
		if res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		wantProblem(t, e.do(t, "GET", "/api/auth/me", newTok, nil), 401, web.Unauthorized) // sessions ended
		wantProblem(t, e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "new@example.com", "password": "new-password-1"}), 401, web.InvalidLogin)
		newTok = e.login(t, "new@example.com", "reset-password-1")
		res = e.do(t, "PATCH", target, adminTok, map[string]any{"disabled": true})
		if res.code != 200 || res.json(t)["disabled"] != true {
			t.Fatalf("%d %s", res.code, res.body)
		}
		wantProblem(t, e.do(t, "GET", "/api/auth/me", newTok, nil), 401, web.Unauthorized)
		wantProblem(t, e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "new@example.com", "password": "reset-password-1"}), 401, web.InvalidLogin)
		if res := e.do(t, "PATCH", target, adminTok, map[string]any{"disabled": false}); res.code != 200 {
			t.Fatalf("enable: %d", res.code)
		}
		e.login(t, "new@example.com", "reset-password-1")

		wantProblem(t, e.do(t, "PATCH", "/api/admin/users/99999", adminTok, map[string]any{"role": "admin"}), 404, web.NotFound)
		wantProblem(t, e.do(t, "PATCH", "/api/admin/users/abc", adminTok, map[string]any{"role": "admin"}), 400, web.InvalidParameter)
		wantProblem(t, e.do(t, "PATCH", target, adminTok, map[string]any{"role": "god"}), 400, web.BadRequest)
		wantProblem(t, e.do(t, "PATCH", target, adminTok, map[string]any{"password": "short"}), 400, web.BadRequest)
		wantProblem(t, e.do(t, "PATCH", target, adminTok, map[string]any{"disabeld": true}), 400, web.BadRequest)
	})
	t.Run("last admin", func(t *testing.T) {
		// Demote the second admin, then the first cannot demote or disable themselves.
		if res := e.do(t, "PATCH", fmt.Sprintf("/api/admin/users/%d", created.ID), adminTok, map[string]any{"role": "supervisor"}); res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		self := fmt.Sprintf("/api/admin/users/%d", admin.ID)
		wantProblem(t, e.do(t, "PATCH", self, adminTok, map[string]any{"role": "supervisor"}), 409, web.Conflict)
		wantProblem(t, e.do(t, "PATCH", self, adminTok, map[string]any{"disabled": true}), 409, web.Conflict)
		if res := e.do(t, "GET", "/api/auth/me", adminTok, nil); res.code != 200 {
			t.Errorf("admin lost the session: %d", res.code)
		}
	})
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{})
	wantProblem(t, e.do(t, "GET", "/api/auth/nothing", "", nil), 404, web.NotFound)
	wantProblem(t, e.do(t, "GET", "/api/auth/login", "", nil), 405, web.MethodNotAllowed)
}

func TestLoginRatePerAddress(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{LoginRatePerIP: 2})
	for range 2 {
		e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "a@example.com", "password": "whatever-123"})
	}
	res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "b@example.com", "password": "whatever-123"})
	if res.code != 429 || res.header.Get("Retry-After") == "" {
		t.Fatalf("%d %v", res.code, res.header)
	}
}

// TestUnlock: guesses from one address lock that address only; the owner signs in
// from theirs, and an admin's unlock lets the locked address in again.
func TestUnlock(t *testing.T) {
	e := newEnv(t, accounts.Options{Throttle: accounts.ThrottlePolicy{SlowAfter: 3, LockAfter: 5, LockFor: 10 * time.Minute}}, Options{})
	admin := e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	sup := e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "super-password-1")
	from := func(addr, email, pw string) response {
		return e.doFrom(t, addr, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw})
	}
	for range 5 {
		wantProblem(t, from("203.0.113.9", "ada@example.com", "wrong-password"), 401, web.InvalidLogin)
	}
	wantProblem(t, from("203.0.113.9", "ada@example.com", "admin-password-1"), 429, web.TooManyAttempts)
	// The admin is not locked out from their own address.
	tok := e.login(t, "ada@example.com", "admin-password-1")
	supTok := e.login(t, "sam@example.com", "super-password-1")
	target := fmt.Sprintf("/api/admin/users/%d/unlock", admin.ID)
	wantProblem(t, e.do(t, "POST", target, "", nil), 401, web.Unauthorized)
	wantProblem(t, e.do(t, "POST", target, supTok, nil), 403, web.Forbidden)
	wantProblem(t, e.do(t, "POST", "/api/admin/users/99999/unlock", tok, nil), 404, web.NotFound)
	wantProblem(t, e.do(t, "POST", "/api/admin/users/x/unlock", tok, nil), 400, web.InvalidParameter)
	res := e.do(t, "POST", target, tok, nil)
	if res.code != 200 || res.json(t)["unlocked"] != true || res.json(t)["email"] != "ada@example.com" {
		t.Fatalf("unlock: %d %s", res.code, res.body)
	}
	if res := from("203.0.113.9", "ada@example.com", "admin-password-1"); res.code != 200 {
		t.Fatalf("still locked after unlock: %d %s", res.code, res.body)
	}
	if res := e.do(t, "POST", fmt.Sprintf("/api/admin/users/%d/unlock", sup.ID), tok, nil); res.code != 200 || res.json(t)["unlocked"] != false {
		t.Errorf("unlock of an account without failures: %d %s", res.code, res.body)
	}
}
