package customerapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/backend/web"
)

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

// verify returns the customer a token speaks for. A token verified once is
// remembered (by its exact text, signature included) until it expires, so a portal
// session's repeated calls skip the JSON decoding and HMAC/RSA of a full check.
func (a *API) verify(token string) (string, error) {
	now := a.now()
	if sub, ok := a.tokens.get(token, now, a.cfg.Leeway); ok {
		return sub, nil
	}
	var claims jwt.RegisteredClaims
	if _, err := a.parser.ParseWithClaims(token, &claims, a.keyFunc); err != nil {
		return "", err
	}
	if !validID(claims.Subject) {
		return "", errors.New("token has no usable sub")
	}
	// The parser checks that iat is not in the future, not that it is there; a token
	// without it, or living longer than the cap, could outlive any rotation.
	if claims.IssuedAt == nil {
		return "", errors.New("token has no iat")
	}
	iat, limit := claims.IssuedAt.Time, a.cfg.MaxTokenLifetime
	if claims.ExpiresAt.Sub(iat) > limit {
		return "", fmt.Errorf("token lifetime %s is over the cap of %s", claims.ExpiresAt.Sub(iat), limit)
	}
	if now.Sub(iat) > limit+a.cfg.Leeway {
		return "", fmt.Errorf("token issued %s ago, over the cap of %s", now.Sub(iat), limit)
	}
	entry := verified{sub: claims.Subject, exp: claims.ExpiresAt.Time}
	if claims.NotBefore != nil {
		entry.nbf = claims.NotBefore.Time
	}
	a.tokens.put(token, entry)
	return claims.Subject, nil
}

func (a *API) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}

// tokenCache holds verified tokens: only a token that passed every check gets in,
// and it is good only inside its own nbf..exp (with the leeway the parser allows).
type tokenCache struct {
	mu  sync.RWMutex
	m   map[string]verified
	max int
}

type verified struct {
	sub      string
	nbf, exp time.Time
}

func newTokenCache(max int) *tokenCache {
	if max <= 0 {
		return &tokenCache{}
	}
	return &tokenCache{m: make(map[string]verified, max), max: max}
}

func (c *tokenCache) get(token string, now time.Time, leeway time.Duration) (string, bool) {
	if c.max == 0 {
		return "", false
	}
	c.mu.RLock()
	v, ok := c.m[token]
	c.mu.RUnlock()
	if !ok {
		return "", false
	}
	if !now.Before(v.exp.Add(leeway)) || now.Before(v.nbf.Add(-leeway)) {
		c.mu.Lock()
		delete(c.m, token)
		c.mu.Unlock()
		return "", false
	}
	return v.sub, true
}

func (c *tokenCache) put(token string, v verified) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max { // full: drop an eighth, at random (map order)
		n := c.max / 8
		for k := range c.m {
			if n--; n < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[token] = v
}

// authenticate admits requests whose token is valid and whose sub is the customer of
// the path (see the package documentation for the 401/403 policy).
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := web.Bearer(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="customer"`)
			web.WriteProblem(w, http.StatusUnauthorized, web.Unauthorized, "a Bearer token is required")
			return
		}
		sub, err := a.verify(tok)
		if err != nil {
			a.log.Debug("customer api: token refused", "reason", err.Error())
			w.Header().Set("WWW-Authenticate", `Bearer realm="customer", error="invalid_token"`)
			web.WriteProblem(w, http.StatusUnauthorized, web.Unauthorized, "the token is invalid or expired")
			return
		}
		if sub != chi.URLParam(r, "customerId") {
			web.WriteProblem(w, http.StatusForbidden, web.Forbidden, "the token does not grant access to this customer")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sub)))
	})
}
