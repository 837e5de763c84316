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
// entries, pending ones a new lease holder claims, and a tail's.
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
			cfg := GroupConfig{Stream: stream, Group: "g", Consumer: "dead", Count: 10, Block: 10 * time.Millisecond}
			next := func(g *Group) ([]ledger.Entry, error) { // past an empty claim pass
				for range 3 {
					if got, err := g.Next(ctx); err != nil || len(got) > 0 {
						return got, err
					}
				}
				return nil, nil
			}
			deadLease := NewLease(rdb, stream, "g", "dead", time.Hour)
			if ok, err := deadLease.Acquire(ctx, false); !ok || err != nil {
				t.Fatalf("acquire: %v, %v", ok, err)
			}
			dead := NewGroup(rdb, cfg, deadLease, log)
			if err := dead.Create(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := next(dead)
			check("new entries", got, err)
			if err := deadLease.Release(ctx); err != nil {
				t.Fatal(err)
			}
			liveLease := NewLease(rdb, stream, "g", "live", time.Hour)
			if ok, err := liveLease.Acquire(ctx, false); !ok || err != nil {
				t.Fatalf("acquire: %v, %v", ok, err)
			}
			t.Cleanup(func() { liveLease.Release(context.Background()) })
			cfg.Consumer = "live"
			got, err = next(NewGroup(rdb, cfg, liveLease, log))
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
