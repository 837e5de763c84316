package app

// The desktop benchmark (not a timed test): scripts/bench-desktop.sh runs it. It
// needs a Redis and a stream filled with the simulator, which BenchmarkDesktopFill
// makes (in its own process, so the generator's memory does not count against the
// desktop's).
//
//	BILLIE_BENCH_REDIS          Redis URL (redis://127.0.0.1:6379/0)
//	BILLIE_BENCH_STREAM         stream key (bench:desktop)
//	BILLIE_BENCH_CONVERSATIONS  simulated conversations (100000)
//	BILLIE_BENCH_DIR            data directory for the cache (a temporary one)
//	BILLIE_BENCH_LIVE           seconds of live traffic at 200 events/s (30)
//	BILLIE_BENCH_REUSE          set: keep the cache in BILLIE_BENCH_DIR, skip catch-up
//	BILLIE_BENCH_RESUME         set: catch up from the cache in BILLIE_BENCH_DIR (a copy of a
//	                            partial cache times one stretch of the stream)

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

type benchEnv struct {
	redisURL, stream, dir string
	conversations, live   int
}

func benchEnvOf(b *testing.B) benchEnv {
	e := benchEnv{redisURL: or(os.Getenv("BILLIE_BENCH_REDIS"), defaultRedisURL),
		stream: or(os.Getenv("BILLIE_BENCH_STREAM"), "bench:desktop"), dir: os.Getenv("BILLIE_BENCH_DIR"),
		conversations: 100_000, live: 30}
	for key, dst := range map[string]*int{"BILLIE_BENCH_CONVERSATIONS": &e.conversations, "BILLIE_BENCH_LIVE": &e.live} {
		if v := os.Getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				b.Fatalf("%s: %v", key, err)
			}
			*dst = n
		}
	}
	if e.dir == "" {
		e.dir = b.TempDir()
	}
	return e
}

func benchRedis(b *testing.B, url string) *redis.Client {
	o, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(o)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		b.Fatalf("redis at %s: %v", url, err)
	}
	b.Cleanup(func() { rdb.Close() })
	return rdb
}

