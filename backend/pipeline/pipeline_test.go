package pipeline_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/alerts"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
)

type breakers []pipeline.BreakerState

func (b breakers) States() []pipeline.BreakerState { return b }

// With everything up, the document has every part the admins' screen shows.
func TestDocumentEverythingUp(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	n := e.addFixture(t)
	e.project(t)
	if err := e.rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: e.stream + ":dead", Values: []any{"x_reason", "test"}}).Err(); err != nil {
		t.Fatal(err)
	}
	e.src.Breakers = breakers{{Name: "redis-api", State: pipeline.BreakerClosed}}
	e.src.Rebuild = func() any { return map[string]any{"id": "7", "state": "running"} }
	e.clock.Add(time.Second) // the tracker's second in progress is left out of its rates

	res := e.do(t, "GET", "/api/admin/pipeline", e.admin, nil)
	if res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	var doc pipeline.Document
	res.into(t, &doc)
	if !doc.Redis.OK || doc.Redis.Error != "" || doc.Redis.RTTMs <= 0 {
		t.Errorf("redis %+v", doc.Redis)
	}
	if !doc.Database.OK || doc.Database.SizeBytes <= 0 || doc.Database.RTTMs <= 0 {
		t.Errorf("database %+v", doc.Database)
	}
	if doc.Stream.Key != e.stream || doc.Stream.Length != int64(n) || doc.Stream.FirstID == "" || doc.Stream.LastID == "" || doc.Stream.FirstID == doc.Stream.LastID {
		t.Errorf("stream %+v, want %d entries", doc.Stream, n)
	}
	p := doc.Projection
	if p.Group != "g" || p.LastAppliedID != doc.Stream.LastID || p.Behind != 0 || p.Pending != 0 || p.LeaseHolder != "" {
		t.Errorf("projection %+v", p)
	}
	if len(p.Consumers) != 1 || p.Consumers[0].Name != "c1" || p.Consumers[0].Pending != 0 || p.Consumers[0].IdleMs < 0 {
		t.Errorf("consumers %+v", p.Consumers)
	}
	var total int64
	for _, v := range p.Outcomes {
		total += v
	}
	if total != int64(n) || p.Outcomes["applied"] == 0 || len(p.Outcomes) != 6 {
		t.Errorf("outcomes %v, want %d in all", p.Outcomes, n)
	}
	if want := math.Round(float64(n)/60*1000) / 1000; p.EventsPerSec1 != want {
		t.Errorf("eventsPerSec1m %v, want %v", p.EventsPerSec1, want)
	}
	if p.LastError != nil || p.LastErrorAt != nil {
		t.Errorf("last error %v at %v", p.LastError, p.LastErrorAt)
	}
	if doc.DeadLetters.Count != 1 {
		t.Errorf("dead letters %d, want 1", doc.DeadLetters.Count)
	}
	if len(doc.Breakers) != 1 || doc.Breakers[0].State != "closed" {
		t.Errorf("breakers %+v", doc.Breakers)
	}
	if m, ok := doc.Rebuild.(map[string]any); !ok || m["state"] != "running" {
		t.Errorf("rebuild %v", doc.Rebuild)
	}
	if doc.Desktops == nil || doc.Alerts == nil || len(doc.Alerts) != 0 {
		t.Errorf("desktops %v, alerts %v", doc.Desktops, doc.Alerts)
	}
	if !doc.At.Equal(e.clock.Now()) {
		t.Errorf("at %s", doc.At)
	}
	for _, key := range []string{`"eventsPerSec15m"`, `"opsSizeBytes"`, `"firstId"`, `"idleMs"`, `"lastErrorAt":null`, `"rebuild"`} {
		if !strings.Contains(string(res.body), key) {
			t.Errorf("%s missing: %s", key, res.body)
		}
	}
}

