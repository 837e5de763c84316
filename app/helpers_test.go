package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/redisacl"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/personal"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func redisAddr() string {
	if a := os.Getenv("BILLIE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// testRedis connects to the test Redis; the tests need a real one.
func testRedis(t *testing.T, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v (start one: redis-server --port 6379)", addr, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// uniqueStream is a stream key of this test, deleted at the end.
func uniqueStream(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	stream := fmt.Sprintf("test:desktop:%s:%d", t.Name(), rand.Uint64())
	t.Cleanup(func() { rdb.Del(context.Background(), stream) })
	return stream
}

// events records what the app emits, like the Wails runtime would deliver it.
type events struct {
	mu   sync.Mutex
	list []emitted
	cond *sync.Cond
}

type emitted struct {
	name string
	data any
	at   time.Time
}

func newEvents() *events {
	e := &events{}
	e.cond = sync.NewCond(&e.mu)
	return e
}

func (e *events) emit(name string, data any) {
	// Round-trip through JSON, as Wails does, so tests see what the window sees.
	b, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("emit %s: %v", name, err))
	}
	var v any
	switch name {
	case EventBatch:
		var lb LedgerBatch
		err = json.Unmarshal(b, &lb)
		v = lb
	case EventConnection:
		var cs ConnectionState
		err = json.Unmarshal(b, &cs)
		v = cs
	}
	if err != nil {
		panic(err)
	}
	e.mu.Lock()
	e.list = append(e.list, emitted{name: name, data: v, at: time.Now()})
	e.mu.Unlock()
	e.cond.Broadcast()
}

func (e *events) batches() []LedgerBatch {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []LedgerBatch
	for _, ev := range e.list {
		if ev.name == EventBatch {
			out = append(out, ev.data.(LedgerBatch))
		}
	}
	return out
}

func (e *events) states() []ConnectionState {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []ConnectionState
	for _, ev := range e.list {
		if ev.name == EventConnection {
			out = append(out, ev.data.(ConnectionState))
		}
	}
	return out
}

// fakeBackend mimics the backend's auth and admin API.
type fakeBackend struct {
	*httptest.Server
	mu       sync.Mutex
	password string
	role     string
	// email is the account's ("" is ada@example.com).
	email   string
	tokens  map[string]time.Time
	ttl     time.Duration
	logouts int
	users   []User
	down    bool
	// bearers lists the tokens of the requests that carried one, in order.
	bearers []string
	// ledger, when set, issues a read-only Redis user with each sign-in, as the
	// backend does with BILLIE_DESKTOP_REDIS_ACL.
	ledger *redisacl.Manager
	// mux routes the requests; tests add routes of their own to it.
	mux *http.ServeMux
	// shared is what GET /api/settings/shared answers (404 while nil).
	shared *SharedSettings
}

func newFakeBackend(t testing.TB) *fakeBackend {
	t.Helper()
	f := &fakeBackend{password: "s3cret-pass", role: "admin", tokens: map[string]time.Time{}, ttl: time.Hour, email: "ada@example.com",
		users: []User{{ID: 1, Email: "ada@example.com", Name: "Ada", Role: "admin", CreatedAt: time.Now().UTC()}}}
	mux := http.NewServeMux()
	f.mux = mux
	mux.HandleFunc("POST /api/auth/login", f.login)
	mux.HandleFunc("POST /api/auth/logout", f.authed(func(w http.ResponseWriter, r *http.Request, tok string) {
		f.mu.Lock()
		delete(f.tokens, tok)
		f.logouts++
		ledger := f.ledger
		f.mu.Unlock()
		if ledger != nil {
			_ = ledger.Revoke(r.Context(), 1, tok)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET /api/auth/me", f.authed(func(w http.ResponseWriter, r *http.Request, tok string) {
		f.mu.Lock()
		exp := f.tokens[tok]
		f.mu.Unlock()
		writeTestJSON(w, 200, map[string]any{"user": f.user(), "expiresAt": exp})
	}))
	mux.HandleFunc("GET /api/admin/users", f.admin(func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, 200, f.users)
	}))
	mux.HandleFunc("POST /api/admin/users", f.admin(func(w http.ResponseWriter, r *http.Request) {
		var nu NewUser
		if err := json.NewDecoder(r.Body).Decode(&nu); err != nil || nu.Password == "" {
			problem(w, 400, "password is required")
			return
		}
		u := User{ID: int64(len(f.users) + 1), Email: nu.Email, Name: nu.Name, Role: nu.Role, CreatedAt: time.Now().UTC()}
		f.users = append(f.users, u)
		writeTestJSON(w, 201, u)
	}))
	mux.HandleFunc("PATCH /api/admin/users/{id}", f.admin(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		u := f.users[0]
		if d, ok := p["disabled"].(bool); ok {
			u.Disabled = d
		}
		if _, ok := p["role"]; ok {
			u.Role = p["role"].(string)
		}
		writeTestJSON(w, 200, u)
	}))
	mux.HandleFunc("GET /api/settings/shared", f.authed(func(w http.ResponseWriter, r *http.Request, _ string) {
		f.mu.Lock()
		s := f.shared
		f.mu.Unlock()
		if s == nil {
			problem(w, 404, "not found")
			return
		}
		writeTestJSON(w, 200, s)
	}))
	mux.HandleFunc("PUT /api/settings/shared", f.admin(func(w http.ResponseWriter, r *http.Request) {
		var s SharedSettings
		if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
			problem(w, 400, "bad body")
			return
		}
		f.mu.Lock()
		f.shared = &s
		f.mu.Unlock()
		writeTestJSON(w, 200, s)
	}))
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		down := f.down
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			f.bearers = append(f.bearers, tok)
		}
		f.mu.Unlock()
		if down {
			// Like an unreachable host: drop the connection.
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBackend) user() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return map[string]any{"id": 1, "email": f.accountEmail(), "name": "Ada Lovelace", "role": f.role}
}

