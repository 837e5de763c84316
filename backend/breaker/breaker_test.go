package breaker

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
	_ "modernc.org/sqlite"
)

// ownRedis is a redis-server of the test's own on a free port (never the machine's:
// the test stops it), stopped when the test ends.
type ownRedis struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &ownRedis{t: t, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("redis-server: %v", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer rdb.Close()
	for start := time.Now(); rdb.Ping(context.Background()).Err() != nil; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			r.t.Fatal("own redis-server does not answer")
		}
	}
}

func (r *ownRedis) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// counting counts the commands that get past the breaker to the connection.
type counting struct{ n atomic.Int64 }

func (c *counting) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *counting) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *counting) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// handler answers 204 when f succeeds, else through web's one mapping of error kinds.
func handler(f func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(r.Context()); err != nil {
			web.Error(w, r, nil, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// wantOpenAnswers sends many requests at once while b is open: each is answered 503
// with Retry-After, and none reaches the dependency (reached counts those that do).
func wantOpenAnswers(t *testing.T, b *Breaker, h http.Handler, reached func() int64) {
	t.Helper()
	if b.State() != "open" {
		t.Fatalf("%s is %s, want open", b.Name(), b.State())
	}
	before := reached()
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			ra, err := strconv.Atoi(rec.Header().Get("Retry-After"))
			if rec.Code != 503 || err != nil || ra < 1 || !strings.Contains(rec.Body.String(), web.Unavailable) {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d of 200 requests not answered 503 with Retry-After while %s is open", n, b.Name())
	}
	if n := reached() - before; n > 0 {
		t.Errorf("%d calls reached the dependency while %s is open", n, b.Name())
	}
}

func waitState(t *testing.T, b *Breaker, want string, poke func()) {
	t.Helper()
	for start := time.Now(); b.State() != want; time.Sleep(20 * time.Millisecond) {
		if poke != nil {
			poke()
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("%s stays %s, want %s", b.Name(), b.State(), want)
		}
	}
}

func TestRedisBreakerTripsAndCloses(t *testing.T) {
	ctx := context.Background()
	own := startOwnRedis(t)
	set := NewSet()
	b := set.New(Redis, API, Options{Failures: 3, OpenFor: 300 * time.Millisecond, IsFailure: IsRedisFailure})
	rdb := redis.NewClient(&redis.Options{Addr: own.addr(), MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	inner := &counting{}
	rdb.AddHook(RedisHook(b))
	rdb.AddHook(inner)
	h := handler(func(ctx context.Context) error { return rdb.Ping(ctx).Err() })

	// Answers of Redis's own are not failures.
	for range 5 {
		if err := rdb.Get(ctx, "breaker-test:no-such-key").Err(); !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		if err := rdb.XInfoGroups(ctx, "breaker-test:no-such-stream").Err(); err == nil {
			t.Fatal("XINFO GROUPS of no stream succeeded")
		}
	}
	if b.State() != "closed" {
		t.Fatalf("answers tripped the breaker: %s", b.State())
	}
	own.stop()
	for i := 0; i < 3; i++ {
		if err := rdb.Ping(ctx).Err(); err == nil || IsOpen(err) {
			t.Fatalf("ping %d with redis stopped: %v", i, err)
		}
	}
	wantOpenAnswers(t, b, h, inner.n.Load)
	if got := testutil.ToFloat64(gauge(t, set, Redis, API)); got != 1 {
		t.Errorf("billie_breaker_open = %v while open", got)
	}
	if st := set.States(); len(st) != 1 || st[0] != (BreakerState{Name: "redis/api", State: "open"}) {
		t.Errorf("States = %+v", st)
	}
	// Still down: the probe fails and it opens again.
	waitState(t, b, "half-open", nil)
	if err := rdb.Ping(ctx).Err(); err == nil || IsOpen(err) {
		t.Fatalf("probe with redis stopped: %v", err)
	}
	if b.State() != "open" {
		t.Fatalf("after a failed probe: %s", b.State())
	}
	own.start()
	waitState(t, b, "closed", func() {
		if err := rdb.Ping(ctx).Err(); err != nil && !IsOpen(err) {
			t.Logf("probe: %v", err)
		}
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 204 {
		t.Errorf("after recovery: %d %s", rec.Code, rec.Body)
	}
	if got := testutil.ToFloat64(gauge(t, set, Redis, API)); got != 0 {
		t.Errorf("billie_breaker_open = %v once closed", got)
	}
}

// gauge is the set's billie_breaker_open series of dependency and client.
func gauge(t *testing.T, set *Set, dependency, client string) prometheus.Collector {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(set.Collector()); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["dependency"] == dependency && labels["client"] == client {
				g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x"})
				g.Set(m.GetGauge().GetValue())
				return g
			}
		}
	}
	t.Fatalf("no billie_breaker_open{dependency=%q,client=%q}", dependency, client)
	return nil
}

// The database fails for real: another connection holds an exclusive lock and the
// guarded connection does not wait (busy_timeout 0), so every query fails with
// SQLITE_BUSY, an infrastructure error.
func TestDatabaseBreakerTripsAndCloses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (x INTEGER NOT NULL); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	b := NewSet().New(Database, API, Options{Failures: 3, OpenFor: 300 * time.Millisecond, IsFailure: store.IsInfrastructure})
	var reached atomic.Int64
	query := func(ctx context.Context) error {
		return b.Do(func() error {
			reached.Add(1)
			var n int
			return db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
		})
	}
	h := handler(query)
	// A row's own errors are not the database failing.
	for range 5 {
		if err := b.Do(func() error { _, err := db.Exec("INSERT INTO t VALUES (NULL)"); return err }); err == nil {
			t.Fatal("a bad row was written")
		}
	}
	if b.State() != "closed" {
		t.Fatalf("bad queries tripped the breaker")
	}

	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := query(ctx); err == nil || IsOpen(err) || !store.IsInfrastructure(err) {
			t.Fatalf("query %d under the lock: %v", i, err)
		}
	}
	wantOpenAnswers(t, b, h, reached.Load)
	if _, err := lock.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	waitState(t, b, "closed", func() { _ = query(ctx) })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 204 {
		t.Errorf("after recovery: %d %s", rec.Code, rec.Body)
	}
}

// A retry loop of someone else's (the projector's, the store's) records its outcomes
// and waits out an open breaker instead of calling on.
func TestBackoffWaitsOutAnOpenBreaker(t *testing.T) {
	b := NewSet().New(Database, Projector, Options{Failures: 2, OpenFor: time.Hour})
	bo := b.Backoff(&backoff.ConstantBackOff{Interval: 10 * time.Millisecond})
	if got := bo.NextBackOff(); got != 10*time.Millisecond {
		t.Errorf("closed: next backoff %s", got)
	}
	failure := fmt.Errorf("disk I/O error")
	b.Record(failure)
	b.Record(nil) // a success in between: not two in a row
	b.Record(failure)
	if b.State() != "closed" {
		t.Fatalf("state %s after failures not in a row", b.State())
	}
	b.Record(failure)
	if b.State() != "open" {
		t.Fatalf("state %s after two failures in a row", b.State())
	}
	if got := bo.NextBackOff(); got < 59*time.Minute {
		t.Errorf("open: next backoff %s, want the rest of the open hour", got)
	}
	b.Record(nil) // while open nothing counts
	if b.State() != "open" {
		t.Errorf("a success recorded while open closed it")
	}
	if err := b.Do(func() error { t.Error("called while open"); return nil }); !IsOpen(err) {
		t.Errorf("Do while open: %v", err)
	}
	if err := b.Do(func() error { return nil }); web.ProblemOf(err).RetryAfter < 59*time.Minute {
		t.Errorf("problem of an open breaker: %+v", web.ProblemOf(err))
	}
}
