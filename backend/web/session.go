package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/billie/supervisor/backend/accounts"
)

// MaxTokenLen bounds the token of an Authorization header Bearer accepts.
const MaxTokenLen = 4096

// Bearer is the token of the request's "Authorization: Bearer" header; false when
// there is none or it is over 4 KiB.
func Bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 8 || !strings.EqualFold(h[:7], "Bearer ") || len(h) > 7+MaxTokenLen {
		return "", false
	}
	tok := strings.TrimSpace(h[7:])
	return tok, tok != ""
}

// Authenticator finds the session a supervisor's token opens (accounts.Service).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (accounts.Session, error)
}

type sessionKey struct{}

// SessionOf is the session RequireSession admitted the request with.
func SessionOf(ctx context.Context) accounts.Session {
	s, _ := ctx.Value(sessionKey{}).(accounts.Session)
	return s
}

// RequireSession admits requests that carry the token of a live session, and
// answers the rest 401 with a WWW-Authenticate challenge.
func RequireSession(auth Authenticator, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, _ := Bearer(r)
			sess, err := auth.Authenticate(r.Context(), tok)
			if err != nil {
				if !errors.Is(err, accounts.ErrNoSession) {
					Error(w, r, log, err)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="supervisor"`)
				WriteProblem(w, http.StatusUnauthorized, Unauthorized, "sign in first; the session is missing, expired or ended")
				return
			}
			// The signed-in account is the actor of whatever the request changes.
			ctx := accounts.WithActor(context.WithValue(r.Context(), sessionKey{}, sess), sess.User.Email)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// RequireAdmin admits the requests of an admin's session (after RequireSession).
func RequireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if SessionOf(r.Context()).User.Role != accounts.RoleAdmin {
			WriteProblem(w, http.StatusForbidden, Forbidden, "admins only")
			return
		}
		next.ServeHTTP(w, r)
	})
}
