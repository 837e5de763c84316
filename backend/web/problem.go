// Package web is the HTTP plumbing every API of the backend shares: problem details
// (RFC 9457) with stable type URIs, the one mapping from an error's kind (package
// errs) to a status code, security headers and request deadlines, the client's
// address, JSON bodies, the session and admin middleware, and the admin router that
// is mounted once at AdminPrefix and that other packages add their routes to.
package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Problem type URIs. They are names, not links: stable identifiers that the OpenAPI
// document and docs/api.md list with their meaning. Clients branch on the type, never
// on the title or detail, which are for people.
const (
	prefix             = "urn:billie:problem:"
	BadRequest         = prefix + "bad-request"
	InvalidParameter   = prefix + "invalid-parameter"
	InvalidCursor      = prefix + "invalid-cursor"
	Unauthorized       = prefix + "unauthorized"
	Forbidden          = prefix + "forbidden"
	NotFound           = prefix + "not-found"
	MethodNotAllowed   = prefix + "method-not-allowed"
	Conflict           = prefix + "conflict"
	RateLimited        = prefix + "rate-limited"
	InvalidLogin       = prefix + "invalid-credentials"
	TooManyAttempts    = prefix + "too-many-attempts"
	UnsupportedMedia   = prefix + "unsupported-media-type"
	PayloadTooLarge    = prefix + "payload-too-large"
	Timeout            = prefix + "timeout"
	Unavailable        = prefix + "unavailable"
	Internal           = prefix + "internal"
	ProblemContentType = "application/problem+json"
)

var titles = map[string]string{
	BadRequest:       "Bad request",
	InvalidParameter: "Invalid parameter",
	InvalidCursor:    "Invalid cursor",
	Unauthorized:     "Unauthorized",
	Forbidden:        "Forbidden",
	NotFound:         "Not found",
	MethodNotAllowed: "Method not allowed",
	Conflict:         "Conflict",
	RateLimited:      "Too many requests",
	InvalidLogin:     "Wrong email or password",
	TooManyAttempts:  "Too many sign-in attempts",
	UnsupportedMedia: "Unsupported media type",
	PayloadTooLarge:  "Request body too large",
	Timeout:          "Request timed out",
	Unavailable:      "Service unavailable",
	Internal:         "Internal error",
}

// Problem is one problem details answer.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// RetryAfter is sent as the Retry-After header (whole seconds, at least 1), not in the body.
	RetryAfter time.Duration `json:"-"`
}

// WriteProblem sends a problem with the title registered for typ.
func WriteProblem(w http.ResponseWriter, status int, typ, detail string) {
	Problem{Type: typ, Title: titles[typ], Status: status, Detail: detail}.Write(w)
}

// Write sends p; an empty title is the one registered for its type, else the
// status text.
func (p Problem) Write(w http.ResponseWriter) {
	if p.Title == "" {
		p.Title = titles[p.Type]
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	body, err := json.Marshal(p)
	if err != nil { // cannot happen with these fields
		body = []byte(`{"type":"` + Internal + `","title":"Internal error","status":500}`)
	}
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		secs := int64((p.RetryAfter + time.Second - 1) / time.Second)
		h.Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// NotFoundHandler answers unknown routes.
func NotFoundHandler(w http.ResponseWriter, _ *http.Request) {
	WriteProblem(w, http.StatusNotFound, NotFound, "no such resource")
}

// MethodNotAllowedHandler answers a known route with the wrong method.
func MethodNotAllowedHandler(w http.ResponseWriter, _ *http.Request) {
	WriteProblem(w, http.StatusMethodNotAllowed, MethodNotAllowed, "")
}
