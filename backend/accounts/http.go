package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/billie/supervisor/customerapi/problem"
)

// Mount paths of the handlers.
const (
	AuthPrefix  = "/api/auth"
	AdminPrefix = "/api/admin"
	maxBody     = 64 << 10
)

// sessionUser is the user part of a session answer.
type sessionUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func sessionUserOf(u User) sessionUser {
	return sessionUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// AuthHandler serves POST /login, POST /logout and GET /me; mount it at AuthPrefix.
func (s *Service) AuthHandler() http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders)
	r.NotFound(problem.NotFoundHandler)
	r.MethodNotAllowed(problem.MethodNotAllowedHandler)
	login := http.Handler(http.HandlerFunc(s.login))
	if s.o.LoginRatePerIP > 0 {
		login = httprate.Limit(s.o.LoginRatePerIP, time.Minute,
			httprate.WithKeyFuncs(clientIP),
			httprate.WithLimitHandler(func(w http.ResponseWriter, _ *http.Request) {
				problem.Write(w, http.StatusTooManyRequests, problem.RateLimited, "too many requests from this address")
			}))(login)
	}
	r.Method(http.MethodPost, "/login", login)
	r.With(s.requireSession).Post("/logout", s.logout)
	r.With(s.requireSession).Get("/me", s.me)
	return r
}

// AdminHandler serves GET/POST /users and PATCH /users/{id} to admins; mount it at
// AdminPrefix.
func (s *Service) AdminHandler() http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders)
	r.NotFound(problem.NotFoundHandler)
	r.MethodNotAllowed(problem.MethodNotAllowedHandler)
	r.Use(s.requireSession, requireAdmin)
	r.Get("/users", s.listUsers)
	r.Post("/users", s.createUser)
	r.Patch("/users/{id}", s.updateUser)
	return r
}

func clientIP(r *http.Request) (string, error) {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return httprate.CanonicalizeIP(ip), nil
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return httprate.CanonicalizeIP(host), nil
}

// requestTimeout bounds a request: reading its body, the work, and writing the answer.
const requestTimeout = 30 * time.Second

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(requestTimeout))
		_ = rc.SetWriteDeadline(time.Now().Add(requestTimeout))
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type sessionKey struct{}

func sessionOf(ctx context.Context) Session {
	s, _ := ctx.Value(sessionKey{}).(Session)
	return s
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) < 8 || !strings.EqualFold(h[:7], "Bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

func (s *Service) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.Authenticate(r.Context(), bearer(r))
		if err != nil {
			if !errors.Is(err, ErrNoSession) {
				s.fail(w, err)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="supervisor"`)
			problem.Write(w, http.StatusUnauthorized, problem.Unauthorized, "sign in first; the session is missing, expired or ended")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	})
}

func requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionOf(r.Context()).User.Role != RoleAdmin {
			problem.Write(w, http.StatusForbidden, problem.Forbidden, "admins only")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readJSON decodes a JSON body of at most maxBody bytes; false when it answered.
func readJSON(w http.ResponseWriter, r *http.Request, v any, strict bool) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		problem.Write(w, http.StatusUnsupportedMediaType, problem.UnsupportedMedia, "send application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			problem.Write(w, http.StatusRequestEntityTooLarge, problem.PayloadTooLarge, "the body is over 64 KiB")
			return false
		}
		problem.Write(w, http.StatusBadRequest, problem.BadRequest, "the body is not the expected JSON object")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, problem.Internal, "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// fail maps an operation's error to a problem.
func (s *Service) fail(w http.ResponseWriter, err error) {
	var verr *ValidationError
	var locked *LockedError
	switch {
	case errors.As(err, &verr):
		problem.Write(w, http.StatusBadRequest, problem.BadRequest, verr.Msg)
	case errors.As(err, &locked):
		problem.WriteDetails(w, problem.Details{Type: problem.TooManyAttempts, Status: http.StatusTooManyRequests,
			Detail: "too many failed sign-ins for this email; try again later", RetryAfter: locked.RetryAfter})
	case errors.Is(err, ErrInvalidCredentials):
		problem.Write(w, http.StatusUnauthorized, problem.InvalidLogin, "check the email and password")
	case errors.Is(err, ErrNotFound):
		problem.Write(w, http.StatusNotFound, problem.NotFound, "no such user")
	case errors.Is(err, ErrEmailTaken):
		problem.Write(w, http.StatusConflict, problem.Conflict, ErrEmailTaken.Error())
	case errors.Is(err, ErrLastAdmin):
		problem.Write(w, http.StatusConflict, problem.Conflict, ErrLastAdmin.Error())
	case errors.Is(err, context.Canceled):
	default:
		s.log.Error("accounts", "err", err)
		problem.Write(w, http.StatusInternalServerError, problem.Internal, "")
	}
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	User      sessionUser `json:"user"`
}

func (s *Service) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !readJSON(w, r, &req, false) {
		return
	}
	if strings.TrimSpace(req.Email) == "" || req.Password == "" {
		problem.Write(w, http.StatusBadRequest, problem.BadRequest, "email and password are required")
		return
	}
	sess, err := s.Login(r.Context(), req.Email, req.Password)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.log.Info("signed in", "user", sess.User.ID)
	writeJSON(w, http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: sessionUserOf(sess.User)})
}

func (s *Service) logout(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	if err := s.Logout(r.Context(), sess.Token); err != nil {
		s.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	User      sessionUser `json:"user"`
	ExpiresAt time.Time   `json:"expiresAt"`
}

func (s *Service) me(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	writeJSON(w, http.StatusOK, meResponse{User: sessionUserOf(sess.User), ExpiresAt: sess.ExpiresAt})
}

func (s *Service) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.List(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, users)
}

type newUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (s *Service) createUser(w http.ResponseWriter, r *http.Request) {
	var req newUser
	if !readJSON(w, r, &req, true) {
		return
	}
	u, err := s.Create(r.Context(), req.Email, req.Name, req.Role, req.Password)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.log.Info("user created", "user", u.ID, "role", u.Role, "by", sessionOf(r.Context()).User.ID)
	writeJSON(w, http.StatusCreated, u)
}

func (s *Service) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		problem.Write(w, http.StatusBadRequest, problem.InvalidParameter, "id must be a positive whole number")
		return
	}
	var p Patch
	if !readJSON(w, r, &p, true) {
		return
	}
	u, err := s.Update(r.Context(), id, p)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.log.Info("user updated", "user", u.ID, "role", u.Role, "disabled", u.Disabled, "password_reset", p.Password != nil,
		"by", sessionOf(r.Context()).User.ID)
	writeJSON(w, http.StatusOK, u)
}
