package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func testRedis(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	addr := os.Getenv("BILLIE_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	stream := fmt.Sprintf("test:reader:%d", rand.Uint64())
	t.Cleanup(func() {
		rdb.Del(context.Background(), stream, LeaseKey(stream, "g"))
		rdb.Close()
	})
	return rdb, stream
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestLeaseIsExclusiveUntilReleasedOrExpired(t *testing.T) {
	rdb, stream := testRedis(t)
	ctx := context.Background()
	a := NewLease(rdb, stream, "g", "a", time.Hour)
	b := NewLease(rdb, stream, "g", "b", time.Hour)
	sameName := NewLease(rdb, stream, "g", "a", time.Hour)
	steps := []struct {
		what  string
		lease *Lease
		do    func(*Lease) (bool, error)
		want  bool
	}{
		{"a takes the free lease", a, func(l *Lease) (bool, error) { return l.Acquire(ctx, false) }, true},
		{"b cannot take it", b, func(l *Lease) (bool, error) { return l.Acquire(ctx, true) }, false},
		{"a's next process waits unless it claims its own name", sameName, func(l *Lease) (bool, error) { return l.Acquire(ctx, false) }, false},
		{"a's next process takes over its own name's lease", sameName, func(l *Lease) (bool, error) { return l.Acquire(ctx, true) }, true},
		{"the old process of a has lost it", a, func(l *Lease) (bool, error) { return l.Renew(ctx) }, false},
		{"a's old process cannot release it", a, func(l *Lease) (bool, error) { return true, l.Release(ctx) }, true},
		{"b still cannot take it", b, func(l *Lease) (bool, error) { return l.Acquire(ctx, false) }, false},
		{"the holder releases it", sameName, func(l *Lease) (bool, error) { return true, l.Release(ctx) }, true},
		{"b takes it once released", b, func(l *Lease) (bool, error) { return l.Acquire(ctx, false) }, true},
		{"b renews it", b, func(l *Lease) (bool, error) { return l.Renew(ctx) }, true},
	}
	for _, s := range steps {
		got, err := s.do(s.lease)
		if err != nil || got != s.want {
			t.Fatalf("%s: %v, %v; want %v", s.what, got, err, s.want)
		}
	}
	if h, err := Holder(ctx, rdb, stream, "g"); err != nil || h != "b" {
		t.Errorf("holder = %q, %v; want b", h, err)
	}
	short := NewLease(rdb, stream+"x", "g", "c", 50*time.Millisecond)
	defer rdb.Del(ctx, LeaseKey(stream+"x", "g"))
	if ok, err := short.Acquire(ctx, false); !ok || err != nil {
		t.Fatalf("c: %v, %v", ok, err)
	}
	other := NewLease(rdb, stream+"x", "g", "d", time.Hour)
	for ok := false; !ok; {
		var err error
		if ok, err = other.Acquire(ctx, false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The fence: a member whose lease another consumer took reads nothing more, and the
// new holder starts with everything the old one left pending, in ID order.
func TestGroupReadsOnlyWhileHoldingTheLeaseAndClaimsEveryPendingEntryFirst(t *testing.T) {
	rdb, stream := testRedis(t)
	ctx := context.Background()
	cfg := GroupConfig{Stream: stream, Group: "g", Consumer: "old", Count: 3, Block: time.Millisecond}
	oldLease := NewLease(rdb, stream, "g", "old", time.Hour)
	old := NewGroup(rdb, cfg, oldLease, quiet)
	if err := old.Create(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 5 {
		id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: map[string]any{"n": i}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := old.Next(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("read without the lease: %v, want ErrLeaseLost", err)
	}
	if ok, err := oldLease.Acquire(ctx, false); !ok || err != nil {
		t.Fatal(ok, err)
	}
	var read []string
	for len(read) < 3 {
		entries, err := old.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			read = append(read, e.ID)
		}
	}
	// A consumer outside the lease (an older version, or redis-cli) holds one more.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "stray", Streams: []string{stream, ">"}, Count: 1, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, LeaseKey(stream, "g")) // as if it expired while "old" was paused
	newLease := NewLease(rdb, stream, "g", "new", time.Hour)
	if ok, err := newLease.Acquire(ctx, false); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, err := old.Next(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("old member read after losing the lease: %v, want ErrLeaseLost", err)
	}
	cfg.Consumer = "new"
	g := NewGroup(rdb, cfg, newLease, quiet)
	var got []string
	for range 10 {
		entries, err := g.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			got = append(got, e.ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("new holder read %v, want %v", got, ids)
	}
}
