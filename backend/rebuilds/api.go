package rebuilds

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/web"
)

// OpsActor is the actor of jobs started through the operations listener (the CLI
// asking a running backend): that listener has no sessions.
const OpsActor = "ops-listener"

// API serves the jobs over HTTP.
type API struct {
	r   *Runner
	log *slog.Logger
}

// NewAPI is the jobs' HTTP API over r.
func NewAPI(r *Runner, log *slog.Logger) *API { return &API{r: r, log: log} }

// AdminRoutes adds the admin routes: POST /rebuilds (202 with the job; 409 while one
// runs), GET /rebuilds, GET /rebuilds/{id}, DELETE /rebuilds/{id} (cancel).
func (a *API) AdminRoutes(adm *web.Admin) {
	adm.Handle(http.MethodPost, "/rebuilds", a.start(func(r *http.Request) string { return web.SessionOf(r.Context()).User.Email }))
	adm.Handle(http.MethodGet, "/rebuilds", a.list)
	adm.Handle(http.MethodGet, "/rebuilds/{id}", a.one)
	adm.Handle(http.MethodDelete, "/rebuilds/{id}", a.cancel(func(r *http.Request) string { return web.SessionOf(r.Context()).User.Email }))
}

// OpsRoutes adds the same routes, without sessions, to the operations listener, for
// `backend rebuild` and `backend replay` asking a running backend. r must guard them:
// the backend's listener takes only loopback requests with its operations token.
func (a *API) OpsRoutes(r chi.Router) {
	ops := func(*http.Request) string { return OpsActor }
	r.Post("/rebuilds", a.start(ops))
	r.Get("/rebuilds", a.list)
	r.Get("/rebuilds/{id}", a.one)
	r.Delete("/rebuilds/{id}", a.cancel(ops))
}

func (a *API) start(actor func(*http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Request
		if !web.ReadJSON(w, r, &req, true) {
			return
		}
		j, err := a.r.Start(r.Context(), actor(r), req)
		if err != nil {
			web.Error(w, r, a.log, err)
			return
		}
		web.WriteJSON(w, http.StatusAccepted, j)
	}
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	jobs, err := a.r.Jobs(r.Context())
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	if jobs == nil {
		jobs = []Job{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": jobs})
}

func (a *API) one(w http.ResponseWriter, r *http.Request) {
	j, err := a.r.Job(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, j)
}

func (a *API) cancel(actor func(*http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j, err := a.r.Cancel(r.Context(), actor(r), chi.URLParam(r, "id"))
		if err != nil {
			web.Error(w, r, a.log, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, j)
	}
}
