package reader

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
)

func testRedisAddr() string {
	if a := os.Getenv("BILLIE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// Every source reads every value of a repeated field name, on both protocols: new
// entries, own pending ones, taken-over ones and a tail's.
func TestSourcesKeepRepeatedFields(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			ctx := context.Background()
			rdb := redis.NewClient(&redis.Options{Addr: testRedisAddr(), Protocol: proto})
			t.Cleanup(func() { rdb.Close() })
			stream := fmt.Sprintf("test:reader:%d", rand.Uint64())
			t.Cleanup(func() { rdb.Del(context.Background(), stream) })
			id, err := rdb.Do(ctx, "XADD", stream, "*", "agt", "broker", "cid", "c1", "note", "a", "cid", "c2").Text()
			if err != nil {
				t.Fatal(err)
			}
			want := ledger.Entry{ID: id, Fields: map[string]string{"agt": "broker", "cid": "c2", "note": "a"},
				Shadowed: []ledger.Field{{Name: "cid", Value: "c1"}}}
			check := func(what string, got []ledger.Entry, err error) {
				t.Helper()
				if err != nil || len(got) != 1 || got[0].ID != want.ID || !reflect.DeepEqual(got[0].Fields, want.Fields) ||
					!reflect.DeepEqual(got[0].Shadowed, want.Shadowed) {
					t.Errorf("%s: %+v, %v; want %+v", what, got, err, want)
				}
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			cfg := GroupConfig{Stream: stream, Group: "g", Consumer: "dead", Count: 10, Block: 10 * time.Millisecond,
				ClaimIdle: time.Millisecond, ClaimEvery: time.Hour}
			dead := NewGroup(rdb, cfg, log)
			if err := dead.Create(ctx); err != nil {
				t.Fatal(err)
			}
			dead.pendingAfter = "" // nothing of its own yet
			dead.nextClaim = time.Now().Add(time.Hour)
			got, err := dead.Next(ctx)
			check("new entries", got, err)
			got, err = NewGroup(rdb, cfg, log).Next(ctx) // the same consumer again: its own pending
			check("own pending", got, err)
			cfg.Consumer = "live"
			live := NewGroup(rdb, cfg, log)
			live.pendingAfter = ""
			time.Sleep(5 * time.Millisecond)
			got, err = live.Next(ctx)
			check("taken over", got, err)
			got, err = NewTail(rdb, stream, ledger.ID{}, 10, 10*time.Millisecond).Next(ctx)
			check("tail", got, err)
			if got, err := NewTail(rdb, stream, mustParse(t, id), 10, 10*time.Millisecond).Next(ctx); err != nil || len(got) != 0 {
				t.Errorf("tail after the last entry: %v, %v", got, err)
			}
		})
	}
}

func mustParse(t *testing.T, s string) ledger.ID {
	t.Helper()
	id, err := ledger.ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
