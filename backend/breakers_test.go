package main

import (
	"context"
	"database/sql"
	"io/fs"
	"log/slog"
	"net"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
	"github.com/billie/supervisor/customerapi"
)

// Every route that reads the database is behind the APIs' database breaker: while
// it is open each answers 503 with Retry-After at once, sessions and the customer API
// alike, and the breaker shows in /readyz and /metrics. (Package breaker trips
// breakers with a stopped Redis and a locked database; this checks serve's wiring.)
func TestAPIsAnswer503WhileTheDatabaseBreakerIsOpen(t *testing.T) {
	t.Setenv(customerapi.EnvSecret, testSecret)
	rs, d, _ := testRouters(t, "", serverLimits{})
	var db *breaker.Breaker
	for _, b := range d.breakers.All() {
		if b.Name() == "database/api" {
			db = b
		}
	}
	if db == nil {
		t.Fatalf("no database/api breaker in %+v", d.breakers.States())
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: "cust-1", IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	routes := []struct{ target, token string }{
		{"/api/customer/cust-1/applications", tok},
		{"/api/customer/cust-1/search?q=loan", tok},
		{"/api/auth/me", "bsv_some-session"},
		{"/api/admin/users", "bsv_some-session"},
		{"/api/admin/dead-letters", "bsv_some-session"},
	}
	for _, r := range routes {
		if rec := get(rs.public, r.target, r.token); rec.Code == 503 {
			t.Fatalf("GET %s: 503 before the breaker opened", r.target)
		}
	}
	for range 5 {
		db.Record(&fs.PathError{Op: "read", Path: "b.db", Err: syscall.EIO})
	}
	var wg sync.WaitGroup
	for range 20 {
		for _, r := range routes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", r.target, nil)
				req.Header.Set("Authorization", "Bearer "+r.token)
				rs.public.ServeHTTP(rec, req)
				if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), web.Unavailable) {
					t.Errorf("GET %s while open: %d %q %s", r.target, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
				}
			}()
		}
	}
	wg.Wait()
	if rec := get(rs.ops, "/readyz", ""); !strings.Contains(rec.Body.String(), `"name": "database/api",`+"\n"+`      "state": "open"`) {
		t.Errorf("/readyz does not show the open breaker:\n%s", rec.Body)
	}
	m := get(rs.ops, "/metrics", "").Body.String()
	for _, want := range []string{`billie_breaker_open{client="api",dependency="database"} 1`, `billie_breaker_open{client="api",dependency="redis"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// The projector on a Redis of the test's own that stops answering (CLIENT PAUSE: the
// connection stays, commands time out): its Redis breaker opens, and once Redis
// answers again it closes by itself and the projector applies what came meanwhile.
func TestProjectorRidesOutARedisOutage(t *testing.T) {
	ctx := context.Background()
	own := startOwnRedis(t)
	opts := &redis.Options{Addr: own.addr(), MaxRetries: -1, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond}
	admin := redis.NewClient(&redis.Options{Addr: own.addr()})
	defer admin.Close()
	prdb := redis.NewClient(opts)
	defer prdb.Close()
	set := breaker.NewSet()
	rb := set.New(breaker.Redis, breaker.Projector, breaker.Options{Failures: 3, OpenFor: 300 * time.Millisecond, IsFailure: breaker.IsRedisFailure})
	prdb.AddHook(breaker.RedisHook(rb))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "b.db"), store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := projector.New(prdb, guardedApplier{st: st, b: databaseBreaker(set, breaker.Projector)},
		projector.Config{Stream: "s", Group: "g", Consumer: "c", DeadLetterStream: "s:dead", Block: 100 * time.Millisecond, LeaseTTL: 5 * time.Second},
		slog.New(slog.DiscardHandler))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("projector: %v", err)
		}
	}()
	add := func(cid string) ledger.ID {
		t.Helper()
		id, err := admin.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"agt", "broker", "typ", "conversation_started",
			"cid", cid, "tsp", "2026-11-30T10:00:00Z", "dat", `{}`}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		lid, _ := ledger.ParseID(id)
		return lid
	}
	applied := func(id ledger.ID) func() bool {
		return func() bool { c, _ := st.Checkpoint(ctx, "g"); return c.Compare(id) >= 0 }
	}
	waitFor(t, "the first entry applied", applied(add("conv-1")))

	if err := admin.Do(ctx, "CLIENT", "PAUSE", "1500", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the projector's Redis breaker open", func() bool { return rb.State() == "open" })
	waitFor(t, "Redis answering after the pause", func() bool { return admin.Ping(ctx).Err() == nil })
	last := add("conv-2")
	waitFor(t, "the entry added after the outage applied", applied(last))
	waitFor(t, "the breaker closed", func() bool { return rb.State() == "closed" })
}

// startOwnRedis starts a redis-server of the test's own on a free port (never the
// machine's: tests may pause or stop it), stopped when the test ends.
type ownRedis struct{ port int }

func (r ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func startOwnRedis(t *testing.T) ownRedis {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := ownRedis{port: l.Addr().(*net.TCPAddr).Port}
	l.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer rdb.Close()
	waitFor(t, "own redis-server answering", func() bool { return rdb.Ping(context.Background()).Err() == nil })
	return r
}

// The projector's database breaker over the store's own retry loop: the database
// fails for real (a table the apply needs is gone), the failures open the breaker,
// the loop then waits until the breaker's probe instead of trying every 10 ms, and
// the first attempt that commits once the table is back closes it.
func TestProjectorWaitsOutAnOpenDatabaseBreaker(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	st, err := store.Open(ctx, path, store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("DROP TABLE checkpoints"); err != nil {
		t.Fatal(err)
	}
	const openFor = 300 * time.Millisecond
	b := breaker.NewSet().New(breaker.Database, breaker.Projector, breaker.Options{Failures: 3, OpenFor: openFor, IsFailure: store.IsInfrastructure})
	g := guardedApplier{st: st, b: b}
	var mu sync.Mutex
	var failures []store.Failure
	entries := []ledger.Entry{{ID: "1-0", Fields: map[string]string{"agt": "broker", "typ": "conversation_started", "cid": "c1", "dat": "{}"}}}
	done := make(chan error, 1)
	go func() {
		_, err := g.ApplyRetrying(ctx, "g", entries, &backoff.ConstantBackOff{Interval: 10 * time.Millisecond}, func(f store.Failure) {
			mu.Lock()
			failures = append(failures, f)
			mu.Unlock()
		})
		done <- err
	}()
	waitFor(t, "the breaker open", func() bool { return b.State() == "open" })
	waitFor(t, "a failed probe", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(failures) >= 5
	})
	if _, err := raw.Exec("CREATE TABLE checkpoints (name TEXT PRIMARY KEY, last_id TEXT NOT NULL, updated_at INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if b.State() != "closed" {
		t.Errorf("breaker %s after the batch committed", b.State())
	}
	for i, f := range failures {
		if !f.Infrastructure {
			t.Errorf("failure %d is not infrastructure: %v", i, f.Err)
		}
		// The third failure opens the breaker (its wait was chosen before); from the
		// attempt already due after it on, the loop waits for the breaker's probe.
		if i >= 3 && f.Wait < openFor/2 {
			t.Errorf("failure %d waits %s with the breaker open, want about %s", i, f.Wait, openFor)
		}
		if i < 3 && f.Wait != 10*time.Millisecond {
			t.Errorf("failure %d waits %s with the breaker closed, want the backoff's 10ms", i, f.Wait)
		}
	}
	if c, err := st.Checkpoint(ctx, "g"); err != nil || c.String() != "1-0" {
		t.Errorf("checkpoint %s, %v", c, err)
	}
}
