// Package auditapi serves the audit log to admins: GET /api/admin/audit, added to the
// admin router, filtered by actor and action and paged by cursor, newest first. The
// log itself is the operations store's (package ops); nothing here writes to it.
package auditapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
)

// Log reads the audit log (*ops.Store is one).
type Log interface {
	Audit(ctx context.Context, f ops.AuditFilter) ([]ops.AuditEntry, string, error)
}

// maxFilterLen bounds the actor and action filters (an email is at most 254).
const maxFilterLen = 256

// API serves the audit log.
type API struct {
	log    Log
	logger *slog.Logger
}

// New is the API over log.
func New(log Log, logger *slog.Logger) *API {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &API{log: log, logger: logger}
}

// AdminRoutes adds GET /audit to the admin router.
func (a *API) AdminRoutes(adm *web.Admin) {
	adm.Handle(http.MethodGet, "/audit", a.list)
}

// page is the answer of GET /audit; nextCursor is empty after the last page.
type page struct {
	Items      []ops.AuditEntry `json:"items"`
	NextCursor string           `json:"nextCursor"`
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	const op errs.Op = "auditapi.list"
	f, err := filterOf(r)
	if err != nil {
		web.Error(w, r, a.logger, errs.E(op, err))
		return
	}
	items, next, err := a.log.Audit(r.Context(), f)
	if errors.Is(err, ops.ErrBadCursor) {
		err = errs.E(errs.Invalid, "cursor: not one this API gave")
	}
	if err != nil {
		web.Error(w, r, a.logger, errs.E(op, err))
		return
	}
	web.WriteJSON(w, http.StatusOK, page{Items: items, NextCursor: next})
}

// filterOf reads actor, action, cursor and limit from the query.
func filterOf(r *http.Request) (ops.AuditFilter, error) {
	q := r.URL.Query()
	f := ops.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Cursor: q.Get("cursor")}
	for name, v := range map[string]string{"actor": f.Actor, "action": f.Action, "cursor": f.Cursor} {
		if len(v) > maxFilterLen || !utf8.ValidString(v) {
			return f, errs.E(errs.Invalid, name+": at most 256 characters of UTF-8")
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ops.MaxAuditPage {
			return f, errs.E(errs.Invalid, "limit: a whole number from 1 to "+strconv.Itoa(ops.MaxAuditPage))
		}
		f.Limit = n
	}
	return f, nil
}
