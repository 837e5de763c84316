package customerapi

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPI is the hand-maintained OpenAPI 3 document of the customer, auth and admin
// routes. The tests validate real responses against it, so it cannot drift.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPIPath is where the backend serves the document.
const OpenAPIPath = "/api/openapi.json"

// OpenAPI returns a copy of the document.
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

// OpenAPIHandler serves the document.
func OpenAPIHandler(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPI)
}
