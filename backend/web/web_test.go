package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/errs"
)

func TestProblemOfKinds(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		typ    string
		detail string
	}{
		{errs.E(errs.Invalid, "name must be 1 to 100 characters"), 400, BadRequest, "name must be 1 to 100 characters"},
		{errs.E(errs.Op("op"), accounts.ErrNotFound), 404, NotFound, "no such user"},
		{accounts.ErrNoSession, 401, Unauthorized, "no valid session"},
		{errs.E(errs.PermissionDenied, "admins only"), 403, Forbidden, "admins only"},
		{accounts.ErrEmailTaken, 409, Conflict, "an account with this email exists"},
		{errs.E(errs.RateLimited, "slow down"), 429, RateLimited, "slow down"},
		{errs.E(errs.Unavailable, "not configured: set BILLIE_X"), 503, Unavailable, "the service is unavailable; retry later"},
		{errs.E(errs.Unavailable, errors.New("dial tcp 10.0.0.5:6379: connection refused")), 503, Unavailable, "the service is unavailable; retry later"},
		{context.DeadlineExceeded, 503, Timeout, "the request took too long"},
		{errs.E(errs.Internal, "disk on fire"), 500, Internal, ""},
		{errors.New("disk on fire"), 500, Internal, ""},
	} {
		p := ProblemOf(tc.err)
		if p.Status != tc.status || p.Type != tc.typ || p.Detail != tc.detail {
			t.Errorf("ProblemOf(%v) = %+v, want %d %s %q", tc.err, p, tc.status, tc.typ, tc.detail)
		}
	}
}

func TestError(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	req := httptest.NewRequest("GET", "/x", nil)

	rec := httptest.NewRecorder()
	Error(rec, req, log, errors.New("disk on fire"))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "fire") || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("500: %d %s; log %s", rec.Code, rec.Body, logs.String())
	}

	rec = httptest.NewRecorder()
	Error(rec, req, log, context.Canceled)
	if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		t.Errorf("answered a client that went away: %v %s", rec.Header(), rec.Body)
	}

	// A request whose deadline passed is a timeout whatever the error says.
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	rec = httptest.NewRecorder()
	Error(rec, req.WithContext(ctx), log, errors.New("interrupted"))
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 503 || p.Type != Timeout || rec.Header().Get("Retry-After") != "1" ||
		rec.Header().Get("Content-Type") != ProblemContentType {
		t.Errorf("timeout: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

type fakeSessions map[string]accounts.Session

func (f fakeSessions) Authenticate(_ context.Context, token string) (accounts.Session, error) {
	if s, ok := f[token]; ok {
		return s, nil
	}
	return accounts.Session{}, accounts.ErrNoSession
}

// TestAdminRouter: a route another package adds answers only admins, with the
// security headers, and unknown admin paths are problems too.
func TestAdminRouter(t *testing.T) {
	adm := NewAdmin(fakeSessions{
		"admin": {User: accounts.User{ID: 1, Role: accounts.RoleAdmin}},
		"sup":   {User: accounts.User{ID: 2, Role: accounts.RoleSupervisor}},
	}, nil)
	adm.Handle(http.MethodGet, "/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Deadline(); !ok {
			t.Error("no deadline on an admin request")
		}
		WriteJSON(w, http.StatusOK, map[string]any{"id": chi.URLParam(r, "id"), "by": SessionOf(r.Context()).User.ID})
	})
	root := chi.NewRouter()
	root.Mount(AdminPrefix, adm)
	for _, tc := range []struct {
		method, path, token string
		code                int
		body                string
	}{
		{"GET", "/api/admin/things/7", "admin", 200, `{"by":1,"id":"7"}`},
		{"GET", "/api/admin/things/7", "sup", 403, "admins only"},
		{"GET", "/api/admin/things/7", "", 401, "sign in first"},
		{"POST", "/api/admin/things/7", "admin", 405, MethodNotAllowed},
		{"GET", "/api/admin/nothing", "admin", 404, NotFound},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		rec := httptest.NewRecorder()
		root.ServeHTTP(rec, req)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%s %s (%s): %d %s", tc.method, tc.path, tc.token, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: no security headers: %v", tc.method, tc.path, rec.Header())
		}
		if tc.code == 401 && rec.Header().Get("WWW-Authenticate") != `Bearer realm="supervisor"` {
			t.Errorf("401 without its challenge: %v", rec.Header())
		}
	}
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc":   "abc",
		"bearer  abc ": "abc",
		"Bearer ":      "",
		"Basic abc":    "",
		"Bearer " + strings.Repeat("a", MaxTokenLen+1): "",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Authorization", h)
		if got, ok := Bearer(req); got != want || ok != (want != "") {
			t.Errorf("Bearer(%.20q) = %q, %v", h, got, ok)
		}
	}
}
