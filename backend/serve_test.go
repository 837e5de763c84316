package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// The minimal case through `backend serve`: an entry read by a consumer that
// crashed, then a later entry for the same application; `serve --consumer live` must
// end with the later amount.
func TestServeUnderANewNameAppliesWhatTheOldNameLeftPendingFirst(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	stream := fmt.Sprintf("test:serve:%d", rand.Uint64())
	defer rdb.Del(ctx, stream, stream+":dead")
	if err := rdb.XGroupCreateMkStream(ctx, stream, "g", "0").Err(); err != nil {
		t.Fatal(err)
	}
	add := func(amount string) string {
		id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: map[string]any{
			"agt": "broker", "typ": "applicationDetail_changed", "cid": "conv-1", "aid": "APP-1",
			"tsp": "2026-11-30T10:00:00Z", "dat": `{"applicationNumber":"APP-1","loanAmount":` + amount + `}`}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	add("500")
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "crashed", Streams: []string{stream, ">"}, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	last := add("900")

	db := filepath.Join(t.TempDir(), "b.db")
	st, err := store.Open(ctx, db, store.Options{}) // migrated before serve opens it
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root := newRootCmd(func(string) (string, bool) { return "", false })
	root.SetArgs([]string{"serve", "--stream", stream, "--dead-letter-stream", stream + ":dead", "--group", "g",
		"--consumer", "live", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "error"})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(serveCtx) }()
	want, _ := ledger.ParseID(last)
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		got, err := st.Checkpoint(ctx, "g")
		pending, perr := rdb.XPending(ctx, stream, "g").Result()
		if err == nil && perr == nil && got.Compare(want) >= 0 && pending.Count == 0 {
			break
		}
		if time.Since(start) > 30*time.Second {
			stop()
			<-done
			t.Fatalf("serve never applied up to %s with nothing pending (checkpoint %s, %d pending)", last, got, pending.Count)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	app, err := st.Application(ctx, "APP-1")
	if err != nil || app == nil {
		t.Fatalf("application: %v, %v", app, err)
	}
	if got := app.Detail["loanAmount"]; got != 900.0 {
		t.Errorf("loanAmount = %v, want 900", got)
	}
}

func TestLeaseTTLSetting(t *testing.T) {
	for _, c := range []struct {
		env  string
		want time.Duration
		bad  bool
	}{
		{"", 10 * time.Second, false},
		{"30s", 30 * time.Second, false},
		{"500ms", 0, true},
		{"soon", 0, true},
	} {
		got, err := leaseTTLFrom(c.env)
		if (err != nil) != c.bad || !c.bad && got != c.want {
			t.Errorf("BILLIE_LEASE_TTL=%q: %v, %v", c.env, got, err)
		}
	}
	_, err := runBackend(nil, "serve", "--lease-ttl", "0s", "--db", filepath.Join(t.TempDir(), "b.db"))
	if err == nil || !strings.Contains(err.Error(), "--lease-ttl") {
		t.Errorf("serve --lease-ttl 0s: %v, want refused", err)
	}
}
