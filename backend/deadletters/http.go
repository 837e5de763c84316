package deadletters

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/web"
)

// API is the admin routes over a Service.
type API struct {
	svc *Service
	log *slog.Logger
}

// NewAPI is the routes of svc.
func NewAPI(svc *Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{svc: svc, log: log}
}

// AdminRoutes adds GET /dead-letters, GET /dead-letters/{id} and POST
// /dead-letters/retry and /dead-letters/drop to the admin router.
func (a *API) AdminRoutes(adm *web.Admin) {
	adm.Handle(http.MethodGet, "/dead-letters", a.list)
	adm.Handle(http.MethodGet, "/dead-letters/{id}", a.get)
	adm.Handle(http.MethodPost, "/dead-letters/retry", a.retry)
	adm.Handle(http.MethodPost, "/dead-letters/drop", a.drop)
}

// actor is who the audit log names: the admin's email.
func actor(r *http.Request) string { return web.SessionOf(r.Context()).User.Email }

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "reason", "type", "since", "until", "cursor", "limit":
		default:
			web.WriteProblem(w, http.StatusBadRequest, web.InvalidParameter, "unknown parameter "+strconv.Quote(truncate(k, 40)))
			return
		}
	}
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			web.WriteProblem(w, http.StatusBadRequest, web.InvalidParameter, "limit: a whole number from 1 to "+strconv.Itoa(MaxLimit))
			return
		}
		limit = n
	}
	f := Filter{Reason: q.Get("reason"), Type: q.Get("type"), Since: q.Get("since"), Until: q.Get("until")}
	page, err := a.svc.List(r.Context(), f, q.Get("cursor"), limit)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, page)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	d, err := a.svc.Get(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, d)
}

func (a *API) retry(w http.ResponseWriter, r *http.Request) {
	var sel Selection
	if !web.ReadJSON(w, r, &sel, true) {
		return
	}
	rep, err := a.svc.Retry(r.Context(), actor(r), sel, nil)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	a.log.Info("dead letters retried", "retried", rep.Retried, "applied", rep.Applied, "still_dead", rep.StillDead,
		"by", web.SessionOf(r.Context()).User.ID)
	web.WriteJSON(w, http.StatusOK, rep)
}

func (a *API) drop(w http.ResponseWriter, r *http.Request) {
	var sel Selection
	if !web.ReadJSON(w, r, &sel, true) {
		return
	}
	rep, err := a.svc.Drop(r.Context(), actor(r), sel, nil)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	a.log.Info("dead letters dropped", "dropped", rep.Dropped, "by", web.SessionOf(r.Context()).User.ID)
	web.WriteJSON(w, http.StatusOK, rep)
}