// A failing batch is the projection's last error, with its time.
func TestDocumentLastError(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	at := e.clock.Now()
	e.tracker.Failure(store.Failure{First: "1-0", Count: 3, Err: errors.New("save message: disk I/O error")})
	e.clock.Add(time.Minute)
	var doc pipeline.Document
	e.do(t, "GET", "/api/admin/pipeline", e.admin, nil).into(t, &doc)
	if doc.Projection.LastError == nil || *doc.Projection.LastError != "save message: disk I/O error" ||
		doc.Projection.LastErrorAt == nil || !doc.Projection.LastErrorAt.Equal(at) {
		t.Errorf("last error %v at %v", doc.Projection.LastError, doc.Projection.LastErrorAt)
	}
}

// Redis stopped: the document still answers 200, says why Redis is down in plain
// words, has the database's part, and the alert fires after its minute.
func TestDocumentRedisDown(t *testing.T) {
	addr, stop := ownRedis(t)
	e := newEnv(t, addr, pipeline.Options{})
	e.addFixture(t)
	e.project(t)
	e.sampler.Tick(context.Background())
	stop()

	e.clock.Add(30 * time.Second)
	e.sampler.Tick(context.Background())
	var doc pipeline.Document
	res := e.do(t, "GET", "/api/admin/pipeline", e.admin, nil)
	if res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	res.into(t, &doc)
	if doc.Redis.OK || doc.Redis.RTTMs != 0 || !strings.HasPrefix(doc.Redis.Error, "Redis refuses connections") {
		t.Errorf("redis %+v", doc.Redis)
	}
	if doc.Stream.Length != 0 || doc.Stream.Key != e.stream || doc.Projection.Consumers == nil {
		t.Errorf("stream %+v, consumers %v", doc.Stream, doc.Projection.Consumers)
	}
	if !doc.Database.OK || doc.Projection.LastAppliedID == "" || doc.Projection.Outcomes["applied"] == 0 {
		t.Errorf("the database's part is missing: %+v %+v", doc.Database, doc.Projection)
	}
	if len(doc.Alerts) != 0 {
		t.Errorf("alerts before the rule's minute: %+v", doc.Alerts)
	}

	e.clock.Add(59 * time.Second)
	e.sampler.Tick(context.Background())
	e.do(t, "GET", "/api/admin/pipeline", e.admin, nil).into(t, &doc)
	if len(doc.Alerts) != 0 {
		t.Errorf("alerts 59 s after Redis stopped answering: %+v", doc.Alerts)
	}
	e.clock.Add(time.Second)
	e.sampler.Tick(context.Background())
	e.do(t, "GET", "/api/admin/pipeline", e.admin, nil).into(t, &doc)
	if len(doc.Alerts) != 1 || doc.Alerts[0].Name != "BillieRedisDown" || doc.Alerts[0].Severity != "critical" ||
		doc.Alerts[0].Runbook != "docs/runbooks.md#redis-down" || doc.Alerts[0].Screen != "pipeline" {
		t.Fatalf("alerts %+v", doc.Alerts)
	}
	if want := e.clock.Now().Add(-time.Minute); !doc.Alerts[0].Since.Equal(want) {
		t.Errorf("since %s, want %s", doc.Alerts[0].Since, want)
	}
	// The minute recorded while Redis was down has no lag and no dead-letter count.
	pts, err := e.hist.Minutes(context.Background(), time.Time{})
	if err != nil || len(pts) != 1 || pts[0].Lag != nil || pts[0].DeadLetters != nil {
		t.Errorf("history %+v (%v)", pts, err)
	}
}