// BenchmarkDesktopFill fills the benchmark stream unless it already holds the
// simulated conversations (a marker key records what was published).
func BenchmarkDesktopFill(b *testing.B) {
	e := benchEnvOf(b)
	rdb := benchRedis(b, e.redisURL)
	ctx := context.Background()
	marker := e.stream + ":filled"
	want := strconv.Itoa(e.conversations)
	if got, _ := rdb.Get(ctx, marker).Result(); got == want {
		n, _ := rdb.XLen(ctx, e.stream).Result()
		fmt.Printf("stream %s already holds %d conversations (%d entries)\n", e.stream, e.conversations, n)
		return
	}
	rdb.Del(ctx, e.stream, marker)
	g, err := simulator.New(simulator.Options{Conversations: e.conversations, Seed: 1, Start: time.Now(), History: 30 * 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	next := started
	stats, err := simulator.Publish(ctx, rdb, e.stream, g, simulator.PublishOptions{Batch: 1000}, func(s simulator.Stats) {
		if time.Now().After(next) {
			fmt.Printf("  filling: %d entries, %d conversations (%s)\n", s.Sent, s.Conversations, s.Elapsed.Round(time.Second))
			next = time.Now().Add(15 * time.Second)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	rdb.Set(ctx, marker, want, 0)
	fmt.Printf("filled %s: %d entries, %d conversations in %s\n", e.stream, stats.Sent, stats.Conversations, time.Since(started).Round(time.Second))
}

// BenchmarkDesktop measures the desktop against the filled stream and prints a table.
func BenchmarkDesktop(b *testing.B) {
	e := benchEnvOf(b)
	rdb := benchRedis(b, e.redisURL)
	ctx := context.Background()
	total, err := rdb.XLen(ctx, e.stream).Result()
	if err != nil || total == 0 {
		b.Fatalf("stream %s is empty (%v): run BenchmarkDesktopFill first", e.stream, err)
	}
	backend := newFakeBackend(b)
	env := testEnv{dir: e.dir, redisURL: e.redisURL, stream: e.stream, backend: backend.URL}
	r := benchResults{entries: total}

	if os.Getenv("BILLIE_BENCH_REUSE") == "" {
		r.catchUp(b, env, rdb)
	}
	r.firstPage(b, env, backend)
	a := r.app
	r.search(b, a)
	r.live(b, a, rdb, e)
	r.rss = readStatus("VmRSS")
	a.Shutdown(ctx)
	r.print(e)
}

type benchResults struct {
	app                        *App
	ev                         *events
	entries                    int64
	catchUpTook                time.Duration
	catchUpPeakRSS             int64
	peakAnon, peakFile         int64 // sampled during catch-up: heap and page caches / mapped file
	cacheBytes                 int64
	launch, firstPageTook      time.Duration
	searchP50, searchP95, sMax time.Duration
	searches                   int
	firstP50, firstP95         time.Duration // first run of each query
	againP50, againP95         time.Duration // its four repeats
	slowest                    string
	liveP50, liveP99           time.Duration
	liveSamples                int
	liveEmits                  int
	liveEvents                 int
	rss                        int64
}

// catchUp starts an app on an empty data directory and times it until it has
// applied the whole stream.
func (r *benchResults) catchUp(b *testing.B, env testEnv, rdb *redis.Client) {
	resume := os.Getenv("BILLIE_BENCH_RESUME") != ""
	if !resume {
		for _, f := range []string{cacheFile, cacheFile + "-wal", cacheFile + "-shm", cacheIdentityName, sessionName} {
			os.Remove(filepath.Join(env.dir, f))
		}
	}
	last, err := rdb.XRevRangeN(context.Background(), env.stream, "+", "-", 1).Result()
	if err != nil || len(last) == 0 {
		b.Fatal(err)
	}
	resetPeakRSS()
	a := newApp(options{defaults: env.defaults(), open: store.Open, now: time.Now, log: quiet})
	started := time.Now()
	a.start(context.Background(), func(string, any) {})
	next := time.Now().Add(10 * time.Second)
	for {
		s, _ := a.Connection()
		r.peakAnon = max(r.peakAnon, readStatus("RssAnon"))
		r.peakFile = max(r.peakFile, readStatus("RssFile"))
		if s.LastAppliedID == last[0].ID && s.Behind == 0 {
			break
		}
		if time.Now().After(next) {
			el := time.Since(started)
			fmt.Printf("  catching up: %d applied, %d behind, %.0f events/s\n", s.Applied, s.Behind, float64(s.Applied)/el.Seconds())
			next = time.Now().Add(10 * time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.catchUpTook = time.Since(started)
	r.catchUpPeakRSS = readStatus("VmHWM")
	if resume {
		s, _ := a.Connection()
		r.entries = s.Applied
	}
	a.Shutdown(context.Background())
	if fi, err := os.Stat(filepath.Join(env.dir, cacheFile)); err == nil {
		r.cacheBytes = fi.Size()
	}
}

// firstPage launches the app on the filled cache, as a supervisor's restart does,
// and times until the first grid page is in hand (the session is restored from
// disk, so no sign-in is in the way).
func (r *benchResults) firstPage(b *testing.B, env testEnv, backend *fakeBackend) {
	// Sign in once so the restart finds a stored session.
	pre := newApp(options{defaults: env.defaults(), open: store.Open, now: time.Now, log: quiet})
	pre.start(context.Background(), func(string, any) {})
	if _, err := pre.SignIn("ada@example.com", backend.password); err != nil {
		b.Fatal(err)
	}
	pre.Shutdown(context.Background())

	r.ev = newEvents()
	started := time.Now()
	a := newApp(options{defaults: env.defaults(), open: store.Open, now: time.Now, log: quiet})
	a.start(context.Background(), r.ev.emit)
	if s, err := a.Session(); err != nil || s == nil {
		b.Fatalf("session not restored: %v", err)
	}
	r.launch = time.Since(started)
	p, err := a.ListConversations(ConversationQuery{Limit: 60})
	if err != nil || len(p.Items) != 60 {
		b.Fatalf("first page: %d items, %v", len(p.Items), err)
	}
	r.firstPageTook = time.Since(started)
	r.app = a
}

// benchQueries are what supervisors type: names, numbers, decisions, message words,
// and prefixes on the way to them (the search box filters as one types).
func benchQueries(b *testing.B, a *App) []string {
	q := []string{"smith", "nguyen", "papadopoulos", "wang", "oliver", "jo", "mar", "chloe brown",
		"approved", "declined", "withdrawn", "decl",
		"surgery", "licence", "lic", "passport", "pass", "vet bills", "rego", "dentist", "funeral",
		"forklift", "fridge", "medicare", "statement", "my licence", "expired", "fraud"}
	a.mu.RLock()
	rows, err := cacheDB(b, a).Query("SELECT number FROM applications ORDER BY random() LIMIT 4")
	a.mu.RUnlock()
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			b.Fatal(err)
		}
		q = append(q, n, strings.ToLower(n[:len(n)-2]))
	}
	return q
}

// search times ListConversations for every query as the window calls it (first
// page of 60): the whole list once, then four more times. The first pass meets
// cold page caches (a new process after catch-up); the repeats show a warm session.
func (r *benchResults) search(b *testing.B, a *App) {
	var all, first, again []time.Duration
	slowest := map[string]time.Duration{}
	queries := benchQueries(b, a)
	for pass := range 5 {
		for _, q := range queries {
			t := time.Now()
			if _, err := a.ListConversations(ConversationQuery{Search: q, Limit: 60}); err != nil {
				b.Fatalf("search %q: %v", q, err)
			}
			d := time.Since(t)
			all = append(all, d)
			if pass == 0 {
				first = append(first, d)
			} else {
				again = append(again, d)
			}
			slowest[q] = max(slowest[q], d)
		}
	}
	for _, l := range [][]time.Duration{all, first, again} {
		slices.Sort(l)
	}
	r.searches = len(all)
	r.searchP50, r.searchP95, r.sMax = pct(all, 50), pct(all, 95), all[len(all)-1]
	r.firstP50, r.firstP95, r.againP50, r.againP95 = pct(first, 50), pct(first, 95), pct(again, 50), pct(again, 95)
	qs := make([]string, 0, len(slowest))
	for q := range slowest {
		qs = append(qs, q)
	}
	slices.SortFunc(qs, func(x, y string) int { return cmp.Compare(slowest[y], slowest[x]) })
	var worst []string
	for _, q := range qs[:min(6, len(qs))] {
		worst = append(worst, fmt.Sprintf("%s %s", strconv.Quote(q), slowest[q].Round(100*time.Microsecond)))
	}
	r.slowest = strings.Join(worst, ", ")
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// live publishes new conversations at 200 events/s and measures, for every message
// in a ledger:batch, the time from its XADD (the stream id is Redis's clock at
// XADD, on this machine) to the emit.
func (r *benchResults) live(b *testing.B, a *App, rdb *redis.Client, e benchEnv) {
	if e.live <= 0 {
		return
	}
	r.ev.mu.Lock()
	r.ev.list = nil
	r.ev.mu.Unlock()
	first := fmt.Sprintf("%d-0", time.Now().UnixMilli())
	g, err := simulator.New(simulator.Options{Conversations: 20_000, Seed: rand.Int64(), Start: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	stats, err := simulator.Publish(context.Background(), rdb, e.stream, g,
		simulator.PublishOptions{Rate: 200, Duration: time.Duration(e.live) * time.Second}, nil)
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(time.Second) // let the last batch through
	removeLive(b, rdb, e.stream, first)
	var lat []time.Duration
	r.ev.mu.Lock()
	for _, em := range r.ev.list {
		if em.name != EventBatch {
			continue
		}
		r.liveEmits++
		for _, m := range em.data.(LedgerBatch).Messages {
			ms, _, _ := strings.Cut(m.StreamID, "-")
			at, err := strconv.ParseInt(ms, 10, 64)
			if err == nil {
				lat = append(lat, em.at.Sub(time.UnixMilli(at)))
			}
		}
	}
	r.ev.mu.Unlock()
	slices.Sort(lat)
	r.liveEvents, r.liveSamples = stats.Sent, len(lat)
	r.liveP50, r.liveP99 = pct(lat, 50), pct(lat, 99)
}

// removeLive deletes the live phase's entries, so the next run catches up on the
// same stream it filled.
func removeLive(b *testing.B, rdb *redis.Client, stream, from string) {
	ctx := context.Background()
	for {
		msgs, err := rdb.XRangeN(ctx, stream, from, "+", 1000).Result()
		if err != nil {
			b.Fatal(err)
		}
		if len(msgs) == 0 {
			return
		}
		ids := make([]string, len(msgs))
		for i, m := range msgs {
			ids[i] = m.ID
		}
		if err := rdb.XDel(ctx, stream, ids...).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func (r *benchResults) print(e benchEnv) {
	rate := float64(r.entries) / max(r.catchUpTook.Seconds(), 1e-9)
	rows := [][4]string{
		{"catch-up rate", fmt.Sprintf("%.0f events/s (%d entries in %s)", rate, r.entries, r.catchUpTook.Round(time.Second)), ">= 20000 events/s", verdict(rate >= 20000)},
		{"launch to first grid page", fmt.Sprintf("%s (session restored in %s)", r.firstPageTook.Round(time.Millisecond), r.launch.Round(time.Millisecond)), "< 1.5 s", verdict(r.firstPageTook < 1500*time.Millisecond)},
		{"search latency p50 / p95", fmt.Sprintf("%s / %s (max %s, %d searches)", r.searchP50.Round(100*time.Microsecond), r.searchP95.Round(100*time.Microsecond), r.sMax.Round(time.Millisecond), r.searches), "p95 < 50 ms", verdict(r.searchP95 < 50*time.Millisecond)},
		{"  first run of each query", fmt.Sprintf("%s / %s", r.firstP50.Round(100*time.Microsecond), r.firstP95.Round(100*time.Microsecond)), "", ""},
		{"  repeats", fmt.Sprintf("%s / %s", r.againP50.Round(100*time.Microsecond), r.againP95.Round(100*time.Microsecond)), "", ""},
		{"XADD to emit p50 / p99", fmt.Sprintf("%s / %s (%d messages, %d emits, %d events at 200/s)", r.liveP50.Round(time.Millisecond), r.liveP99.Round(time.Millisecond), r.liveSamples, r.liveEmits, r.liveEvents), "p99 < 250 ms", verdict(r.liveP99 < 250*time.Millisecond)},
		{"RSS peak catch-up / after live", fmt.Sprintf("%d MB / %d MB (catch-up: anon %d MB, file-backed %d MB)",
			r.catchUpPeakRSS>>20, r.rss>>20, r.peakAnon>>20, r.peakFile>>20), "< 400 MB", verdict(max(r.catchUpPeakRSS, r.rss) < 400<<20)},
		{"cache size", fmt.Sprintf("%d MB", r.cacheBytes>>20), "", ""},
	}
	fmt.Printf("\nDesktop benchmark: %d simulated conversations, stream %s\n", e.conversations, e.stream)
	fmt.Printf("%-32s %-62s %-20s %s\n", "measure", "result", "target", "")
	for _, row := range rows {
		fmt.Printf("%-32s %-62s %-20s %s\n", row[0], row[1], row[2], row[3])
	}
	fmt.Printf("slowest searches: %s\n", r.slowest)
	if out := os.Getenv("BILLIE_BENCH_JSON"); out != "" {
		b, _ := json.MarshalIndent(map[string]any{
			"entries": r.entries, "catchUpSeconds": r.catchUpTook.Seconds(), "catchUpEventsPerSecond": rate,
			"firstPageMs": r.firstPageTook.Milliseconds(), "searchP50Ms": float64(r.searchP50.Microseconds()) / 1000,
			"searchP95Ms": float64(r.searchP95.Microseconds()) / 1000, "liveP50Ms": r.liveP50.Milliseconds(),
			"searchFirstP95Ms": float64(r.firstP95.Microseconds()) / 1000, "searchRepeatP95Ms": float64(r.againP95.Microseconds()) / 1000,
			"liveP99Ms": r.liveP99.Milliseconds(), "peakRssMB": r.catchUpPeakRSS >> 20, "rssMB": r.rss >> 20,
		}, "", "  ")
		_ = os.WriteFile(out, b, 0o644)
	}
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

var statusMu sync.Mutex

// readStatus reads a kB figure from /proc/self/status, in bytes.
func readStatus(key string) int64 {
	statusMu.Lock()
	defer statusMu.Unlock()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM afresh (Linux: writing 5 to clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200) }
