package sharedsettings

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/web"
)

// Path is where the backend mounts Handler.
const Path = "/api/settings/shared"

// Handler serves GET (any signed-in session) and PUT (admins only) at Path.
func Handler(svc *Service, auth web.Authenticator, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := chi.NewRouter()
	r.Use(web.SecurityHeaders, web.Deadline(web.RequestTimeout, 0))
	r.NotFound(web.NotFoundHandler)
	r.MethodNotAllowed(web.MethodNotAllowedHandler)
	r.Use(web.RequireSession(auth, log))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		s, err := svc.Get(r.Context())
		if err != nil {
			web.Error(w, r, log, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, s)
	})
	r.With(web.RequireAdmin).Put("/", func(w http.ResponseWriter, r *http.Request) {
		var in Settings
		if !web.ReadJSON(w, r, &in, true) {
			return
		}
		out, err := svc.Put(r.Context(), web.SessionOf(r.Context()).User.Email, in)
		if err != nil {
			web.Error(w, r, log, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, out)
	})
	return r
}
