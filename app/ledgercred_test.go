package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/redisacl"
)

// The desktop reads the ledger with the credential its sign-in was issued, from launch
// on, and forgets it at sign-out, when the backend deletes it.
func TestDesktopReadsWithItsIssuedCredential(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	_, last := publish(t, rdb, stream, 5, 11)
	tag := fmt.Sprintf("apptest%d-", rand.Uint64())
	t.Cleanup(func() {
		users, _ := rdb.Do(ctx, "ACL", "USERS").StringSlice()
		for _, u := range users {
			if strings.HasPrefix(u, redisacl.Prefix+tag) {
				rdb.Do(ctx, "ACL", "DELUSER", u)
			}
		}
	})
	backend := newFakeBackend(t)
	backend.ledger = redisacl.New(rdb, stream, tag)
	// The manual setting cannot read: only the issued credential can.
	dir := t.TempDir()
	env := testEnv{dir: dir, redisURL: "redis://nobody-" + tag + ":wrong@" + redisAddr() + "/0", stream: stream, backend: backend.URL}
	a := startApp(t, env, newEvents())
	waitFor(t, "the manual setting to fail", 10*time.Second, func() bool {
		s, _ := a.Connection()
		return s.Error != nil
	})

	signIn(t, a, backend)
	caughtUp(t, a, last, 20*time.Second)
	checkMode(t, filepath.Join(dir, ledgerName), 0o600)
	if raw, _ := os.ReadFile(filepath.Join(dir, settingsName)); strings.Contains(string(raw), tag) && strings.Contains(string(raw), redisacl.Prefix) {
		t.Errorf("the issued credential went into the settings: %s", raw)
	}
	if s, _ := a.GetSettings(); s.RedisUsername != "nobody-"+tag {
		t.Errorf("the manual setting was replaced: %+v", s)
	}

	// From launch: a restarted app reads with it before the session is confirmed.
	a.Shutdown(ctx)
	backend.mu.Lock()
	backend.down = true
	backend.mu.Unlock()
	_, last = publish(t, rdb, stream, 2, 12)
	b := startApp(t, env, newEvents())
	caughtUp(t, b, last, 20*time.Second)
	backend.mu.Lock()
	backend.down = false
	backend.mu.Unlock()

	// Sign-out: the backend deletes the user, the desktop forgets it and is back on
	// the manual setting.
	if err := b.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ledgerName)); !os.IsNotExist(err) {
		t.Errorf("the credential file is still there: %v", err)
	}
	waitFor(t, "the manual setting again", 10*time.Second, func() bool {
		s, _ := b.Connection()
		return s.Error != nil
	})
	users, _ := rdb.Do(ctx, "ACL", "USERS").StringSlice()
	for _, u := range users {
		if strings.HasPrefix(u, redisacl.Prefix+tag) {
			t.Errorf("ACL user %s outlived the sign-out", u)
		}
	}
}
