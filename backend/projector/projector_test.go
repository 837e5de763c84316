package projector

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// harness is one test's stream, group and store on the real Redis.
type harness struct {
	t      *testing.T
	rdb    *redis.Client
	st     *store.Store
	stream string
	cfg    Config
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr()})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v (start one: redis-server --port 6379)", redisAddr(), err)
	}
	stream := fmt.Sprintf("test:projector:%d", rand.Uint64())
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "read.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rdb.Del(context.Background(), stream, stream+":dead")
		rdb.Close()
		st.Close()
	})
	return &harness{t: t, rdb: rdb, st: st, stream: stream, cfg: Config{
		Stream: stream, Group: "g", Consumer: "c1", DeadLetterStream: stream + ":dead",
		BatchSize: 7, Block: 50 * time.Millisecond, LeaseTTL: 300 * time.Millisecond,
	}}
}

func redisAddr() string {
	if a := os.Getenv("BILLIE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func (h *harness) add(entries ...map[string]string) []string {
	h.t.Helper()
	ids := make([]string, len(entries))
	for i, e := range entries {
		values := make(map[string]any, len(e))
		for k, v := range e {
			values[k] = v
		}
		id, err := h.rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: h.stream, Values: values}).Result()
		if err != nil {
			h.t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

func fixture(t *testing.T) []map[string]string {
	t.Helper()
	f, err := os.Open("testdata/conversation-approved.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]string
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// run starts a projector with cfg and returns a stop function that waits for it.
func (h *harness) run(cfg Config) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	p := New(h.rdb, h.st, cfg, quiet)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return func() error { cancel(); return <-done }
}

// waitApplied waits until the checkpoint reaches id and nothing is pending.
func (h *harness) waitApplied(id string) {
	h.t.Helper()
	want, err := ledger.ParseID(id)
	if err != nil {
		h.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		got, err := h.st.Checkpoint(context.Background(), h.cfg.Group)
		if err != nil {
			h.t.Fatal(err)
		}
		pending, err := h.rdb.XPending(context.Background(), h.stream, h.cfg.Group).Result()
		if err == nil && got.Compare(want) >= 0 && pending.Count == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("checkpoint never reached %s with nothing pending", id)
}

func (h *harness) counts() store.Counts {
	h.t.Helper()
	c, err := h.st.Counters(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) checkFixture() {
	h.t.Helper()
	ctx := context.Background()
	c, err := h.st.Conversation(ctx, "conv-7f3a91")
	if err != nil || c == nil {
		h.t.Fatalf("conversation: %v, %v", c, err)
	}
	msgs, err := h.st.Messages(ctx, c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	if c.MessageCount != 12 || len(msgs) != 12 || c.Decision != "APPROVED" {
		h.t.Errorf("conversation: %d messages (%d rows), decision %q", c.MessageCount, len(msgs), c.Decision)
	}
	if got := h.counts(); got.Applied != 27 || got.Skipped != 1 || got.DeadLettered != 0 {
		h.t.Errorf("counters = %+v, want 27 applied, 1 skipped", got)
	}
}

func TestProjectsFixtureEndToEnd(t *testing.T) {
	h := newHarness(t)
	ids := h.add(fixture(t)...)
	stop := h.run(h.cfg)
	h.waitApplied(ids[len(ids)-1])
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	h.checkFixture()
}

func TestLiveEntriesArriveAfterStart(t *testing.T) {
	h := newHarness(t)
	stop := h.run(h.cfg)
	defer stop()
	entries := fixture(t)
	h.waitGroup()
	ids := h.add(entries[:10]...)
	h.waitApplied(ids[len(ids)-1])
	ids = h.add(entries[10:]...)
	h.waitApplied(ids[len(ids)-1])
	h.checkFixture()
}

func (h *harness) waitGroup() {
	h.t.Helper()
	for range 500 {
		if groups, err := h.rdb.XInfoGroups(context.Background(), h.stream).Result(); err == nil && len(groups) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatal("group never created")
}

// A crash between commit and acknowledge: the batch is in the store but still
// pending. The restarted consumer must acknowledge it without applying it twice.
func TestRedeliveryAfterCrashBeforeAck(t *testing.T) {
	h := newHarness(t)
	ids := h.add(fixture(t)...)
	ctx := context.Background()
	msgs := h.readAs(h.cfg.Consumer, h.cfg.BatchSize)
	if _, err := h.st.ApplyBatch(ctx, h.cfg.Group, msgs); err != nil {
		t.Fatal(err)
	}
	stop := h.run(h.cfg) // same consumer name: reclaims its own pending first
	h.waitApplied(ids[len(ids)-1])
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	h.checkFixture()
	if got := h.counts().Redelivered; got != int64(h.cfg.BatchSize) {
		t.Errorf("redelivered = %d, want %d", got, h.cfg.BatchSize)
	}
}

// A consumer that read entries and died before applying them: another consumer takes
// them over and applies them first.
func TestSecondConsumerTakesOverDeadConsumersEntries(t *testing.T) {
	h := newHarness(t)
	entries := fixture(t)
	h.add(entries[:10]...)
	h.readAs(h.cfg.Consumer, h.cfg.BatchSize)
	ids := h.add(entries[10:]...)
	cfg := h.cfg
	cfg.Consumer = "c2"
	stop := h.run(cfg)
	h.waitApplied(ids[len(ids)-1])
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	h.checkFixture()
}

func TestDeadLettersReachTheDeadLetterStreamAndAreAcknowledged(t *testing.T) {
	h := newHarness(t)
	ids := h.add(
		map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1", "seq": "1", "dat": "{broken"},
		map[string]string{"agt": "broker", "typ": "user_input", "seq": "2", "dat": `{"utterance":"no cid"}`},
		map[string]string{"agt": "identity_agent", "typ": "heartbeat", "dat": "{also broken"},
		map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1", "seq": "3", "dat": `{"utterance":"fine"}`},
	)
	stop := h.run(h.cfg)
	h.waitApplied(ids[len(ids)-1])
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	dead, err := h.rdb.XRange(context.Background(), h.cfg.DeadLetterStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 {
		t.Fatalf("dead letters = %d, want 2", len(dead))
	}
	first := dead[0].Values
	if first["x_original_id"] != ids[0] || first["dat"] != "{broken" || first["x_consumer"] != "c1" || first["x_reason"] == "" || first["x_dead_at"] == "" {
		t.Errorf("dead letter fields = %v", first)
	}
	c := h.counts()
	if c.DeadLettered != 2 || c.Skipped != 1 || c.Applied != 1 {
		t.Errorf("counters = %+v", c)
	}
}

// Stopping between batches, then starting again, applies every entry exactly once.
func TestRestartInTheMiddleResumesWithoutDuplicates(t *testing.T) {
	h := newHarness(t)
	entries := fixture(t)
	ids := h.add(entries...)
	cfg := h.cfg
	cfg.BatchSize = 3
	for i := 0; ; i++ {
		stop := h.run(cfg)
		time.Sleep(time.Duration(5+i*5) * time.Millisecond)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		last, err := h.st.Checkpoint(context.Background(), cfg.Group)
		if err != nil {
			t.Fatal(err)
		}
		if last.String() == ids[len(ids)-1] {
			break
		}
		if i > 200 {
			t.Fatal("never finished")
		}
	}
	h.waitApplied(ids[len(ids)-1])
	h.checkFixture()
}