// The database closed under the API: ok:false with the reason, the Redis part stays.
func TestDocumentDatabaseDown(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	e.addFixture(t)
	e.project(t)
	e.st.Close()
	var doc pipeline.Document
	res := e.do(t, "GET", "/api/admin/pipeline", e.admin, nil)
	if res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	res.into(t, &doc)
	if doc.Database.OK || !strings.HasPrefix(doc.Database.Error, "The database is closed") || doc.Database.SizeBytes == 0 {
		t.Errorf("database %+v", doc.Database)
	}
	if !doc.Redis.OK || doc.Stream.Length == 0 {
		t.Errorf("the Redis part is missing: %+v %+v", doc.Redis, doc.Stream)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	for _, path := range []string{"/api/admin/pipeline", "/api/admin/pipeline/history?window=1h"} {
		t.Run(path, func(t *testing.T) {
			wantProblem(t, e.do(t, "GET", path, "", nil), 401, web.Unauthorized)
			wantProblem(t, e.do(t, "GET", path, "bsv_not-a-session", nil), 401, web.Unauthorized)
			wantProblem(t, e.do(t, "GET", path, e.super, nil), 403, web.Forbidden)
			if res := e.do(t, "GET", path, e.admin, nil); res.code != 200 {
				t.Errorf("admin: %d %s", res.code, res.body)
			}
		})
	}
	t.Run("desktop report", func(t *testing.T) {
		body := map[string]any{"version": "1.4.2", "host": "desk-7", "cachePosition": "", "behind": 0}
		wantProblem(t, e.do(t, "POST", pipeline.DesktopReportPath, "", body), 401, web.Unauthorized)
		for _, tok := range []string{e.super, e.admin} {
			if res := e.do(t, "POST", pipeline.DesktopReportPath, tok, body); res.code != 204 {
				t.Errorf("%d %s", res.code, res.body)
			}
		}
	})
}

func TestHistory(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	ctx := context.Background()
	t.Run("window", func(t *testing.T) {
		for _, w := range []string{"2h", "1H", "60m", "1h;24h", "%00"} {
			wantProblem(t, e.do(t, "GET", "/api/admin/pipeline/history?window="+w, e.admin, nil), 400, web.InvalidParameter)
		}
		for _, w := range []string{"", "window=1h", "window=24h"} {
			var ans struct {
				Window string           `json:"window"`
				Points []pipeline.Point `json:"points"`
			}
			e.do(t, "GET", "/api/admin/pipeline/history?"+w, e.admin, nil).into(t, &ans)
			if ans.Points == nil || (w != "window=24h") != (ans.Window == "1h") {
				t.Errorf("%q: %+v", w, ans)
			}
		}
	})

	// An hour and a half ago, before the window of an hour.
	old := e.clock.Now().Add(-90 * time.Minute)
	if err := e.hist.AppendMinute(ctx, pipeline.Point{At: old}); err != nil {
		t.Fatal(err)
	}
	e.addFixture(t)
	e.project(t) // at 10:00:00, before the first sample: not in any point
	customer := func(fast, slow uint64) alerts.HTTPTotals {
		return alerts.HTTPTotals{Requests: fast + slow, Customer: alerts.Histogram{Bounds: []float64{0.01, 0.1, 1},
			Counts: []uint64{fast, fast, fast + slow}, Count: fast + slow}}
	}
	e.sampler.Tick(ctx) // 10:00:00
	// Minute 10:00: 120 entries, 60 fast requests and 1 failure.
	e.clock.Add(20 * time.Second)
	e.tracker.Batch(store.Result{Counts: store.Counts{Applied: 100, Duplicates: 20}}, 0)
	e.tracker.Failure(store.Failure{Err: errors.New("busy")})
	e.setHTTP(customer(60, 0))
	e.sampler.Tick(ctx) // 10:00:20: same minute, no point yet
	e.clock.Add(40 * time.Second)
	e.sampler.Tick(ctx) // 10:01:00
	// Minute 10:01: nothing; 10:02: 100 slow requests (p99 in the 0.1-1 s bucket).
	e.clock.Add(time.Minute)
	e.sampler.Tick(ctx)
	e.setHTTP(customer(60, 100))
	e.clock.Add(time.Minute)
	e.sampler.Tick(ctx) // 10:03:00

	var ans struct {
		Window string           `json:"window"`
		Points []pipeline.Point `json:"points"`
	}
	e.do(t, "GET", "/api/admin/pipeline/history?window=1h", e.admin, nil).into(t, &ans)
	if len(ans.Points) != 3 {
		t.Fatalf("%d points, want 3: %+v", len(ans.Points), ans.Points)
	}
	start := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i, p := range ans.Points {
		if !p.At.Equal(start.Add(time.Duration(i) * time.Minute)) {
			t.Errorf("point %d at %s", i, p.At)
		}
		if p.Lag == nil || *p.Lag != 0 || p.DeadLetters == nil || *p.DeadLetters != 0 {
			t.Errorf("point %d: lag %v, dead letters %v", i, p.Lag, p.DeadLetters)
		}
	}
	p0, p1, p2 := ans.Points[0], ans.Points[1], ans.Points[2]
	if p0.EventsPerSec != 2 || p0.Errors != 1 || p0.APIRequestsPerSec != 1 || p0.APIP99Ms == nil || *p0.APIP99Ms > 10 {
		t.Errorf("minute 10:00: %+v (p99 %v)", p0, p0.APIP99Ms)
	}
	if p1.EventsPerSec != 0 || p1.Errors != 0 || p1.APIRequestsPerSec != 0 || p1.APIP99Ms != nil {
		t.Errorf("minute 10:01: %+v", p1)
	}
	if p2.APIRequestsPerSec != 1.667 || p2.APIP99Ms == nil || *p2.APIP99Ms != 991 {
		t.Errorf("minute 10:02: %+v (p99 %v)", p2, p2.APIP99Ms)
	}
	e.do(t, "GET", "/api/admin/pipeline/history?window=24h", e.admin, nil).into(t, &ans)
	if len(ans.Points) != 4 || !ans.Points[0].At.Equal(old) {
		t.Errorf("24h: %+v", ans.Points)
	}

	// A restarted backend answers the same history from the same store.
	e2 := newEnv(t, "", pipeline.Options{History: e.hist})
	e2.clock.Add(3 * time.Minute)
	e2.do(t, "GET", "/api/admin/pipeline/history?window=1h", e2.admin, nil).into(t, &ans)
	if len(ans.Points) != 3 {
		t.Errorf("after a restart: %d points", len(ans.Points))
	}
}

func TestDesktopReport(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{})
	good := func() map[string]any {
		return map[string]any{"version": "1.4.2-rc.1", "host": "desk-7.billie.local", "cachePosition": "1732950000000-3", "behind": 12}
	}
	with := func(k string, v any) map[string]any { m := good(); m[k] = v; return m }
	without := func(k string) map[string]any { m := good(); delete(m, k); return m }
	for name, body := range map[string]any{
		"version too long":         with("version", "1.4.2-"+strings.Repeat("a", 30)+"+"+strings.Repeat("b", 30)),
		"version not a version":    with("version", "latest"),
		"version with a space":     with("version", "1.4.2 beta"),
		"no version":               without("version"),
		"host too long":            with("host", strings.Repeat("h", 254)),
		"host with a newline":      with("host", "desk\nforged: line"),
		"host with markup":         with("host", "<b>desk</b>"),
		"host starting with a dot": with("host", ".desk"),
		"behind negative":          with("behind", -1),
		"behind too big":           with("behind", int64(1)<<41),
		"behind not a number":      with("behind", "12"),
		"behind a fraction":        with("behind", 1.5),
		"no behind":                without("behind"),
		"position not an ID":       with("cachePosition", "yesterday"),
		"position too long":        with("cachePosition", strings.Repeat("0", 50)+"1-0"),
		"not an object":            `["1.4.2"]`,
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, e.do(t, "POST", pipeline.DesktopReportPath, e.super, body), 400, web.BadRequest)
		})
	}
	t.Run("oversized body", func(t *testing.T) {
		wantProblem(t, e.do(t, "POST", pipeline.DesktopReportPath, e.super,
			`{"version":"1.0.0","host":"`+strings.Repeat("h", web.MaxJSONBody)+`"}`), 413, web.PayloadTooLarge)
	})
	if got, _ := e.desks.Desktops(context.Background()); len(got) != 0 {
		t.Fatalf("a refused report was kept: %+v", got)
	}

	// The user is the session's, whatever the body says.
	forged := with("user", "ada@example.com")
	forged["name"], forged["userId"], forged["reportedAt"] = "Ada", 1, "2020-01-01T00:00:00Z"
	if res := e.do(t, "POST", pipeline.DesktopReportPath, e.super, forged); res.code != 204 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	if res := e.do(t, "POST", pipeline.DesktopReportPath, e.admin, map[string]any{"version": "dev", "host": "ada-laptop", "cachePosition": "", "behind": 0}); res.code != 204 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	e.clock.Add(60 * time.Second)
	var doc pipeline.Document
	e.do(t, "GET", "/api/admin/pipeline", e.admin, nil).into(t, &doc)
	if len(doc.Desktops) != 2 {
		t.Fatalf("desktops %+v", doc.Desktops)
	}
	ada, sam := doc.Desktops[0], doc.Desktops[1]
	if sam.User != "sam@example.com" || sam.Name != "Name of sam@example.com" || sam.Host != "desk-7.billie.local" ||
		sam.Version != "1.4.2-rc.1" || sam.CachePosition != "1732950000000-3" || sam.Behind != 12 || sam.Stale ||
		!sam.ReportedAt.Equal(e.clock.Now().Add(-time.Minute)) {
		t.Errorf("sam's desktop %+v", sam)
	}
	if ada.User != "ada@example.com" || ada.Host != "ada-laptop" || ada.Version != "dev" {
		t.Errorf("ada's desktop %+v", ada)
	}
	e.clock.Add(31 * time.Second)
	e.do(t, "GET", "/api/admin/pipeline", e.admin, nil).into(t, &doc)
	if !doc.Desktops[0].Stale || !doc.Desktops[1].Stale {
		t.Errorf("91 s after their report, desktops not stale: %+v", doc.Desktops)
	}

	// A desktop that cannot tell its host name still reports.
	if res := e.do(t, "POST", pipeline.DesktopReportPath, e.super, with("host", "")); res.code != 204 {
		t.Errorf("empty host: %d %s", res.code, res.body)
	}
}

