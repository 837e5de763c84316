// Package openapitest checks HTTP answers against the backend's one OpenAPI document
// (customerapi's, which documents the admin, sign-in and operations routes too), for
// the tests of every package that serves part of it.
package openapitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/billie/supervisor/customerapi"
)

var (
	once   sync.Once
	router routers.Router
	err    error
)

// Check fails t when the answer (code, header, body) to req is not one the document
// gives for its route, or when the document has no such route.
func Check(t testing.TB, req *http.Request, code int, header http.Header, body []byte) {
	t.Helper()
	check(t, req, code, header, body, false)
}

// CheckRouted is Check that leaves a 404 or 405 to a route the document lacks alone:
// for tests that ask for routes that do not exist.
func CheckRouted(t testing.TB, req *http.Request, code int, header http.Header, body []byte) {
	t.Helper()
	check(t, req, code, header, body, true)
}

func check(t testing.TB, req *http.Request, code int, header http.Header, body []byte, unroutedOK bool) {
	t.Helper()
	once.Do(func() {
		var doc *openapi3.T
		doc, err = openapi3.NewLoader().LoadFromData(customerapi.OpenAPI())
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err != nil {
			return
		}
		doc.Servers = openapi3.Servers{{URL: "http://localhost"}}
		router, err = legacy.NewRouter(doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	route, params, ferr := router.FindRoute(req)
	if ferr != nil {
		if !unroutedOK || (code != http.StatusNotFound && code != http.StatusMethodNotAllowed) {
			t.Errorf("%s %s -> %d: not in the OpenAPI document", req.Method, req.URL.Path, code)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: code, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if verr := openapi3filter.ValidateResponse(context.Background(), out); verr != nil {
		t.Errorf("%s %s -> %d does not match the OpenAPI document: %v\n%s", req.Method, req.URL.Path, code, verr, body)
	}
}
