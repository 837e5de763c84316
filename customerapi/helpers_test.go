package customerapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

const (
	fixtureCustomer    = "cust-55120"
	fixtureApplication = "APP-2026-004217"
	pagerCustomer      = "cust-pager"
	pagerItems         = 7
)

var testSecret = []byte("test-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

// world is one database with the fixture conversation, a customer with many
// applications and conversations (pagination) and a few simulated customers
// (isolation), shared by the tests of this package.
type world struct {
	st        *store.Store
	reader    *store.PortalReader
	customers []string // every customer id in the database
	fixture   []map[string]string
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
	worldDir  string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "customerapi-test-")
	if err != nil {
		panic(err)
	}
	worldDir = dir
	code := m.Run()
	if theWorld != nil {
		theWorld.reader.Close()
		theWorld.st.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func getWorld(t testing.TB) *world {
	t.Helper()
	worldOnce.Do(func() { theWorld, worldErr = buildWorld(filepath.Join(worldDir, "portal.db")) })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return theWorld
}

func readFixture() ([]map[string]string, error) {
	f, err := os.Open("testdata/conversation-approved.jsonl")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var fields map[string]string
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			return nil, err
		}
		out = append(out, fields)
	}
	return out, sc.Err()
}

// pagerEntries are pagerItems conversations of one customer, each with its own
// application; pairs share a time, so ties are broken by id across page boundaries.
func pagerEntries() []map[string]string {
	var out []map[string]string
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i := range pagerItems {
		at := base.Add(time.Duration(i/2) * time.Hour).Format(time.RFC3339Nano)
		cid, aid := fmt.Sprintf("conv-pager-%d", i), fmt.Sprintf("APP-PAGER-%02d", i)
		env := func(typ, seq, dat string) map[string]string {
			return map[string]string{"agt": "broker", "typ": typ, "cid": cid, "aid": aid, "uid": pagerCustomer, "seq": seq, "tsp": at, "dat": dat}
		}
		out = append(out,
			env("conversation_started", "1", fmt.Sprintf(`{"conversation_id":%q,"application_number":%q,"customer_id":%q}`, cid, aid, pagerCustomer)),
			env("applicationDetail_changed", "2", fmt.Sprintf(`{"applicationNumber":%q,"customerId":%q,"loanAmount":%d,"loanPurpose":"Dental work"}`, aid, pagerCustomer, 300+i*50)),
			env("user_input", "3", `{"utterance":"I need help with a dental bill","rationale":"SECRET-RATIONALE-PAGER","additional_data":{"internal":"SECRET-ADDITIONAL"}}`),
			env("conversation_summary", "4", `{"conversation_purpose":"Dental work loan","conversation_facts":["x"]}`),
		)
	}
	return out
}

func buildWorld(path string) (*world, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{Relaxed: true})
	if err != nil {
		return nil, err
	}
	w := &world{st: st}
	if w.fixture, err = readFixture(); err != nil {
		return nil, err
	}
	all := append(append([]map[string]string{}, w.fixture...), pagerEntries()...)
	gen, err := simulator.New(simulator.Options{Conversations: 25, Seed: 42, Start: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC), History: 26 * time.Hour})
	if err != nil {
		return nil, err
	}
	for {
		e, ok := gen.Next()
		if !ok {
			break
		}
		all = append(all, e.Fields)
	}
	entries := make([]ledger.Entry, len(all))
	for i, f := range all {
		entries[i] = ledger.Entry{ID: fmt.Sprintf("%d-0", 1764000000000+int64(i)), Fields: f}
	}
	if _, err := st.ApplyBatch(ctx, "test", entries); err != nil {
		return nil, err
	}
	if w.customers, err = st.PortalCustomers(ctx); err != nil {
		return nil, err
	}
	if len(w.customers) < 20 {
		return nil, fmt.Errorf("only %d customers in the test world", len(w.customers))
	}
	if w.reader, err = st.PortalReader(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func hsConfig() Config {
	return Config{Secret: testSecret, Issuer: "https://portal.test", Audience: "billie-customer-api",
		RatePerIP: -1, RatePerCustomer: -1, CORSOrigins: []string{"https://portal.test"}}
}

func newTestAPI(t testing.TB, cfg Config, r Reader) http.Handler {
	t.Helper()
	if r == nil {
		r = getWorld(t).reader
	}
	a, err := New(cfg, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	root := chi.NewRouter()
	root.Mount(Prefix, a)
	root.Get(OpenAPIPath, OpenAPIHandler)
	return root
}

type claims struct {
	sub, iss, aud string
	exp           time.Duration // from now; 0: no exp
	nbf           time.Duration
	iat           time.Duration // from now; 0: a minute ago
	noIat         bool
}

func goodClaims(sub string) claims {
	return claims{sub: sub, iss: "https://portal.test", aud: "billie-customer-api", exp: time.Hour}
}

func (c claims) jwt() jwt.RegisteredClaims {
	now := time.Now()
	rc := jwt.RegisteredClaims{Subject: c.sub, Issuer: c.iss}
	if !c.noIat {
		rc.IssuedAt = jwt.NewNumericDate(now.Add(cmpOr(c.iat, -time.Minute)))
	}
	if c.aud != "" {
		rc.Audience = jwt.ClaimStrings{c.aud}
	}
	if c.exp != 0 {
		rc.ExpiresAt = jwt.NewNumericDate(now.Add(c.exp))
	}
	if c.nbf != 0 {
		rc.NotBefore = jwt.NewNumericDate(now.Add(c.nbf))
	}
	return rc
}

func hsToken(t testing.TB, c claims, key []byte) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c.jwt()).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

func rsToken(t testing.TB, c claims, key *rsa.PrivateKey) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, c.jwt()).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The OpenAPI document, loaded once; every response a test receives through do is
// validated against it.
var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func spec(t testing.TB) routers.Router {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openAPI)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("openapi document invalid: %w", err)
			return
		}
		doc.Servers = openapi3.Servers{{URL: "http://localhost"}} // the test requests' host
		specRouter, specErr = legacy.NewRouter(doc)
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specRouter
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return v
}

// do sends a request to h and validates the response against the OpenAPI document
// (the status must be documented for the operation, the body must match its schema).
func do(t testing.TB, h http.Handler, method, target, token string, hdr ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, "http://localhost"+target, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	validateResponse(t, req, res)
	return res
}

func validateResponse(t testing.TB, req *http.Request, res response) {
	t.Helper()
	route, params, err := spec(t).FindRoute(req)
	if err != nil {
		// Only an unknown path, a wrong method or a CORS preflight may be undocumented.
		if req.Method != http.MethodOptions && res.code != 404 && res.code != 405 {
			t.Errorf("%s %s -> %d: no operation in the OpenAPI document: %v", req.Method, req.URL.Path, res.code, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.code, Header: res.header,
		Body: io.NopCloser(bytes.NewReader(res.body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s -> %d does not match the OpenAPI document: %v\n%s", req.Method, req.URL.Path, res.code, err, res.body)
	}
}

func wantProblem(t testing.TB, res response, code int, typ string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("status %d, want %d: %s", res.code, code, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := res.json(t)
	if p["type"] != typ || p["status"] != float64(code) {
		t.Errorf("problem %v, want type %s status %d", p, typ, code)
	}
}

func path(customer, rest string) string { return Prefix + "/" + customer + rest }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
