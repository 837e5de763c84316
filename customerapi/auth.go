package customerapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/customerapi/problem"
)

const maxTokenLen = 4096

type ctxKey struct{}

func customerOf(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

func (a *API) setupTokens() {
	alg := jwt.SigningMethodHS256.Alg()
	if a.cfg.PublicKey != nil {
		alg = jwt.SigningMethodRS256.Alg()
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{alg}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(a.cfg.Leeway),
	}
	if a.cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(a.cfg.Issuer))
	}
	if a.cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(a.cfg.Audience))
	}
	if a.cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(a.cfg.Now))
	}
	a.parser = jwt.NewParser(opts...)
	// The key function checks the method's identity too, not only its name: the key
	// handed back is only ever used with the one algorithm configured.
	secret, pub := a.cfg.Secret, a.cfg.PublicKey
	a.keyFunc = func(t *jwt.Token) (any, error) {
		switch {
		case secret != nil && t.Method == jwt.SigningMethodHS256:
			return secret, nil
		case pub != nil && t.Method == jwt.SigningMethodRS256:
			return pub, nil
		}
		return nil, fmt.Errorf("algorithm %v not accepted", t.Header["alg"])
	}
}

// verify returns the customer a token speaks for.
func (a *API) verify(token string) (string, error) {
	var claims jwt.RegisteredClaims
	if _, err := a.parser.ParseWithClaims(token, &claims, a.keyFunc); err != nil {
		return "", err
	}
	if !validID(claims.Subject) {
		return "", errors.New("token has no usable sub")
	}
	return claims.Subject, nil
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 8 || !strings.EqualFold(h[:7], "Bearer ") || len(h) > 7+maxTokenLen {
		return "", false
	}
	tok := strings.TrimSpace(h[7:])
	return tok, tok != ""
}

// authenticate admits requests whose token is valid and whose sub is the customer of
// the path (see the package documentation for the 401/403 policy).
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="customer"`)
			problem.Write(w, http.StatusUnauthorized, problem.Unauthorized, "a Bearer token is required")
			return
		}
		sub, err := a.verify(tok)
		if err != nil {
			a.log.Debug("customer api: token refused", "reason", err.Error())
			w.Header().Set("WWW-Authenticate", `Bearer realm="customer", error="invalid_token"`)
			problem.Write(w, http.StatusUnauthorized, problem.Unauthorized, "the token is invalid or expired")
			return
		}
		if sub != chi.URLParam(r, "customerId") {
			problem.Write(w, http.StatusForbidden, problem.Forbidden, "the token does not grant access to this customer")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sub)))
	})
}
