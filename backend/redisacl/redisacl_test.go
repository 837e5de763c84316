package redisacl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func redisAddr() string {
	if a := os.Getenv("BILLIE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// testManager is a Manager with a prefix of this test's own over a stream of its own;
// its users and keys are deleted at the end.
func testManager(t *testing.T) (*Manager, *redis.Client) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr()})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", redisAddr(), err)
	}
	tag := fmt.Sprintf("test%d-", rand.Uint64())
	stream := "test:acl:" + tag + "ledger"
	m := New(rdb, stream, tag)
	t.Cleanup(func() {
		ctx := context.Background()
		users, _ := rdb.Do(ctx, "ACL", "USERS").StringSlice()
		for _, u := range users {
			if strings.HasPrefix(u, Prefix+tag) {
				rdb.Do(ctx, "ACL", "DELUSER", u)
			}
		}
		rdb.Del(ctx, stream, stream+":other")
		rdb.Close()
	})
	return m, rdb
}

// as connects as an issued user, the way the desktop does (a client name set).
func as(t *testing.T, user, pass string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: redisAddr(), Username: user, Password: pass, ClientName: "billie-desktop", MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

func TestIssuedUserCanOnlyReadTheStream(t *testing.T) {
	ctx := context.Background()
	m, rdb := testManager(t)
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: m.Stream(), Values: []any{"k", "v"}}).Err(); err != nil {
		t.Fatal(err)
	}
	other := m.Stream() + ":other"
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: other, Values: []any{"k", "v"}})
	user, pass, err := m.Issue(ctx, 7, "sess1")
	if err != nil {
		t.Fatal(err)
	}
	c := as(t, user, pass)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING as %s: %v", user, err)
	}
	if got, err := c.XRead(ctx, &redis.XReadArgs{Streams: []string{m.Stream(), "0"}, Count: 10, Block: -1}).Result(); err != nil || len(got) != 1 {
		t.Fatalf("XREAD of the stream: %v %v", got, err)
	}
	if err := c.XInfoStream(ctx, m.Stream()).Err(); err != nil {
		t.Fatalf("XINFO STREAM: %v", err)
	}
	for name, cmd := range map[string][]any{
		"XADD":                {"XADD", m.Stream(), "*", "k", "v"},
		"DEL":                 {"DEL", m.Stream()},
		"XTRIM":               {"XTRIM", m.Stream(), "MAXLEN", "0"},
		"KEYS":                {"KEYS", "*"},
		"SCAN":                {"SCAN", "0"},
		"XREAD another key":   {"XREAD", "STREAMS", other, "0"},
		"XINFO another key":   {"XINFO", "STREAM", other},
		"XINFO GROUPS":        {"XINFO", "GROUPS", m.Stream()},
		"XRANGE":              {"XRANGE", m.Stream(), "-", "+"},
		"GET another key":     {"GET", other},
		"ACL SETUSER":         {"ACL", "SETUSER", user, "+@all"},
		"CONFIG GET":          {"CONFIG", "GET", "*"},
		"XREADGROUP":          {"XREADGROUP", "GROUP", "g", "c", "STREAMS", m.Stream(), ">"},
		"PUBLISH":             {"PUBLISH", "ch", "x"},
		"CLIENT LIST":         {"CLIENT", "LIST"},
		"CLIENT KILL":         {"CLIENT", "KILL", "USER", "default"},
		"SUBSCRIBE-less EVAL": {"EVAL", "return redis.call('DEL', KEYS[1])", "1", m.Stream()},
	} {
		if err := c.Do(ctx, cmd...).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
			t.Errorf("%s as the issued user: %v, want NOPERM", name, err)
		}
	}
	if n, _ := rdb.XLen(ctx, m.Stream()).Result(); n != 1 {
		t.Errorf("the stream has %d entries, want 1", n)
	}
}