func TestDesktopReportRateLimit(t *testing.T) {
	e := newEnv(t, "", pipeline.Options{ReportsPerMinute: 3})
	body := map[string]any{"version": "1.0.0", "host": "desk-1", "behind": 0}
	for i := range 3 {
		if res := e.do(t, "POST", pipeline.DesktopReportPath, e.super, body); res.code != 204 {
			t.Fatalf("report %d: %d %s", i, res.code, res.body)
		}
	}
	res := e.do(t, "POST", pipeline.DesktopReportPath, e.super, body)
	wantProblem(t, res, 429, web.RateLimited)
	if res.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Another session has its own allowance.
	if res := e.do(t, "POST", pipeline.DesktopReportPath, e.admin, body); res.code != 204 {
		t.Errorf("another session: %d %s", res.code, res.body)
	}
}

// A Redis that accepts connections and never answers: the document says so in plain
// words and has the database's part. (The client does not retry a read timeout, so
// one connection; its ReadTimeout, not the context, bounds the wait unless the
// client enables context timeouts.)
func TestDocumentRedisHangs(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	var held sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			held.Add(1)
			go func() { defer held.Done(); _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: l.Addr().String(), ReadTimeout: 300 * time.Millisecond,
		MaxRetries: 4, MinRetryBackoff: 10 * time.Millisecond, MaxRetryBackoff: 20 * time.Millisecond})
	t.Cleanup(func() { rdb.Close(); l.Close(); held.Wait() })
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src := &pipeline.Sources{Redis: rdb, Store: st, Stream: "s", Group: "g", Timeout: 50 * time.Millisecond}
	doc := src.Collect(context.Background())
	if doc.Redis.OK || !strings.HasPrefix(doc.Redis.Error, "Redis does not answer in time") {
		t.Errorf("redis %+v", doc.Redis)
	}
	if !doc.Database.OK {
		t.Errorf("database %+v", doc.Database)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections: the client retried past the document's timeout", n)
	}
}
