package app

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/internal/version"
)

// testTicker is a ticker the test drives: the channel is unbuffered, so a tick is
// sent only when the reporter is waiting for one, that is once the report of the tick
// before is done.
type testTicker struct {
	mu      sync.Mutex
	periods []time.Duration
	c       chan time.Time
	stopped bool
}

func newTestTicker() *testTicker { return &testTicker{c: make(chan time.Time)} }

func (tt *testTicker) start(d time.Duration) (<-chan time.Time, func()) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.periods = append(tt.periods, d)
	return tt.c, func() {
		tt.mu.Lock()
		tt.stopped = true
		tt.mu.Unlock()
	}
}

func (tt *testTicker) tick() { tt.c <- time.Now() }

// reports records the desktop reports a fake backend received.
type reports struct {
	mu   sync.Mutex
	list []map[string]any
	// status answers the reports (0: 204).
	status int
}

func (r *reports) route(f *fakeBackend) {
	// Every attempt counts, with a session or without.
	authed := f.authed(func(w http.ResponseWriter, req *http.Request, _ string) {
		r.mu.Lock()
		status := r.status
		r.mu.Unlock()
		if status != 0 {
			problem(w, status, "no")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	f.mux.HandleFunc("POST /api/desktop/report", func(w http.ResponseWriter, req *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			problem(w, 400, err.Error())
			return
		}
		r.mu.Lock()
		r.list = append(r.list, body)
		r.mu.Unlock()
		authed(w, req)
	})
}

func (r *reports) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.list)
}

func (r *reports) last() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list[len(r.list)-1]
}

// A signed-in desktop reports its version, host, cache position and how far behind it
// is: once at sign-in and then on every tick of a 30 s ticker; signed out it reports
// nothing, and a failed report troubles nobody.
func TestFleetReportsEveryThirtySeconds(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	f := newFakeBackend(t)
	rep := &reports{}
	rep.route(f)
	tt := newTestTicker()
	a, logs := startLoggedApp(t, f, tt.start)
	stream := a.cfg.Stream
	for range 3 {
		if err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []any{"agt", "broker",
			"typ", "conversation_started", "cid", "conv-fleet", "seq", "1", "tsp", "2026-11-30T10:00:00Z",
			"dat", `{"conversation_id":"conv-fleet"}`}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	last := lastID(t, rdb, stream)
	caughtUp(t, a, last, 10*time.Second)

	// Signed out: ticks send nothing (the second tick is taken only once the first
	// was handled).
	tt.tick()
	tt.tick()
	if n := rep.count(); n != 0 {
		t.Fatalf("%d reports while signed out", n)
	}
	if tt.periods[0] != 30*time.Second {
		t.Errorf("ticker period %s, want 30s", tt.periods[0])
	}

	signIn(t, a, f)
	waitFor(t, "the report at sign-in", 10*time.Second, func() bool { return rep.count() == 1 })
	host, _ := os.Hostname()
	want := map[string]any{"version": version.Get().Version, "host": host, "cachePosition": last, "behind": float64(0)}
	if got := rep.last(); jsonOf(t, got) != jsonOf(t, want) {
		t.Errorf("report %v, want %v", got, want)
	}
	for i := 2; i <= 4; i++ {
		tt.tick()
		waitFor(t, "a report per tick", 10*time.Second, func() bool { return rep.count() == i })
	}

	// A backend that refuses reports: logged at debug, nothing else.
	rep.mu.Lock()
	rep.status = 500
	rep.mu.Unlock()
	tt.tick()
	tt.tick()
	if !strings.Contains(logs.String(), "desktop report not delivered") {
		t.Errorf("a failed report was not logged:\n%s", logs.String())
	}
	if s, _ := a.Session(); s == nil {
		t.Error("a failed report ended the session")
	}

	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	n := rep.count()
	tt.tick()
	tt.tick()
	if rep.count() != n {
		t.Errorf("reports after sign-out: %d, want %d", rep.count(), n)
	}
}
