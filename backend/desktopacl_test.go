package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/redisacl"
)

func TestDesktopACLSetting(t *testing.T) {
	for _, tc := range []struct {
		v       string
		on, bad bool
	}{{"", true, false}, {"false", false, false}, {"0", false, false}, {"true", true, false}, {"1", true, false}, {"yes", false, true}} {
		on, err := desktopACLOn(func(string) string { return tc.v })
		if on != tc.on || (err != nil) != tc.bad {
			t.Errorf("%s=%q: %v, %v", envDesktopACL, tc.v, on, err)
		}
	}
}

// The backend issues credentials only when asked to and allowed to manage ACLs;
// otherwise desktops keep their manual setting.
func TestDesktopLedgerNeedsTheRightToManageACLs(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	if l := desktopLedger(ctx, quiet, rdb, "s", "g", false); l != nil {
		t.Error("credentials issued while off")
	}
	if l := desktopLedger(ctx, quiet, rdb, "s", "g", true); l == nil {
		t.Error("no credentials with the right to manage ACLs")
	}
	name := fmt.Sprintf("%stest-restricted-%d", redisacl.Prefix, rand.Uint64())
	if err := rdb.Do(ctx, "ACL", "SETUSER", name, "reset", "on", ">pw-restricted", "~*", "+@all", "-@admin").Err(); err != nil {
		t.Fatal(err)
	}
	defer rdb.Do(ctx, "ACL", "DELUSER", name)
	limited := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", Username: name, Password: "pw-restricted"})
	defer limited.Close()
	if l := desktopLedger(ctx, quiet, limited, "s", "g", true); l != nil {
		t.Error("credentials issued without the right to manage ACLs")
	}
}
