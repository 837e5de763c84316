package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/errs"
)

// statuses is the one mapping from an error's kind to its answer. A kind missing
// here (errs.Other, errs.Internal) is a fault of ours: 500, logged, with no detail.
var statuses = map[errs.Kind]struct {
	status int
	typ    string
}{
	errs.Invalid:          {http.StatusBadRequest, BadRequest},
	errs.NotFound:         {http.StatusNotFound, NotFound},
	errs.Unauthenticated:  {http.StatusUnauthorized, Unauthorized},
	errs.PermissionDenied: {http.StatusForbidden, Forbidden},
	errs.Conflict:         {http.StatusConflict, Conflict},
	errs.RateLimited:      {http.StatusTooManyRequests, RateLimited},
	errs.Unavailable:      {http.StatusServiceUnavailable, Unavailable},
	errs.Timeout:          {http.StatusServiceUnavailable, Timeout},
}

// ProblemOf is the answer to err: its status and type from err's kind, with err's
// message (errs.Message) as the detail for a kind the client can act on. A timeout
// says so and asks for a retry after a second; an unavailable dependency says only
// that (why is the server's: a host, a setting), with a Retry-After when the error
// knows one (an open circuit breaker); anything else is a 500 without
// detail, since its text is ours, not the client's.
func ProblemOf(err error) Problem {
	k := errs.KindOf(err)
	s, ok := statuses[k]
	switch {
	case k == errs.Timeout:
		return Problem{Type: s.typ, Status: s.status, Detail: "the request took too long", RetryAfter: time.Second}
	case k == errs.Unavailable:
		p := Problem{Type: s.typ, Status: s.status, Detail: "the service is unavailable; retry later"}
		// An open circuit breaker knows when it lets a call through again.
		var ra interface{ RetryAfter() time.Duration }
		if errors.As(err, &ra) {
			p.RetryAfter = ra.RetryAfter()
		}
		return p
	case !ok:
		return Problem{Type: Internal, Status: http.StatusInternalServerError}
	}
	return Problem{Type: s.typ, Status: s.status, Detail: errs.Message(err)}
}

// Error answers err with ProblemOf(err); nothing when the client went away. A 500
// is logged with the route pattern (never the path, which can hold customer ids).
// A request whose own deadline passed is a timeout whatever err says: the database
// reports an interrupted query in its own words.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		err = errs.E(errs.Timeout, err)
	}
	if errs.KindOf(err) == errs.Canceled {
		return
	}
	p := ProblemOf(err)
	if p.Status == http.StatusInternalServerError && log != nil {
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		log.Error("request failed", "route", route, "err", err)
	}
	p.Write(w)
}
