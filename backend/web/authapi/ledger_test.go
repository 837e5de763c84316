package authapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/redisacl"
)

func redisAddr() string {
	if a := os.Getenv("BILLIE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// ledgerAccess is a redisacl.Manager on the test Redis with names and a stream of this
// test's own, all deleted at the end.
func ledgerAccess(t *testing.T) (m *redisacl.Manager, rdb *redis.Client, names string) {
	t.Helper()
	ctx := context.Background()
	rdb = redis.NewClient(&redis.Options{Addr: redisAddr()})
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", redisAddr(), err)
	}
	tag := fmt.Sprintf("authtest%d-", rand.Uint64())
	stream := "test:authapi:" + tag + "ledger"
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{"k", "v"}}).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		users, _ := rdb.Do(ctx, "ACL", "USERS").StringSlice()
		for _, u := range users {
			if strings.HasPrefix(u, redisacl.Prefix+tag) {
				rdb.Do(ctx, "ACL", "DELUSER", u)
			}
		}
		rdb.Del(ctx, stream)
		rdb.Close()
	})
	return redisacl.New(rdb, stream, tag), rdb, redisacl.Prefix + tag
}

// ledgerOf is the credential of a sign-in answer, or nil.
func ledgerOf(t *testing.T, res response) map[string]any {
	t.Helper()
	if res.code != 200 {
		t.Fatalf("login: %d %s", res.code, res.body)
	}
	l, _ := res.json(t)["ledger"].(map[string]any)
	return l
}

// readsLedger connects with a credential as the desktop does and says whether XREAD of the
// stream works.
func readsLedger(t *testing.T, l map[string]any) error {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: redisAddr(), Username: l["username"].(string), Password: l["password"].(string),
		ClientName: "billie-desktop", MaxRetries: -1})
	defer c.Close()
	return c.XRead(context.Background(), &redis.XReadArgs{Streams: []string{l["stream"].(string), "0"}, Count: 1, Block: -1}).Err()
}

// Sign-in hands the desktop a credential that reads the ledger and nothing else;
// signing out and disabling the account delete it.
func TestSignInIssuesALedgerCredential(t *testing.T) {
	m, rdb, names := ledgerAccess(t)
	e := newEnv(t, accounts.Options{Ledger: m}, Options{})
	e.mustCreate(t, "ada@example.com", accounts.RoleAdmin, "admin-password-1")
	sam := e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "sam-password-1")
	creds := map[string]string{"email": "sam@example.com", "password": "sam-password-1"}

	res := e.do(t, "POST", "/api/auth/login", "", creds)
	l := ledgerOf(t, res)
	if l == nil || l["stream"] != m.Stream() {
		t.Fatalf("sign-in answer without the ledger credential: %s", res.body)
	}
	if err := readsLedger(t, l); err != nil {
		t.Fatalf("XREAD with the issued credential: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: redisAddr(), Username: l["username"].(string), Password: l["password"].(string)})
	defer c.Close()
	for _, cmd := range [][]any{{"XADD", m.Stream(), "*", "k", "v"}, {"DEL", m.Stream()}, {"KEYS", "*"}, {"GET", "other"}} {
		if err := c.Do(context.Background(), cmd...).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
			t.Errorf("%v with the issued credential: %v, want NOPERM", cmd, err)
		}
	}

	// Sign-out deletes it.
	tok := res.json(t)["token"].(string)
	if res := e.do(t, "POST", "/api/auth/logout", tok, nil); res.code != 204 {
		t.Fatalf("logout: %d %s", res.code, res.body)
	}
	if err := readsLedger(t, l); err == nil {
		t.Error("the credential still works after sign-out")
	}

	// Disabling the account deletes every credential of it.
	l1, l2 := ledgerOf(t, e.do(t, "POST", "/api/auth/login", "", creds)), ledgerOf(t, e.do(t, "POST", "/api/auth/login", "", creds))
	if l1["username"] == l2["username"] {
		t.Errorf("two sign-ins share the credential %v", l1["username"])
	}
	admin := e.login(t, "ada@example.com", "admin-password-1")
	if res := e.do(t, "PATCH", fmt.Sprintf("/api/admin/users/%d", sam.ID), admin, map[string]any{"disabled": true}); res.code != 200 {
		t.Fatalf("disable: %d %s", res.code, res.body)
	}
	for _, l := range []map[string]any{l1, l2} {
		if err := readsLedger(t, l); err == nil {
			t.Errorf("%v still connects after the account was disabled", l["username"])
		}
	}
	// The admin's own credential stays.
	users, _ := rdb.Do(context.Background(), "ACL", "USERS").StringSlice()
	n := 0
	for _, u := range users {
		if strings.HasPrefix(u, names) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d ACL users of this test remain, want the admin's 1: %v", n, users)
	}
}

// Without ledger access (off, or a Redis that refuses ACL management) the sign-in
// answer has no credential and the desktop keeps its manual setting.
func TestSignInWithoutLedgerAccess(t *testing.T) {
	e := newEnv(t, accounts.Options{}, Options{})
	e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "sam-password-1")
	res := e.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "sam@example.com", "password": "sam-password-1"})
	if l := ledgerOf(t, res); l != nil || strings.Contains(string(res.body), "ledger") {
		t.Errorf("a credential without ledger access: %s", res.body)
	}
}

// A session that expires without a sign-out loses its credential at the next sweep;
// live sessions keep theirs.
func TestSweepRevokesExpiredSessionsCredentials(t *testing.T) {
	m, _, _ := ledgerAccess(t)
	e := newEnv(t, accounts.Options{Ledger: m}, Options{})
	e.mustCreate(t, "sam@example.com", accounts.RoleSupervisor, "sam-password-1")
	creds := map[string]string{"email": "sam@example.com", "password": "sam-password-1"}
	old := ledgerOf(t, e.do(t, "POST", "/api/auth/login", "", creds))
	e.clock.Add(11 * time.Hour)
	fresh := ledgerOf(t, e.do(t, "POST", "/api/auth/login", "", creds))
	e.clock.Add(2 * time.Hour) // the first session (12 h) has expired, the second has not

	if err := e.svc.SweepLedgerAccess(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := readsLedger(t, old); err == nil {
		t.Error("an expired session's credential still reads the ledger after the sweep")
	}
	if err := readsLedger(t, fresh); err != nil {
		t.Errorf("a live session's credential was swept: %v", err)
	}
}