// accountEmail is the account's email; the caller may hold f.mu.
func (f *fakeBackend) accountEmail() string {
	if f.email == "" {
		return "ada@example.com"
	}
	return f.email
}

func (f *fakeBackend) login(w http.ResponseWriter, r *http.Request) {
	var req struct{ Email, Password string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		problem(w, 400, "bad body")
		return
	}
	f.mu.Lock()
	ok := strings.EqualFold(req.Email, f.accountEmail()) && req.Password == f.password
	ttl := f.ttl
	f.mu.Unlock()
	if !ok {
		problem(w, 401, "invalid email or password")
		return
	}
	tok := fmt.Sprintf("tok-%d", rand.Uint64())
	exp := time.Now().Add(ttl).UTC()
	f.mu.Lock()
	f.tokens[tok] = exp
	f.mu.Unlock()
	ans := map[string]any{"token": tok, "expiresAt": exp, "user": f.user()}
	if f.ledger != nil {
		name, pass, err := f.ledger.Issue(r.Context(), 1, tok)
		if err != nil {
			problem(w, 500, err.Error())
			return
		}
		ans["ledger"] = map[string]string{"username": name, "password": pass, "stream": f.ledger.Stream()}
	}
	writeTestJSON(w, 200, ans)
}

func (f *fakeBackend) authed(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		exp, ok := f.tokens[tok]
		f.mu.Unlock()
		if !ok || time.Now().After(exp) {
			problem(w, 401, "no session")
			return
		}
		h(w, r, tok)
	}
}

func (f *fakeBackend) admin(h http.HandlerFunc) http.HandlerFunc {
	return f.authed(func(w http.ResponseWriter, r *http.Request, _ string) {
		f.mu.Lock()
		role := f.role
		f.mu.Unlock()
		if role != "admin" {
			problem(w, 403, "admins only")
			return
		}
		h(w, r)
	})
}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail})
}

func writeTestJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// seenTokens is the tokens the backend was sent.
func (f *fakeBackend) seenTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bearers...)
}

// testEnv is the environment of a test app.
type testEnv struct {
	dir, redisURL, stream, backend string
	clientName                     string
	allowInsecure                  bool
	// transport, when set, carries the app's backend requests.
	transport http.RoundTripper
	// notifier, when set, shows the app's desktop notifications.
	notifier notifier
	// now, when set, is the app's clock.
	now func() time.Time
}

func (e testEnv) defaults() Defaults {
	return Defaults{DataDir: e.dir, RedisURL: e.redisURL, Stream: e.stream, BackendURL: e.backend,
		AllowInsecureBackend: e.allowInsecure}
}

// startApp starts an app as Wails would, with small batches so catch-up takes
// several of them; Shutdown runs at the end of the test.
func startApp(t *testing.T, env testEnv, ev *events) *App {
	t.Helper()
	now := env.now
	if now == nil {
		now = time.Now
	}
	a := newApp(options{defaults: env.defaults(), open: store.Open, openPersonal: personal.Open, now: now, log: quiet,
		consumer:  consumerConfig{Count: 100, MaxApply: 300, Block: 100 * time.Millisecond, InfoEvery: 100 * time.Millisecond},
		redisName: env.clientName, transport: env.transport, notifier: env.notifier})
	a.start(context.Background(), ev.emit)
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return a
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publish writes n simulated conversations to stream and returns how many entries
// and conversations it wrote and the last entry id.
func publish(t *testing.T, rdb *redis.Client, stream string, n int, seed int64) (simulator.Stats, string) {
	t.Helper()
	g, err := simulator.New(simulator.Options{Conversations: n, Seed: seed,
		Start: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), History: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := simulator.Publish(context.Background(), rdb, stream, g, simulator.PublishOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return stats, lastID(t, rdb, stream)
}

func lastID(t *testing.T, rdb *redis.Client, stream string) string {
	t.Helper()
	msgs, err := rdb.XRevRangeN(context.Background(), stream, "+", "-", 1).Result()
	if err != nil || len(msgs) == 0 {
		t.Fatalf("last entry of %s: %v", stream, err)
	}
	return msgs[0].ID
}

// caughtUp waits until the app has applied everything up to id.
func caughtUp(t *testing.T, a *App, id string, d time.Duration) {
	t.Helper()
	waitFor(t, "catch-up to "+id, d, func() bool {
		s, _ := a.Connection()
		return s.LastAppliedID == id && s.Behind == 0 && !s.CatchingUp && s.State == LinkConnected
	})
}

// signIn signs the app in against the fake backend.
func signIn(t *testing.T, a *App, f *fakeBackend) {
	t.Helper()
	if _, err := a.SignIn(f.accountEmail(), f.password); err != nil {
		t.Fatal(err)
	}
}

// cacheCounts reads the cache's entry counters.
func cacheCounts(t *testing.T, a *App) (applied, redelivered, total int64) {
	t.Helper()
	a.mu.RLock()
	defer a.mu.RUnlock()
	c, err := a.st.Counters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c.Applied, c.Redelivered, c.Total()
}

// cacheDB opens the app's cache file read-only on a connection of the test's own, for
// checks the app's API does not answer (the store hands out no SQL handles).
func cacheDB(tb testing.TB, a *App) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(a.dir, cacheFile)+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
