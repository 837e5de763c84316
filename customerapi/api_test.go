package customerapi

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
)

func TestHappyPaths(t *testing.T) {
	h := newTestAPI(t, hsConfig(), nil)
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)

	t.Run("applications", func(t *testing.T) {
		res := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok)
		if res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		var page struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"nextCursor"`
		}
		if err := json.Unmarshal(res.body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.NextCursor != nil {
			t.Fatalf("page %+v", page)
		}
		app := page.Items[0]
		for k, want := range map[string]any{"applicationId": fixtureApplication, "customerId": fixtureCustomer, "status": "approved",
			"hasOutstandingRequirements": false} {
			if app[k] != want {
				t.Errorf("%s = %v, want %v", k, app[k], want)
			}
		}
		if app["loanAmount"] == nil || app["progressPercentage"] == nil || app["requiredDocuments"] == nil {
			t.Errorf("denormalised fields missing: %v", app)
		}
	})
	t.Run("application", func(t *testing.T) {
		res := do(t, h, "GET", path(fixtureCustomer, "/application/"+fixtureApplication), tok)
		if res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		if app := res.json(t); app["applicationId"] != fixtureApplication || app["status"] != "approved" {
			t.Errorf("application %v", app)
		}
	})
	t.Run("conversations", func(t *testing.T) {
		res := do(t, h, "GET", path(fixtureCustomer, "/conversations"), tok)
		if res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		items := res.json(t)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("items %v", items)
		}
		c := items[0].(map[string]any)
		if c["conversationId"] != "conv-7f3a91" || c["status"] != "completed" || c["purpose"] == "" || c["lastMessage"] == "" {
			t.Errorf("conversation %v", c)
		}
	})
	for _, tc := range []struct {
		q          string
		apps, conv int
	}{
		{"APP-2026-004217", 1, 1},
		{"app-2026", 1, 1}, // case-insensitive
		{"approved", 1, 0},
		{"completed", 0, 1},
		{"100%", 0, 0}, // LIKE wildcards are literal
		{"_", 0, 0},
		{"nothing like this", 0, 0},
	} {
		t.Run("search "+tc.q, func(t *testing.T) {
			res := do(t, h, "GET", path(fixtureCustomer, "/search?q="+url.QueryEscape(tc.q)), tok)
			if res.code != 200 {
				t.Fatalf("%d %s", res.code, res.body)
			}
			v := res.json(t)
			if a, c := len(v["applications"].([]any)), len(v["conversations"].([]any)); a != tc.apps || c != tc.conv {
				t.Errorf("q=%q: %d applications, %d conversations; want %d, %d", tc.q, a, c, tc.apps, tc.conv)
			}
		})
	}
	t.Run("search purpose and last message", func(t *testing.T) {
		conv := do(t, h, "GET", path(fixtureCustomer, "/conversations"), tok).json(t)["items"].([]any)[0].(map[string]any)
		for _, field := range []string{"purpose", "lastMessage"} {
			words := strings.Fields(conv[field].(string))
			q := words[len(words)/2]
			v := do(t, h, "GET", path(fixtureCustomer, "/search?q="+url.QueryEscape(q)), tok).json(t)
			if len(v["conversations"].([]any)) != 1 {
				t.Errorf("searching a word of the %s (%q) found %v", field, q, v)
			}
		}
	})
	t.Run("security headers", func(t *testing.T) {
		res := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok)
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Cache-Control": "no-store", "Content-Type": "application/json", "Referrer-Policy": "no-referrer"} {
			if got := res.header.Get(k); got != v {
				t.Errorf("%s: %q, want %q", k, got, v)
			}
		}
		if res.header.Get("Content-Security-Policy") == "" {
			t.Error("no Content-Security-Policy")
		}
	})
	t.Run("openapi", func(t *testing.T) {
		res := do(t, h, "GET", OpenAPIPath, "")
		if res.code != 200 || !json.Valid(res.body) {
			t.Fatalf("%d", res.code)
		}
	})
}

func TestUnauthorized(t *testing.T) {
	w := getWorld(t)
	key := testRSAKey(t)
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hs := newTestAPI(t, hsConfig(), w.reader)
	rsCfg := hsConfig()
	rsCfg.Secret, rsCfg.PublicKey = nil, &key.PublicKey
	rs := newTestAPI(t, rsCfg, w.reader)

	good := goodClaims(fixtureCustomer)
	noneTok, err := jwt.NewWithClaims(jwt.SigningMethodNone, good.jwt()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(*claims)) claims { c := good; f(&c); return c }
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, good.jwt()).SignedString(testSecret)

	for _, tc := range []struct {
		name   string
		h      http.Handler
		header string // the whole Authorization header
	}{
		{"no header", hs, ""},
		{"basic scheme", hs, "Basic Zm9vOmJhcg=="},
		{"empty bearer", hs, "Bearer "},
		{"garbage", hs, "Bearer not.a.jwt"},
		{"alg none", hs, "Bearer " + noneTok},
		{"alg none to RS256", rs, "Bearer " + noneTok},
		{"RS256 token to HS256 config", hs, "Bearer " + rsToken(t, good, key)},
		{"HS256 token to RS256 config", rs, "Bearer " + hsToken(t, good, testSecret)},
		{"HS256 signed with the public key PEM", rs, "Bearer " + hsToken(t, good, pubPEM)},
		{"HS256 signed with the public key DER", rs, "Bearer " + hsToken(t, good, pubDER)},
		{"HS384", hs, "Bearer " + hs384},
		{"wrong secret", hs, "Bearer " + hsToken(t, good, []byte("another-secret-0123456789-abcdefghijklmnop"))},
		{"expired", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.exp = -2 * time.Minute }), testSecret)},
		{"expired RS256", rs, "Bearer " + rsToken(t, with(func(c *claims) { c.exp = -2 * time.Minute }), key)},
		{"no exp", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.exp = 0 }), testSecret)},
		{"not yet valid", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.nbf = 10 * time.Minute }), testSecret)},
		{"wrong issuer", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.iss = "https://evil.test" }), testSecret)},
		{"no issuer", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.iss = "" }), testSecret)},
		{"wrong audience", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.aud = "someone-else" }), testSecret)},
		{"no audience", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.aud = "" }), testSecret)},
		{"no sub", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.sub = "" }), testSecret)},
		{"no iat", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.noIat = true }), testSecret)},
		{"no iat RS256", rs, "Bearer " + rsToken(t, with(func(c *claims) { c.noIat = true }), key)},
		{"lifetime over 12 h", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.exp = 12 * time.Hour }), testSecret)},
		{"issued 13 h ago", hs, "Bearer " + hsToken(t, with(func(c *claims) { c.iat, c.exp = -13*time.Hour, time.Hour }), testSecret)},
		{"a year long", rs, "Bearer " + rsToken(t, with(func(c *claims) { c.iat, c.exp = -time.Second, 365*24*time.Hour }), key)},
		{"oversized", hs, "Bearer " + strings.Repeat("a", web.MaxTokenLen+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range []string{"/applications", "/application/" + fixtureApplication, "/conversations", "/search?q=app"} {
				var hdr []string
				if tc.header != "" {
					hdr = []string{"Authorization", tc.header}
				}
				res := do(t, tc.h, "GET", path(fixtureCustomer, p), "", hdr...)
				wantProblem(t, res, 401, web.Unauthorized)
				if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
				}
				if strings.Contains(string(res.body), fixtureApplication) {
					t.Errorf("401 body mentions data: %s", res.body)
				}
			}
		})
	}
	t.Run("RS256 accepted", func(t *testing.T) {
		if res := do(t, rs, "GET", path(fixtureCustomer, "/applications"), rsToken(t, good, key)); res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
	})
	// Reading it from the environment is the backend's (TestCustomerConfigFromEnv).
	t.Run("RS256 key from PEM", func(t *testing.T) {
		pub, err := ParseRSAPublicKeyPEM(pubPEM)
		if err != nil || pub == nil || !pub.Equal(&key.PublicKey) {
			t.Fatalf("key %v, %v", pub, err)
		}
	})
}

func TestForbiddenOtherCustomer(t *testing.T) {
	w := getWorld(t)
	h := newTestAPI(t, hsConfig(), w.reader)
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
	other := w.customers[0]
	if other == fixtureCustomer {
		other = w.customers[1]
	}
	for _, victim := range []string{other, pagerCustomer, "cust-does-not-exist"} {
		for _, p := range []string{"/applications", "/application/APP-PAGER-01", "/conversations", "/search?q=a"} {
			res := do(t, h, "GET", path(victim, p), tok)
			wantProblem(t, res, 403, web.Forbidden)
			if strings.Contains(string(res.body), "APP-") {
				t.Errorf("403 body mentions data: %s", res.body)
			}
		}
	}
}

func TestNotFound(t *testing.T) {
	w := getWorld(t)
	h := newTestAPI(t, hsConfig(), w.reader)
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
	// Unknown, and another customer's: the same answer.
	for _, id := range []string{"APP-0000-000000", "APP-PAGER-01"} {
		wantProblem(t, do(t, h, "GET", path(fixtureCustomer, "/application/"+id), tok), 404, web.NotFound)
	}
	wantProblem(t, do(t, h, "GET", path(fixtureCustomer, "/nothing"), tok), 404, web.NotFound)
	wantProblem(t, do(t, h, "GET", path(fixtureCustomer, "/nothing"), ""), 404, web.NotFound)
	wantProblem(t, do(t, h, "POST", path(fixtureCustomer, "/applications"), tok), 405, web.MethodNotAllowed)
}

type pageOf struct {
	Items      []map[string]any `json:"items"`
	NextCursor *string          `json:"nextCursor"`
}

func walk(t *testing.T, h http.Handler, tok, list string, limit int) (ids []string, pages int) {
	t.Helper()
	idKey := map[string]string{"applications": "applicationId", "conversations": "conversationId"}[list]
	target := path(pagerCustomer, fmt.Sprintf("/%s?limit=%d", list, limit))
	for pages = 1; ; pages++ {
		res := do(t, h, "GET", target, tok)
		if res.code != 200 {
			t.Fatalf("%s: %d %s", target, res.code, res.body)
		}
		var p pageOf
		if err := json.Unmarshal(res.body, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > limit {
			t.Fatalf("page of %d items with limit %d", len(p.Items), limit)
		}
		for _, it := range p.Items {
			ids = append(ids, it[idKey].(string))
		}
		if p.NextCursor == nil {
			return ids, pages
		}
		if pages > 20 {
			t.Fatal("cursor walk does not end")
		}
		target = path(pagerCustomer, fmt.Sprintf("/%s?limit=%d&cursor=%s", list, limit, url.QueryEscape(*p.NextCursor)))
	}
}

func TestPaginationWalk(t *testing.T) {
	h := newTestAPI(t, hsConfig(), nil)
	tok := hsToken(t, goodClaims(pagerCustomer), testSecret)
	for _, list := range []string{"applications", "conversations"} {
		for _, limit := range []int{1, 2, 3, 7, 100} {
			t.Run(fmt.Sprintf("%s by %d", list, limit), func(t *testing.T) {
				ids, pages := walk(t, h, tok, list, limit)
				if len(ids) != pagerItems {
					t.Fatalf("walked %d items, want %d: %v", len(ids), pagerItems, ids)
				}
				if want := (pagerItems + limit - 1) / limit; pages != want {
					t.Errorf("%d pages, want %d", pages, want)
				}
				// Newest first, ties by id ascending: pairs (0,1), (2,3), (4,5) share a time.
				want := []string{"6", "4", "5", "2", "3", "0", "1"}
				for i, id := range ids {
					if !strings.HasSuffix(id, want[i]) {
						t.Fatalf("order %v, want suffixes %v", ids, want)
					}
				}
			})
		}
	}
}

func TestBadCursor(t *testing.T) {
	h := newTestAPI(t, hsConfig(), nil)
	tok := hsToken(t, goodClaims(pagerCustomer), testSecret)
	var p pageOf
	if err := json.Unmarshal(do(t, h, "GET", path(pagerCustomer, "/applications?limit=2"), tok).body, &p); err != nil || p.NextCursor == nil {
		t.Fatalf("no cursor: %v", err)
	}
	good := *p.NextCursor
	flipped := []byte(good)
	flipped[len(flipped)/2] ^= 1
	if flipped[len(flipped)/2] == '-'^1 || flipped[len(flipped)/2] == '_'^1 {
		flipped[len(flipped)/2] = 'A'
	}
	a, _ := New(hsConfig(), getWorld(t).reader, nil)
	otherCustomers := a.cursors.encode(kindApplications, fixtureCustomer, store.PortalPosition{Key: 1, ID: "APP-PAGER-03"})
	forged := cursorCodec{key: []byte("guess")}.encode(kindApplications, pagerCustomer, store.PortalPosition{Key: 1, ID: "x"})
	for name, cur := range map[string]string{
		"flipped":              string(flipped),
		"truncated":            good[:len(good)-3],
		"extended":             good + "AA",
		"not base64":           "!!!!",
		"empty payload":        "AA",
		"from the other list":  "conv",
		"for another customer": otherCustomers,
		"wrong key":            forged,
		"huge":                 strings.Repeat("A", maxCursorLen+1),
	} {
		t.Run(name, func(t *testing.T) {
			list := "/applications"
			if name == "from the other list" {
				list, cur = "/conversations", good
			}
			wantProblem(t, do(t, h, "GET", path(pagerCustomer, list+"?cursor="+url.QueryEscape(cur)), tok), 400, web.InvalidCursor)
		})
	}
}

func TestBadParameters(t *testing.T) {
	h := newTestAPI(t, hsConfig(), nil)
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
	for _, p := range []string{
		"/applications?limit=0", "/applications?limit=101", "/applications?limit=x", "/conversations?limit=-1",
		"/search", "/search?q=", "/search?q=%20%20", "/search?q=" + strings.Repeat("x", maxSearchRunes+1),
		"/search?q=a&limit=51", "/search?q=a&limit=0",
		"/applications?pad=" + strings.Repeat("x", maxQueryLen),
		"/application/" + strings.Repeat("A", maxIDLen+1),
	} {
		t.Run(p[:min(len(p), 40)], func(t *testing.T) {
			wantProblem(t, do(t, h, "GET", path(fixtureCustomer, p), tok), 400, web.InvalidParameter)
		})
	}
	if res := do(t, h, "GET", path(fixtureCustomer, "/search?q="+strings.Repeat("é", maxSearchRunes)), tok); res.code != 200 {
		t.Errorf("q of %d runes: %d", maxSearchRunes, res.code)
	}
}

// internalKeys must never appear as a key anywhere in a customer-API answer.
var internalKeys = []string{
	"rationale", "r", "additional_data", "additionalData", "d", "assessments", "assessment", "noticeboard",
	"events", "rawEvents", "raw", "fields", "dat", "facts", "decisionReason", "detail", "profile", "documents",
	"tax_file_number", "taxFileNumber", "australian_tax_residency_flag", "tax_exemption_code",
	"foreign_tax_identifier", "tax_country", "identityRisk", "serviceability", "fraudCheck", "applied",
}

// TestNoInternalFields walks every endpoint's JSON for the fixture customer (and the
// pager customer) and fails on any internal field, any internal text of the fixture
// (rationales, additional data, noticeboard posts, assessments, tax fields) and any
// other customer's id.
func TestNoInternalFields(t *testing.T) {
	w := getWorld(t)
	h := newTestAPI(t, hsConfig(), w.reader)
	secrets := internalTexts(t, w.fixture)
	secrets = append(secrets, "SECRET-RATIONALE-PAGER", "SECRET-ADDITIONAL")
	if len(secrets) < 10 {
		t.Fatalf("only %d internal texts found in the fixture", len(secrets))
	}
	for _, cust := range []string{fixtureCustomer, pagerCustomer} {
		tok := hsToken(t, goodClaims(cust), testSecret)
		var bodies [][]byte
		get := func(p string) response {
			res := do(t, h, "GET", path(cust, p), tok)
			if res.code != 200 {
				t.Fatalf("%s: %d %s", p, res.code, res.body)
			}
			bodies = append(bodies, res.body)
			return res
		}
		var appIDs []string
		for _, list := range []string{"/applications", "/conversations"} {
			next := list + "?limit=2"
			for next != "" {
				var p pageOf
				if err := json.Unmarshal(get(next).body, &p); err != nil {
					t.Fatal(err)
				}
				for _, it := range p.Items {
					if id, ok := it["applicationId"].(string); ok && list == "/applications" {
						appIDs = append(appIDs, id)
					}
				}
				next = ""
				if p.NextCursor != nil {
					next = list + "?limit=2&cursor=" + url.QueryEscape(*p.NextCursor)
				}
			}
		}
		if len(appIDs) == 0 {
			t.Fatalf("%s has no applications", cust)
		}
		for _, id := range appIDs {
			get("/application/" + url.PathEscape(id))
		}
		for _, q := range []string{"a", "e", "APP", "active", "completed", "approved", "loan", "car", "dental", "the"} {
			get("/search?limit=50&q=" + url.QueryEscape(q))
		}
		for _, body := range bodies {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			checkKeys(t, v, "$")
			for _, s := range secrets {
				if strings.Contains(string(body), s) {
					t.Errorf("%s: answer contains internal text %q", cust, s)
				}
			}
			for _, other := range w.customers {
				if other != cust && strings.Contains(string(body), other) {
					t.Errorf("%s: answer contains another customer's id %q", cust, other)
				}
			}
		}
	}
}

func checkKeys(t *testing.T, v any, at string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if contains(internalKeys, k) || strings.Contains(strings.ToLower(k), "tax") {
				t.Errorf("internal field %s.%s in a customer answer", at, k)
			}
			checkKeys(t, x, at+"."+k)
		}
	case []any:
		for i, x := range v {
			checkKeys(t, x, fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// internalTexts are the fixture's strings that only supervisors may see.
func internalTexts(t *testing.T, fixture []map[string]string) []string {
	var out []string
	add := func(v any) {
		var walkV func(any)
		walkV = func(v any) {
			switch v := v.(type) {
			case string:
				// Not a short word, a time, or an id the portal shows anyway.
				if len(v) >= 6 && !strings.HasPrefix(v, "20") && v != fixtureCustomer && v != fixtureApplication && v != "conv-7f3a91" {
					out = append(out, v)
				}
			case map[string]any:
				for _, x := range v {
					walkV(x)
				}
			case []any:
				for _, x := range v {
					walkV(x)
				}
			}
		}
		walkV(v)
	}
	for _, f := range fixture {
		var dat map[string]any
		if err := json.Unmarshal([]byte(f["dat"]), &dat); err != nil {
			continue
		}
		switch typ := f["typ"]; {
		case typ == "noticeboard_updated" || strings.HasSuffix(typ, "_assessment") || strings.HasSuffix(typ, "_results"):
			for k, v := range dat {
				if k != "application_number" && k != "customer_id" && k != "conversation_id" && k != "agent_name" {
					add(v)
				}
			}
		default:
			for _, k := range []string{"r", "rationale", "d", "additional_data", "tax_file_number", "reason"} {
				add(dat[k])
			}
			if c, ok := dat["customer"].(map[string]any); ok {
				add(c["tax_file_number"])
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestRateLimits(t *testing.T) {
	w := getWorld(t)
	t.Run("per customer", func(t *testing.T) {
		cfg := hsConfig()
		cfg.RatePerCustomer = 3
		h := newTestAPI(t, cfg, w.reader)
		tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
		for i := range 3 {
			if res := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok); res.code != 200 {
				t.Fatalf("request %d: %d", i, res.code)
			}
		}
		res := do(t, h, "GET", path(fixtureCustomer, "/conversations"), tok)
		wantProblem(t, res, 429, web.RateLimited)
		if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("Retry-After %q", ra)
		}
		// Another customer has a budget of their own.
		if res := do(t, h, "GET", path(pagerCustomer, "/applications"), hsToken(t, goodClaims(pagerCustomer), testSecret)); res.code != 200 {
			t.Errorf("other customer: %d", res.code)
		}
	})
	t.Run("per address, before authentication", func(t *testing.T) {
		cfg := hsConfig()
		cfg.RatePerIP = 2
		h := newTestAPI(t, cfg, w.reader)
		for range 2 {
			do(t, h, "GET", path(fixtureCustomer, "/applications"), "")
		}
		res := do(t, h, "GET", path(fixtureCustomer, "/applications"), hsToken(t, goodClaims(fixtureCustomer), testSecret))
		wantProblem(t, res, 429, web.RateLimited)
		if res.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

func TestCORS(t *testing.T) {
	h := newTestAPI(t, hsConfig(), nil)
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
	pre := do(t, h, "OPTIONS", path(fixtureCustomer, "/applications"), "",
		"Origin", "https://portal.test", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	if pre.code != 204 || pre.header.Get("Access-Control-Allow-Origin") != "https://portal.test" ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", pre.code, pre.header)
	}
	bad := do(t, h, "OPTIONS", path(fixtureCustomer, "/applications"), "",
		"Origin", "https://evil.test", "Access-Control-Request-Method", "GET")
	if bad.code != 403 || bad.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", bad.code, bad.header)
	}
	get := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok, "Origin", "https://portal.test")
	if get.code != 200 || get.header.Get("Access-Control-Allow-Origin") != "https://portal.test" || get.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("GET: %d %v", get.code, get.header)
	}
	if get := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok, "Origin", "https://evil.test"); get.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from another origin allowed: %v", get.header)
	}
}

// slowReader blocks until the request's deadline.
type slowReader struct{ Reader }

func (slowReader) Applications(ctx context.Context, _ string, _ *store.PortalPosition, _ int) ([]store.PortalRow, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

type brokenReader struct{ Reader }

func (brokenReader) Conversations(context.Context, string, *store.PortalPosition, int) ([]store.PortalRow, error) {
	return nil, errors.New("disk on fire")
}

func TestTimeoutAndErrors(t *testing.T) {
	cfg := hsConfig()
	cfg.Timeout = 50 * time.Millisecond
	h := newTestAPI(t, cfg, slowReader{getWorld(t).reader})
	tok := hsToken(t, goodClaims(fixtureCustomer), testSecret)
	start := time.Now()
	res := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok)
	wantProblem(t, res, 503, web.Timeout)
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("timeout took %s", el)
	}
	h = newTestAPI(t, hsConfig(), brokenReader{getWorld(t).reader})
	res = do(t, h, "GET", path(fixtureCustomer, "/conversations"), tok)
	wantProblem(t, res, 500, web.Internal)
	if strings.Contains(string(res.body), "fire") {
		t.Error("500 body reveals the error")
	}
}

func TestRefusesToRunWithoutKey(t *testing.T) {
	key := testRSAKey(t)
	for name, cfg := range map[string]Config{
		"nothing":      {},
		"short secret": {Secret: []byte("short")},
		"both":         {Secret: testSecret, PublicKey: &key.PublicKey},
		"bad origin":   {Secret: testSecret, CORSOrigins: []string{"portal.test"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg, getWorld(t).reader, nil); err == nil {
				t.Fatal("New accepted the configuration")
			}
		})
	}
	_, err := New(Config{}, getWorld(t).reader, nil)
	if !strings.Contains(err.Error(), EnvSecret) || !strings.Contains(err.Error(), EnvPublicKey) {
		t.Errorf("reason does not say what to set: %v", err)
	}
	root := chi.NewRouter()
	root.Mount(Prefix, Unavailable())
	res := do(t, root, "GET", path(fixtureCustomer, "/applications"), "")
	wantProblem(t, res, 503, web.Unavailable)
	if strings.Contains(string(res.body), "BILLIE_") {
		t.Errorf("503 names the configuration: %s", res.body)
	}
}

// TestEveryRouteDocumented fails when a route is added without its OpenAPI entry.
func TestEveryRouteDocumented(t *testing.T) {
	a, err := New(hsConfig(), getWorld(t).reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = chi.Walk(a.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		n++
		p := Prefix + strings.TrimSuffix(strings.ReplaceAll(route, "/*", ""), "/")
		if _, ok := doc.Paths[p][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", method, p)
		}
		return nil
	})
	if err != nil || n != 4 {
		t.Fatalf("walked %d routes: %v", n, err)
	}
}

// TestTokenLifetimeCap: the cap is configurable; tokens up to it pass, longer ones
// do not, however they are signed.
func TestTokenLifetimeCap(t *testing.T) {
	good := goodClaims(fixtureCustomer)
	with := func(f func(*claims)) claims { c := good; f(&c); return c }
	def := newTestAPI(t, hsConfig(), nil)
	cfg := hsConfig()
	cfg.MaxTokenLifetime = 30 * time.Minute
	short := newTestAPI(t, cfg, nil)
	for _, tc := range []struct {
		name string
		h    http.Handler
		c    claims
		code int
	}{
		{"default cap, 11 h", def, with(func(c *claims) { c.exp = 11 * time.Hour }), 200},
		{"default cap, 12 h 1 min", def, with(func(c *claims) { c.exp = 12 * time.Hour }), 401},
		{"30 min cap, 20 min", short, with(func(c *claims) { c.exp = 19 * time.Minute }), 200},
		{"30 min cap, 1 h", short, good, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := do(t, tc.h, "GET", path(fixtureCustomer, "/applications"), hsToken(t, tc.c, testSecret)); res.code != tc.code {
				t.Errorf("%d, want %d: %s", res.code, tc.code, res.body)
			}
		})
	}
}

// TestTokenCacheExpires: a token verified once and remembered stops working at its
// exp like any other, and a cached token for one customer still gets 403 elsewhere.
func TestTokenCacheExpires(t *testing.T) {
	now := time.Now()
	cfg := hsConfig()
	cfg.Now = func() time.Time { return now }
	cfg.Leeway = time.Second
	h := newTestAPI(t, cfg, nil)
	tok := hsToken(t, claims{sub: fixtureCustomer, iss: cfg.Issuer, aud: cfg.Audience, exp: time.Minute}, testSecret)
	for range 3 {
		if res := do(t, h, "GET", path(fixtureCustomer, "/applications"), tok); res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
	}
	wantProblem(t, do(t, h, "GET", path(pagerCustomer, "/applications"), tok), 403, web.Forbidden)
	now = now.Add(time.Minute + 2*time.Second)
	wantProblem(t, do(t, h, "GET", path(fixtureCustomer, "/applications"), tok), 401, web.Unauthorized)

	c := newTokenCache(8)
	for i := range 20 {
		c.put(fmt.Sprint(i), verified{sub: "s", exp: now.Add(time.Hour)})
	}
	if len(c.m) > 8 {
		t.Errorf("cache grew to %d entries, bound 8", len(c.m))
	}
	if _, ok := c.get("19", now, 0); !ok {
		t.Error("newest entry evicted")
	}
	c.put("early", verified{sub: "s", nbf: now.Add(time.Minute), exp: now.Add(time.Hour)})
	if _, ok := c.get("early", now, time.Second); ok {
		t.Error("token used before its nbf")
	}
}
