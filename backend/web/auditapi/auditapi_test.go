package auditapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/billie/supervisor/backend/internal/openapitest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/backend/web/auditapi"
	"github.com/billie/supervisor/backend/web/authapi"
)

type env struct {
	svc *accounts.Service
	st  *ops.Store
	h   http.Handler
}

// newEnv is the admin router with the account routes and the audit log over a real
// operations store, accounts recording to it as the backend wires them.
func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := ops.Open(context.Background(), filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := accounts.New(st, accounts.Options{Hash: accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}, Audit: st}, nil)
	if err != nil {
		t.Fatal(err)
	}
	auth := authapi.New(svc, authapi.Options{LoginRatePerIP: -1}, nil)
	adm := web.NewAdmin(svc, nil)
	auth.AdminRoutes(adm)
	auditapi.New(st, nil).AdminRoutes(adm)
	r := chi.NewRouter()
	r.Mount(authapi.Prefix, auth.AuthHandler())
	r.Mount(web.AdminPrefix, adm)
	return &env{svc: svc, st: st, h: r}
}

type response struct {
	code int
	body []byte
}

func (e *env) do(t *testing.T, method, target, token string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, "http://localhost"+target, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	validate(t, req, rec)
	return response{code: rec.Code, body: rec.Body.Bytes()}
}

func (e *env) signIn(t *testing.T, email, role, pw string) string {
	t.Helper()
	ctx := accounts.WithActor(context.Background(), "cli:test")
	if _, err := e.svc.Create(ctx, email, "Name", role, pw); err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.Login(context.Background(), email, pw, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return s.Token
}

type page struct {
	Items []struct {
		ID, At, Actor, Action, Target, Detail string
	} `json:"items"`
	NextCursor string `json:"nextCursor"`
}

func (r response) page(t *testing.T) page {
	t.Helper()
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return p
}

// Only a signed-in admin reads the log: no session 401, a supervisor 403.
func TestAuditNeedsAnAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	super := e.signIn(t, "sam@example.com", accounts.RoleSupervisor, "super-password-1")
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no session", "", http.StatusUnauthorized},
		{"unknown token", "bst_nope", http.StatusUnauthorized},
		{"supervisor", super, http.StatusForbidden},
		{"admin", admin, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, "GET", "/api/admin/audit", tc.token, nil)
			if res.code != tc.want {
				t.Fatalf("%d %s, want %d", res.code, res.body, tc.want)
			}
			if tc.want == http.StatusOK && strings.Contains(string(res.body), "super-password-1") {
				t.Error("a password is in the log")
			}
		})
	}
}

// The account changes made through the API are recorded with the admin as actor,
// and the log pages by cursor under filters.
func TestAuditRecordsAdminChangesAndPages(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	res := e.do(t, "POST", "/api/admin/users", admin, map[string]string{"email": "sam@example.com", "name": "Sam", "role": "supervisor", "password": "super-password-1"})
	if res.code != http.StatusCreated {
		t.Fatalf("create: %d %s", res.code, res.body)
	}
	var sam accounts.User
	if err := json.Unmarshal(res.body, &sam); err != nil {
		t.Fatal(err)
	}
	for _, patch := range []string{`{"disabled":true}`, `{"disabled":false}`, `{"role":"admin"}`, `{"password":"new-password-01"}`} {
		var body map[string]any
		_ = json.Unmarshal([]byte(patch), &body)
		if res := e.do(t, "PATCH", fmt.Sprintf("/api/admin/users/%d", sam.ID), admin, body); res.code != 200 {
			t.Fatalf("%s: %d %s", patch, res.code, res.body)
		}
	}
	if res := e.do(t, "POST", fmt.Sprintf("/api/admin/users/%d/unlock", sam.ID), admin, nil); res.code != 200 {
		t.Fatalf("unlock: %d %s", res.code, res.body)
	}

	p := e.do(t, "GET", "/api/admin/audit?actor=ada@example.com", admin, nil).page(t)
	var got []string
	for _, it := range p.Items {
		got = append(got, it.Action+" "+it.Target+" "+it.Detail)
		if it.Actor != "ada@example.com" || it.ID == "" || it.At == "" {
			t.Errorf("entry %+v", it)
		}
	}
	want := []string{
		"signin.unlock sam@example.com no failed sign-ins",
		"user.password sam@example.com sessions ended",
		"user.role sam@example.com role admin",
		"user.enable sam@example.com ",
		"user.disable sam@example.com ",
		"user.create sam@example.com role supervisor",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("admin's entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(string(e.do(t, "GET", "/api/admin/audit", admin, nil).body), "new-password-01") {
		t.Error("a password is in the log")
	}

	// Pages of two, every entry once, in order; the filters hold across pages.
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"limit=2", 7}, // the set-up's creation of the admin (actor cli:test) too
		{"limit=2&actor=ada@example.com", 6},
		{"limit=1&action=user.create", 2},
		{"limit=500&action=user.role&actor=ada@example.com", 1},
		{"actor=nobody", 0},
	} {
		t.Run(tc.query, func(t *testing.T) {
			seen := map[string]bool{}
			last := int64(0)
			cursor := ""
			for pages := 0; pages < 20; pages++ {
				q := "/api/admin/audit?" + tc.query
				if cursor != "" {
					q += "&cursor=" + cursor
				}
				res := e.do(t, "GET", q, admin, nil)
				if res.code != 200 {
					t.Fatalf("%s: %d %s", q, res.code, res.body)
				}
				p := res.page(t)
				for _, it := range p.Items {
					if seen[it.ID] {
						t.Fatalf("entry %s twice", it.ID)
					}
					id, err := strconv.ParseInt(it.ID, 10, 64)
					if err != nil || (last != 0 && id >= last) {
						t.Fatalf("entry %s after %d: not newest first (%v)", it.ID, last, err)
					}
					seen[it.ID], last = true, id
				}
				if cursor = p.NextCursor; cursor == "" {
					break
				}
			}
			if len(seen) != tc.n {
				t.Errorf("%d entries, want %d", len(seen), tc.n)
			}
		})
	}
}

func TestAuditRefusesBadQueries(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "cursor=abc", "cursor=-5", "actor=" + strings.Repeat("a", 300)} {
		t.Run(q[:min(len(q), 20)], func(t *testing.T) {
			if res := e.do(t, "GET", "/api/admin/audit?"+q, admin, nil); res.code != http.StatusBadRequest {
				t.Errorf("%s: %d %s, want 400", q, res.code, res.body)
			}
		})
	}
}

// validate checks a response against the backend's OpenAPI document.
func validate(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	openapitest.Check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
}
