package projector

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

// The helper process: a projector configured from the environment, running until
// SIGTERM (a clean stop) or SIGKILL (a crash). The takeover test starts it.
func TestHelperProjectorProcess(t *testing.T) {
	if os.Getenv("BILLIE_HELPER_PROJECTOR") != "1" {
		t.Skip("started by TestTwoConsumersWithRenamesAndKillsProjectInStreamOrder")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, os.Getenv("HELPER_DB"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr()})
	defer rdb.Close()
	ttl, _ := strconv.Atoi(os.Getenv("HELPER_LEASE_MS"))
	stream := os.Getenv("HELPER_STREAM")
	p := New(rdb, st, Config{
		Stream: stream, Group: os.Getenv("HELPER_GROUP"), Consumer: os.Getenv("HELPER_CONSUMER"),
		DeadLetterStream: stream + ":dead", BatchSize: 13, Block: 50 * time.Millisecond,
		LeaseTTL: time.Duration(ttl) * time.Millisecond,
	}, quiet)
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// consumerProcess is one projector process of the takeover test.
type consumerProcess struct {
	name string
	cmd  *exec.Cmd
}

func startConsumer(t *testing.T, h *harness, db, name string) *consumerProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProjectorProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BILLIE_HELPER_PROJECTOR=1", "HELPER_DB="+db, "HELPER_STREAM="+h.stream,
		"HELPER_GROUP="+h.cfg.Group, "HELPER_CONSUMER="+name, "HELPER_LEASE_MS=300")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &consumerProcess{name: name, cmd: cmd}
}

func (c *consumerProcess) stop(sig syscall.Signal) {
	_ = c.cmd.Process.Signal(sig)
	_ = c.cmd.Wait()
}

// Two projector processes on one database file, killed (-9), stopped or paused at
// random while the stream grows, each restarted under a new name (sometimes the old
// one), must leave the read models a clean single run leaves.
func TestTwoConsumersWithRenamesAndKillsProjectInStreamOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	h := newHarness(t)
	ctx := context.Background()
	dir := t.TempDir()
	chaosDB := filepath.Join(dir, "chaos.db")
	// The store migrates the file before any process uses it.
	if st, err := store.Open(ctx, chaosDB, store.Options{}); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	if err := h.rdb.XGroupCreateMkStream(ctx, h.stream, h.cfg.Group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	entries := simulated(t, 80)
	t.Logf("%d entries", len(entries))
	produced := make(chan string, 1)
	go func() {
		var last string
		for i := 0; i < len(entries); i += 10 {
			ids := h.add(entries[i:min(i+10, len(entries))]...)
			last = ids[len(ids)-1]
			time.Sleep(5 * time.Millisecond)
		}
		produced <- last
	}()

	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	n := 0
	next := func(old string) string {
		if old != "" && rng.IntN(4) == 0 {
			return old // restarted under the same name
		}
		n++
		return fmt.Sprintf("projector-host%d", n)
	}
	live := []*consumerProcess{startConsumer(t, h, chaosDB, next("")), startConsumer(t, h, chaosDB, next(""))}
	defer func() {
		for _, c := range live {
			c.stop(syscall.SIGKILL)
		}
	}()
	var last string
	for kills := 0; last == "" || kills < 12; kills++ {
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		i := rng.IntN(len(live))
		if rng.IntN(4) == 0 {
			// Paused past the lease's expiry, then going on as if nothing happened:
			// what it read meanwhile must not be applied after what the next holder
			// applied.
			_ = live[i].cmd.Process.Signal(syscall.SIGSTOP)
			time.Sleep(time.Duration(350+rng.IntN(400)) * time.Millisecond)
			_ = live[i].cmd.Process.Signal(syscall.SIGCONT)
			continue
		}
		sig := syscall.SIGKILL
		if rng.IntN(4) == 0 {
			sig = syscall.SIGTERM
		}
		live[i].stop(sig)
		live[i] = startConsumer(t, h, chaosDB, next(live[i].name))
		select {
		case last = <-produced:
		default:
		}
	}
	for _, c := range live {
		c.stop(syscall.SIGKILL)
	}
	live = nil

	// A last consumer, under a new name, finishes what the killed ones left.
	chaos, err := store.Open(ctx, chaosDB, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer chaos.Close()
	finish(t, h, chaos, h.cfg.Group, "projector-final", last)
	clean, err := store.Open(ctx, filepath.Join(dir, "clean.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer clean.Close()
	finish(t, h, clean, "clean", "once", last)

	want, got := dumpReadModels(t, filepath.Join(dir, "clean.db")), dumpReadModels(t, chaosDB)
	for _, table := range readModelTables {
		w, g := want[table.name], got[table.name]
		if len(w) == 0 {
			t.Errorf("%s: the clean run has no rows", table.name)
		}
		diff := 0
		for i := range max(len(w), len(g)) {
			if i >= len(w) || i >= len(g) || w[i] != g[i] {
				if diff < 2 {
					t.Errorf("%s row %d:\n clean %s\n  runs %s", table.name, i, at(w, i), at(g, i))
				}
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%s: %d of %d rows differ from a clean run", table.name, diff, len(w))
		}
	}
}

func at(rows []string, i int) string {
	if i >= len(rows) {
		return "(none)"
	}
	if len(rows[i]) > 600 {
		return rows[i][:600] + "..."
	}
	return rows[i]
}

// simulated is a messy simulated workload of n conversations.
func simulated(t *testing.T, n int) []map[string]string {
	t.Helper()
	g, err := simulator.New(simulator.Options{Conversations: n, Seed: 11, Messy: true,
		Start: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), History: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for e, ok := g.Next(); ok; e, ok = g.Next() {
		out = append(out, e.Fields)
	}
	return out
}

// finish runs one projector of group into st until last is applied and nothing is
// pending.
func finish(t *testing.T, h *harness, st *store.Store, group, consumer, last string) {
	t.Helper()
	cfg := h.cfg
	cfg.Group, cfg.Consumer, cfg.BatchSize = group, consumer, 500
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(h.rdb, st, cfg, quiet).Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", consumer, err)
		}
	}()
	want, err := ledger.ParseID(last)
	if err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(20 * time.Millisecond) {
		got, err := st.Checkpoint(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		pending, err := h.rdb.XPending(ctx, h.stream, group).Result()
		if err == nil && got.Compare(want) >= 0 && pending.Count == 0 {
			return
		}
	}
	t.Fatalf("%s never applied up to %s with nothing pending", consumer, last)
}

// readModelTables are every read-model table, with the columns compared (all but
// wall-clock times) in a stable order.
var readModelTables = []struct{ name, query string }{
	{"conversations", "SELECT * FROM conversations ORDER BY id"},
	{"messages", "SELECT * FROM messages ORDER BY id"},
	{"customers", "SELECT * FROM customers ORDER BY id"},
	{"customers_fts", "SELECT id, name, email FROM customers_fts ORDER BY id, name, email"},
	{"applications", "SELECT * FROM applications ORDER BY number"},
	{"portal_applications", "SELECT * FROM portal_applications ORDER BY customer_id, application_id"},
	{"portal_conversations", "SELECT * FROM portal_conversations ORDER BY customer_id, conversation_id"},
	{"events", "SELECT * FROM events ORDER BY pos"},
	{"dead_letters", "SELECT ms, seq, reason, fields FROM dead_letters ORDER BY ms, seq"},
}

func dumpReadModels(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, table := range readModelTables {
		rows, err := db.Query(table.query)
		if err != nil {
			t.Fatalf("%s: %v", table.name, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			out[table.name] = append(out[table.name], b.String())
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