func TestRevokedUsersCannotConnect(t *testing.T) {
	ctx := context.Background()
	m, _ := testManager(t)
	u1, p1, err := m.Issue(ctx, 7, "a")
	if err != nil {
		t.Fatal(err)
	}
	u2, p2, _ := m.Issue(ctx, 7, "b")
	u3, p3, _ := m.Issue(ctx, 8, "a")
	live := as(t, u1, p1)
	if err := live.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}

	// Signing out: that session's user only.
	if err := m.Revoke(ctx, 7, "b"); err != nil {
		t.Fatal(err)
	}
	if err := as(t, u2, p2).Ping(ctx).Err(); err == nil {
		t.Error("a signed-out desktop's user still connects")
	}
	if err := as(t, u1, p1).Ping(ctx).Err(); err != nil {
		t.Errorf("another session's user was revoked: %v", err)
	}

	// Disabling: every user of the account, connected ones dropped.
	if err := m.RevokeAll(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := as(t, u1, p1).Ping(ctx).Err(); err == nil {
		t.Error("a disabled account's user still connects")
	}
	if err := live.Ping(ctx).Err(); err == nil {
		t.Error("a disabled account's open connection still answers")
	}
	if err := as(t, u3, p3).Ping(ctx).Err(); err != nil {
		t.Errorf("another account's user was revoked: %v", err)
	}
}

func TestCheckSaysWhenACLsCannotBeManaged(t *testing.T) {
	ctx := context.Background()
	m, rdb := testManager(t)
	if err := m.Check(ctx); err != nil {
		t.Fatalf("Check with the default user: %v", err)
	}
	// A backend user without the right to manage ACLs, as on some managed Redis.
	name, pass := m.prefix+"restricted", "restricted-pass"
	if err := rdb.Do(ctx, "ACL", "SETUSER", name, "reset", "on", ">"+pass, "~*", "+@all", "-@admin").Err(); err != nil {
		t.Fatal(err)
	}
	limited := New(as(t, name, pass), m.Stream(), strings.TrimPrefix(m.prefix, Prefix))
	if err := limited.Check(ctx); !errors.Is(err, ErrNotPermitted) {
		t.Errorf("Check without ACL rights: %v, want %v", err, ErrNotPermitted)
	}
	if _, _, err := limited.Issue(ctx, 1, "x"); !errors.Is(err, ErrNotPermitted) {
		t.Errorf("Issue without ACL rights: %v, want %v", err, ErrNotPermitted)
	}
}

func TestStreamNamesAreMatchedLiterally(t *testing.T) {
	if got := escapePattern(`a*b?[c]\d`); got != `a\*b\?\[c\]\\d` {
		t.Errorf("escapePattern = %q", got)
	}
}

// RevokeStale deletes the users of sessions that are gone, keeps the live ones, those
// issued while it asks which are live, and every user another Manager made.
func TestRevokeStale(t *testing.T) {
	ctx := context.Background()
	m, rdb := testManager(t)
	other := New(rdb, m.Stream(), strings.TrimPrefix(m.prefix, Prefix)+"other-")
	for _, s := range []struct {
		m   *Manager
		uid int64
		sid string
	}{{m, 1, "live"}, {m, 1, "gone"}, {m, 2, "gone"}, {other, 1, "gone"}} {
		if _, _, err := s.m.Issue(ctx, s.uid, s.sid); err != nil {
			t.Fatal(err)
		}
	}
	err := m.RevokeStale(ctx, func(ctx context.Context) (func(int64, string) bool, error) {
		if _, _, err := m.Issue(ctx, 3, "new"); err != nil { // signed in meanwhile
			return nil, err
		}
		return func(uid int64, sid string) bool { return uid == 1 && sid == "live" }, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	users, err := rdb.Do(ctx, "ACL", "USERS").StringSlice()
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, u := range users {
		has[u] = true
	}
	for name, want := range map[string]bool{
		m.name(1, "live"): true, m.name(3, "new"): true, other.name(1, "gone"): true,
		m.name(1, "gone"): false, m.name(2, "gone"): false,
	} {
		if has[name] != want {
			t.Errorf("user %s exists: %v, want %v", name, has[name], want)
		}
	}
}
