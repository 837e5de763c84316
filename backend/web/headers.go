package web

import (
	"context"
	"net/http"
	"time"
)

// SecurityHeaders sets the headers every API answer carries: no sniffing, no
// framing, no content of its own to run, no referrer, no caching.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// StrictTransport asks browsers to use HTTPS only for two years, for an API that is
// only ever reached through TLS (the customer portal's).
func StrictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=63072000")
		next.ServeHTTP(w, r)
	})
}

// Deadline bounds a request's work (its context) to work, and the reading of its
// body and writing of its answer to work+grace, whatever the server's own timeouts:
// a slow client cannot hold a handler.
func Deadline(work, grace time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			until := time.Now().Add(work + grace)
			if r.Body != nil && r.Body != http.NoBody {
				_ = rc.SetReadDeadline(until)
			}
			_ = rc.SetWriteDeadline(until)
			ctx, cancel := context.WithTimeout(r.Context(), work)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
