package rebuilds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// world is one test's stream on the real Redis, a live store projected from it by a
// real projector, and a reference store that never rebuilds.
type world struct {
	t         *testing.T
	rdb       *redis.Client
	stream    string
	live, ref *store.Store
	entries   []ledger.Entry
	published int
	cancel    context.CancelFunc
	projDone  chan error
}

func newWorld(t *testing.T, conversations int) *world {
	t.Helper()
	addr := os.Getenv("BILLIE_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	w := &world{t: t, rdb: rdb, stream: fmt.Sprintf("test:rebuild:%d", rand.Uint64()), entries: simEntries(t, conversations)}
	dir := t.TempDir()
	var err error
	if w.live, err = store.Open(context.Background(), filepath.Join(dir, "live.db"), store.Options{}); err != nil {
		t.Fatal(err)
	}
	if w.ref, err = store.Open(context.Background(), filepath.Join(dir, "ref.db"), store.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	p := projector.New(rdb, w.live, projector.Config{Stream: w.stream, Group: "g", Consumer: "c1", DeadLetterStream: w.stream + ":dead",
		Block: 50 * time.Millisecond, LeaseTTL: time.Second}, quiet)
	w.projDone = make(chan error, 1)
	go func() { w.projDone <- p.Run(ctx) }()
	t.Cleanup(func() {
		w.cancel()
		<-w.projDone
		rdb.Del(context.Background(), w.stream, w.stream+":dead", w.stream+":lease:g", "{"+w.stream+"}:lease:g")
		rdb.Close()
		w.live.Close()
		w.ref.Close()
	})
	return w
}

func simEntries(t *testing.T, n int) []ledger.Entry {
	t.Helper()
	out, err := simulator.Entries(simulator.Options{Conversations: n, Seed: 21, Messy: true,
		Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), History: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// publish adds the next n entries to the stream under their own IDs and applies
// them to the reference store.
func (w *world) publish(n int) {
	w.t.Helper()
	ctx := context.Background()
	n = min(n, len(w.entries)-w.published)
	batch := w.entries[w.published : w.published+n]
	pipe := w.rdb.Pipeline()
	for _, e := range batch {
		values := make(map[string]any, len(e.Fields))
		for k, v := range e.Fields {
			values[k] = v
		}
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: w.stream, ID: e.ID, Values: values})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		w.t.Fatal(err)
	}
	copies := slices.Clone(batch)
	ledger.DecodeEntries(copies, nil)
	if _, err := w.ref.ApplyBatch(ctx, "g", copies); err != nil {
		w.t.Fatal(err)
	}
	w.published += n
}

// settle waits until the live projector applied everything published.
func (w *world) settle() {
	w.t.Helper()
	want, _ := ledger.ParseID(w.entries[w.published-1].ID)
	for i := 0; ; i++ {
		got, err := w.live.Checkpoint(context.Background(), "g")
		if err == nil && got == want {
			return
		}
		if i > 3000 {
			w.t.Fatalf("projector stuck at %s, want %s (%v)", got, want, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rows are every read-model table's rows of s.
func rows(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range append(slices.Clone(store.ReadModelTables), "counters") {
		r, err := s.Rows(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = r
	}
	return out
}

func sameRows(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	for table, w := range want {
		if !slices.Equal(got[table], w) {
			t.Errorf("%s: %s differs: %d rows against %d", what, table, len(got[table]), len(w))
		}
	}
}

// deadLetters are the dead letters' ids and reasons.
func deadLetters(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	ids, err := s.DeadLetterIDs(ctx, store.DeadLetterFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		d, err := s.DeadLetter(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// Not the time nor the consumer: they say when and by whom it was handled.
		out[i] = fmt.Sprintf("%s|%s|%s|%s|%v", d.ID, d.Type, d.ConversationID, d.Reason, d.Fields)
	}
	slices.Sort(out)
	return out
}

type memAudit struct {
	mu      sync.Mutex
	actions []string
}

func (m *memAudit) Record(_ context.Context, actor, action, target, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.actions = append(m.actions, actor+" "+action)
	return nil
}

// TestRebuildWhileLive: a rebuild from the archive while entries keep arriving and
// readers keep reading ends with every read-model table, row by row, and the dead
// letters as a projection that never rebuilt has them; no read fails.
func TestRebuildWhileLive(t *testing.T) {
	for _, source := range []string{SourceArchive, SourceStream} {
		t.Run(source, func(t *testing.T) {
			w := newWorld(t, 150)
			half := len(w.entries) / 2
			w.publish(half)
			w.settle()
			ctx := context.Background()
			audit := &memAudit{}
			r := New(ctx, Config{Store: w.live, Checkpoint: "g", Redis: w.rdb, Stream: w.stream, Audit: audit, Log: quiet, BatchSize: 500,
				AfterBatch: func(int64) error { time.Sleep(5 * time.Millisecond); return nil }})

			stop := make(chan struct{})
			var failures, reads atomic.Int64
			var firstErr atomic.Value
			var wg sync.WaitGroup
			portal, err := w.live.PortalReader(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(2)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					_, err1 := w.live.Conversation(ctx, "x")
					_, err2 := portal.Conversations(ctx, "c", nil, 5)
					reads.Add(2)
					if err := errors.Join(err1, err2); err != nil {
						failures.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
				}
			}()
			go func() {
				defer wg.Done()
				for w.published < len(w.entries) {
					select {
					case <-stop:
						return
					default:
					}
					w.publish(40)
					time.Sleep(20 * time.Millisecond)
				}
			}()
			j, err := r.Start(ctx, "admin@example.com", Request{Source: source})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Start(ctx, "admin@example.com", Request{}); err == nil {
				t.Error("a second job started while one runs")
			}
			j, err = r.Wait(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			close(stop)
			wg.Wait()
			if j.State != Succeeded {
				t.Fatalf("job %s: %s", j.State, j.Error)
			}
			w.publish(len(w.entries))
			w.settle()
			if failures.Load() > 0 {
				t.Errorf("%d of %d reads failed, first: %v", failures.Load(), reads.Load(), firstErr.Load())
			}
			sameRows(t, "after the rebuild", rows(t, w.live), rows(t, w.ref))
			if got, want := deadLetters(t, w.live), deadLetters(t, w.ref); !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("dead letters: %d against %d", len(got), len(want))
			}
			if want := []string{"admin@example.com rebuild.start", "admin@example.com rebuild.succeed"}; !slices.Equal(audit.actions, want) {
				t.Errorf("audit %v, want %v", audit.actions, want)
			}
			if _, err := os.Stat(w.live.Path() + store.ShadowSuffix); !os.IsNotExist(err) {
				t.Errorf("shadow left behind: %v", err)
			}
			t.Logf("%s: %d entries, %d reads during the job", source, j.Done, reads.Load())
		})
	}
}

// TestFailedOrCancelledRebuildLeavesTheLiveStore: a rebuild that fails part way, or is
// cancelled, leaves every live row as it was and no shadow behind.
func TestFailedOrCancelledRebuildLeavesTheLiveStore(t *testing.T) {
	w := newWorld(t, 80)
	w.publish(len(w.entries))
	w.settle()
	ctx := context.Background()
	before := rows(t, w.live)
	beforeDead := deadLetters(t, w.live)

	failing := New(ctx, Config{Store: w.live, Checkpoint: "g", Log: quiet, BatchSize: 300,
		AfterBatch: func(done int64) error {
			if done >= 900 {
				return errors.New("injected failure")
			}
			return nil
		}})
	j, err := failing.Start(ctx, "a", Request{})
	if err != nil {
		t.Fatal(err)
	}
	if j, _ = failing.Wait(ctx, j.ID); j.State != Failed || j.Error != "injected failure" {
		t.Errorf("failing job: %s %q", j.State, j.Error)
	}

	started := make(chan struct{})
	var once sync.Once
	slow := New(ctx, Config{Store: w.live, Checkpoint: "g", Log: quiet, BatchSize: 100,
		AfterBatch: func(int64) error {
			once.Do(func() { close(started) })
			time.Sleep(20 * time.Millisecond)
			return nil
		}})
	j, err = slow.Start(ctx, "a", Request{})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if j, err = slow.Cancel(ctx, "b", j.ID); err != nil || j.State != Cancelled {
		t.Errorf("cancelled job: %s %v", j.State, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(w.live.Path() + store.ShadowSuffix + suffix); !os.IsNotExist(err) {
			t.Errorf("shadow%s left behind: %v", suffix, err)
		}
	}
	sameRows(t, "after a failed and a cancelled rebuild", rows(t, w.live), before)
	if !slices.Equal(deadLetters(t, w.live), beforeDead) {
		t.Error("dead letters changed")
	}
	jobs, _ := slow.Jobs(ctx)
	if len(jobs) != 1 || jobs[0].State != Cancelled {
		t.Errorf("jobs %+v", jobs)
	}
}

// TestReplayJob: a replay job rebuilds a corrupted conversation while the projector runs.
func TestReplayJob(t *testing.T) {
	w := newWorld(t, 60)
	w.publish(len(w.entries))
	w.settle()
	ctx := context.Background()
	r := New(ctx, Config{Store: w.live, Checkpoint: "g", Log: quiet})
	since := w.entries[len(w.entries)/2].ID
	for _, req := range []Request{{Since: since}, {Since: "2026-11-01T12:00:00Z"}} {
		j, err := r.Start(ctx, "a", req)
		if err != nil {
			t.Fatal(err)
		}
		if j, _ = r.Wait(ctx, j.ID); j.State != Succeeded {
			t.Fatalf("replay %+v: %s %s", req, j.State, j.Error)
		}
	}
	sameRows(t, "after replays", rows(t, w.live), rows(t, w.ref))
	for _, bad := range []Request{{Since: "yesterday"}, {Source: "tape"}, {Since: since, Conversation: "c"}, {Source: SourceStream, Conversation: "c"}} {
		if _, err := r.Start(ctx, "a", bad); err == nil {
			t.Errorf("%+v started", bad)
		}
	}
}
