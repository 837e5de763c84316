package pipeline_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/billie/supervisor/backend/internal/openapitest"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/alerts"
	"github.com/billie/supervisor/backend/internal/testclock"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
)

// env is the pipeline API over a real SQLite store and a real Redis, on a stream of
// its own, with an admin's and a supervisor's session.
type env struct {
	rdb     *redis.Client
	st      *store.Store
	stream  string
	clock   *testclock.Clock
	src     *pipeline.Sources
	hist    *pipeline.MemoryHistory
	desks   *pipeline.MemoryDesktops
	sampler *pipeline.Sampler
	tracker *pipeline.Tracker
	h       http.Handler
	// admin and super are session tokens.
	admin, super string
	// http are the totals the sampler reads.
	httpMu sync.Mutex
	http   alerts.HTTPTotals
}

var cheap = accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

// newEnv is an env on the Redis at addr (the machine's when empty).
func newEnv(t *testing.T, addr string, o pipeline.Options) *env {
	t.Helper()
	ctx := context.Background()
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	stream := fmt.Sprintf("test:pipeline:%d", rand.Uint64())
	t.Cleanup(func() {
		rdb.Del(context.Background(), stream, stream+":dead", projector.FailingKey(stream, "g"), "{"+stream+"}:lease:g")
	})
	dbPath := filepath.Join(t.TempDir(), "billie.db")
	st, err := store.Open(ctx, dbPath, store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Accounts and sessions in a database of their own, as in the operations
	// database: the read-model database can be down while admins are signed in.
	accStore, err := ops.Open(ctx, filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accStore.Close() })
	acc, err := accounts.New(accStore, accounts.Options{Hash: cheap}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{rdb: rdb, st: st, stream: stream, clock: testclock.New(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)),
		hist: &pipeline.MemoryHistory{}, desks: pipeline.NewMemoryDesktops(0)}
	e.tracker = pipeline.NewTracker(e.clock.Now)
	e.src = &pipeline.Sources{Redis: rdb, Store: st, Stream: stream, Group: "g", DeadLetterStream: stream + ":dead",
		DBPath: dbPath, Tracker: e.tracker, Desktops: e.desks, Alerts: alerts.NewEvaluator(alerts.Thresholds{}),
		Now: e.clock.Now, Timeout: time.Second}
	e.sampler = &pipeline.Sampler{Sources: e.src, History: e.hist, HTTP: e.httpTotals}
	o.Sources = e.src
	if o.History == nil {
		o.History = e.hist
	}
	if o.ReportsPerMinute == 0 {
		o.ReportsPerMinute = -1
	}
	api := pipeline.New(o)
	adm := web.NewAdmin(acc, nil)
	api.AdminRoutes(adm)
	r := chi.NewRouter()
	r.Mount(web.AdminPrefix, adm)
	r.Method(http.MethodPost, pipeline.DesktopReportPath, api.DesktopHandler(acc))
	e.h = r
	for _, u := range []struct{ email, role string }{{"ada@example.com", accounts.RoleAdmin}, {"sam@example.com", accounts.RoleSupervisor}} {
		if _, err := acc.Create(ctx, u.email, "Name of "+u.email, u.role, "password-"+u.role+"-1"); err != nil {
			t.Fatal(err)
		}
		s, err := acc.Login(ctx, u.email, "password-"+u.role+"-1", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if u.role == accounts.RoleAdmin {
			e.admin = s.Token
		} else {
			e.super = s.Token
		}
	}
	return e
}

func (e *env) httpTotals() alerts.HTTPTotals {
	e.httpMu.Lock()
	defer e.httpMu.Unlock()
	return e.http
}

func (e *env) setHTTP(t alerts.HTTPTotals) {
	e.httpMu.Lock()
	e.http = t
	e.httpMu.Unlock()
}

// addFixture adds the recorded conversation's entries to the stream.
func (e *env) addFixture(t *testing.T) int {
	t.Helper()
	f, err := os.Open("../projector/testdata/conversation-approved.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var fields map[string]string
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Fatal(err)
		}
		vals := make([]any, 0, 2*len(fields))
		for k, v := range fields {
			vals = append(vals, k, v)
		}
		if err := e.rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: e.stream, Values: vals}).Err(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// project runs the real projector until it has applied every entry of the stream.
func (e *env) project(t *testing.T) {
	t.Helper()
	p := projector.New(e.rdb, e.st, projector.Config{Stream: e.stream, Group: "g", Consumer: "c1",
		DeadLetterStream: e.stream + ":dead", Block: 20 * time.Millisecond, LeaseTTL: 2 * time.Second}, slog.New(slog.DiscardHandler))
	p.OnBatch = e.tracker.Batch
	p.OnFailure = e.tracker.Failure
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for {
		g, err := pipeline.ReadGroup(ctx, e.rdb, e.stream, "g")
		if err != nil {
			t.Fatal(err)
		}
		last, err := e.st.Checkpoint(ctx, "g")
		if err != nil {
			t.Fatal(err)
		}
		if g.Length > 0 && g.Behind() == 0 && last.String() == g.LastID {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("not the expected JSON: %v: %s", err, r.body)
	}
}

func (e *env) do(t *testing.T, method, target, token string, body any) response {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, "http://localhost"+target, rd)
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	validate(t, req, res)
	return res
}

func wantProblem(t *testing.T, res response, code int, typ string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("status %d, want %d: %s", res.code, code, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != web.ProblemContentType {
		t.Errorf("Content-Type %q", ct)
	}
	var p web.Problem
	res.into(t, &p)
	if p.Type != typ {
		t.Errorf("type %s, want %s", p.Type, typ)
	}
}

// validate checks a response against the backend's OpenAPI document.
func validate(t *testing.T, req *http.Request, res response) {
	t.Helper()
	openapitest.Check(t, req, res.code, res.header, res.body)
}

// ownRedis is a redis-server of the test's own on a free port, so that the test can
// stop it; stop kills it (and is called at cleanup too).
func ownRedis(t *testing.T) (addr string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(stop)
	addr = "127.0.0.1:" + strconv.Itoa(port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i > 500 {
			t.Fatal("own redis-server did not come up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return addr, stop
}
