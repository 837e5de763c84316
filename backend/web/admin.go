package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// AdminPrefix is where the backend mounts the Admin router, once.
const AdminPrefix = "/api/admin"

// RequestTimeout bounds a supervisor API request: reading its body, the work, and
// writing the answer.
const RequestTimeout = 30 * time.Second

// Admin is the admin API: every route added to it answers only a signed-in admin
// (401 without a session, 403 for a supervisor), with the security headers and
// deadline of the supervisor APIs. Packages add their routes with Handle; the
// backend mounts it at AdminPrefix.
type Admin struct {
	r chi.Router
}

// NewAdmin is an Admin router whose sessions auth checks.
func NewAdmin(auth Authenticator, log *slog.Logger) *Admin {
	r := chi.NewRouter()
	r.Use(SecurityHeaders, Deadline(RequestTimeout, 0))
	r.NotFound(NotFoundHandler)
	r.MethodNotAllowed(MethodNotAllowedHandler)
	r.Use(RequireSession(auth, log), RequireAdmin)
	return &Admin{r: r}
}

// Handle adds the route method pattern (below AdminPrefix, e.g. "/users/{id}").
func (a *Admin) Handle(method, pattern string, h http.HandlerFunc) {
	a.r.Method(method, pattern, h)
}

// ServeHTTP serves the routes below AdminPrefix.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.r.ServeHTTP(w, r) }
