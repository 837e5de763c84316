// Package authapi is the supervisors' accounts over HTTP: sign-in, sign-out and the
// session's user at /api/auth, and the user admin routes it adds to the admin router
// (/api/admin/users). The accounts themselves are package accounts'; errors are
// answered through package web's one mapping of error kinds.
package authapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/web"
)

// Prefix is where the backend mounts AuthHandler.
const Prefix = "/api/auth"

// Options tune the API. The zero value is the production policy.
type Options struct {
	// LoginRatePerIP is POST /api/auth/login requests per minute per client address
	// (default 60, <0: off).
	LoginRatePerIP int
}

// API serves the accounts of svc.
type API struct {
	svc *accounts.Service
	o   Options
	log *slog.Logger
}

// New is the API over svc.
func New(svc *accounts.Service, o Options, log *slog.Logger) *API {
	if o.LoginRatePerIP == 0 {
		o.LoginRatePerIP = 60
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{svc: svc, o: o, log: log}
}

// sessionUser is the user part of a session answer.
type sessionUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func sessionUserOf(u accounts.User) sessionUser {
	return sessionUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// AuthHandler serves POST /login, POST /logout and GET /me; mount it at Prefix.
func (a *API) AuthHandler() http.Handler {
	r := chi.NewRouter()
	r.Use(web.SecurityHeaders, web.Deadline(web.RequestTimeout, 0))
	r.NotFound(web.NotFoundHandler)
	r.MethodNotAllowed(web.MethodNotAllowedHandler)
	login := http.Handler(http.HandlerFunc(a.login))
	if a.o.LoginRatePerIP > 0 {
		login = httprate.Limit(a.o.LoginRatePerIP, time.Minute,
			httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return web.ClientIP(r), nil }),
			httprate.WithLimitHandler(func(w http.ResponseWriter, _ *http.Request) {
				web.WriteProblem(w, http.StatusTooManyRequests, web.RateLimited, "too many requests from this address")
			}))(login)
	}
	session := web.RequireSession(a.svc, a.log)
	r.Method(http.MethodPost, "/login", login)
	r.With(session).Post("/logout", a.logout)
	r.With(session).Get("/me", a.me)
	return r
}

// AdminRoutes adds GET/POST /users, PATCH /users/{id} and POST /users/{id}/unlock
// to the admin router.
func (a *API) AdminRoutes(adm *web.Admin) {
	adm.Handle(http.MethodGet, "/users", a.listUsers)
	adm.Handle(http.MethodPost, "/users", a.createUser)
	adm.Handle(http.MethodPatch, "/users/{id}", a.updateUser)
	adm.Handle(http.MethodPost, "/users/{id}/unlock", a.unlockUser)
}

// fail answers an accounts error. Status codes are the kinds' (package web); what
// sign-in failures say is this API's: a wrong email or password, or a lock with the
// time left.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var locked *accounts.LockedError
	switch {
	case errors.As(err, &locked):
		p := web.ProblemOf(err)
		p.Type, p.Detail, p.RetryAfter = web.TooManyAttempts, "too many failed sign-ins for this email from this address; try again later", locked.RetryAfter
		p.Write(w)
	case errors.Is(err, accounts.ErrInvalidCredentials):
		p := web.ProblemOf(err)
		p.Type, p.Detail = web.InvalidLogin, "check the email and password"
		p.Write(w)
	default:
		web.Error(w, r, a.log, err)
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
	// Ledger is the desktop's own Redis credential, able only to read the ledger
	// stream until sign-out; absent when the backend issues none.
	Ledger *ledgerCredential `json:"ledger,omitempty"`
}

type ledgerCredential struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Stream   string `json:"stream"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !web.ReadJSON(w, r, &req, false) {
		return
	}
	if strings.TrimSpace(req.Email) == "" || req.Password == "" {
		web.WriteProblem(w, http.StatusBadRequest, web.BadRequest, "email and password are required")
		return
	}
	sess, err := a.svc.Login(r.Context(), req.Email, req.Password, web.ClientIP(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("signed in", "user", sess.User.ID)
	ans := loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: sessionUserOf(sess.User)}
	if l := sess.Ledger; l != nil {
		ans.Ledger = &ledgerCredential{Username: l.Username, Password: l.Password, Stream: l.Stream}
	}
	web.WriteJSON(w, http.StatusOK, ans)
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	sess := web.SessionOf(r.Context())
	if err := a.svc.Logout(r.Context(), sess.Token); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	User      sessionUser `json:"user"`
	ExpiresAt time.Time   `json:"expiresAt"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	sess := web.SessionOf(r.Context())
	web.WriteJSON(w, http.StatusOK, meResponse{User: sessionUserOf(sess.User), ExpiresAt: sess.ExpiresAt})
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := a.svc.List(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, users)
}

type newUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	var req newUser
	if !web.ReadJSON(w, r, &req, true) {
		return
	}
	u, err := a.svc.Create(r.Context(), req.Email, req.Name, req.Role, req.Password)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("user created", "user", u.ID, "role", u.Role, "by", web.SessionOf(r.Context()).User.ID)
	web.WriteJSON(w, http.StatusCreated, u)
}

// userID is the {id} of the path; false (answered 400) when it is not one.
func userID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		web.WriteProblem(w, http.StatusBadRequest, web.InvalidParameter, "id must be a positive whole number")
		return 0, false
	}
	return id, true
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) {
	id, ok := userID(w, r)
	if !ok {
		return
	}
	var p accounts.Patch
	if !web.ReadJSON(w, r, &p, true) {
		return
	}
	u, err := a.svc.Update(r.Context(), id, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("user updated", "user", u.ID, "role", u.Role, "disabled", u.Disabled, "password_reset", p.Password != nil,
		"by", web.SessionOf(r.Context()).User.ID)
	web.WriteJSON(w, http.StatusOK, u)
}

type unlockResponse struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	// Unlocked is false when the account had no failed sign-ins to forget.
	Unlocked bool `json:"unlocked"`
}

// unlockUser forgets the account's failed sign-ins from every address.
func (a *API) unlockUser(w http.ResponseWriter, r *http.Request) {
	id, ok := userID(w, r)
	if !ok {
		return
	}
	u, unlocked, err := a.svc.UnlockUser(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("user unlocked", "user", u.ID, "had_failures", unlocked, "by", web.SessionOf(r.Context()).User.ID)
	web.WriteJSON(w, http.StatusOK, unlockResponse{ID: u.ID, Email: u.Email, Unlocked: unlocked})
}
