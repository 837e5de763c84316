package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
)

// serveInBackground runs `backend serve` on db and stream until the returned stop.
func serveInBackground(t *testing.T, db, stream string) (stop func()) {
	t.Helper()
	root := newRootCmd(func(string) (string, bool) { return "", false })
	root.SetArgs([]string{"serve", "--stream", stream, "--dead-letter-stream", stream + ":dead", "--group", "g",
		"--consumer", "backup-test", "--db", db, "--addr", "127.0.0.1:0", "--ops-addr", "127.0.0.1:0", "--log-level", "error"})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// groupPosition is the consumer group's last delivered entry and its pending count.
func groupPosition(t *testing.T, rdb *redis.Client, stream string) (string, int64) {
	t.Helper()
	groups, _ := rdb.XInfoGroups(context.Background(), stream).Result()
	for _, g := range groups {
		if g.Name == "g" {
			return g.LastDeliveredID, g.Pending
		}
	}
	return "", -1 // not created yet
}

// waitCaughtUp waits until the checkpoint of db is the stream's last entry with
// nothing pending (no deadline of its own: the test's timeout is the limit).
func waitCaughtUp(t *testing.T, rdb *redis.Client, stream, db string) {
	t.Helper()
	for {
		last, err := rdb.XRevRangeN(context.Background(), stream, "+", "-", 1).Result()
		if err != nil || len(last) != 1 {
			t.Fatalf("last entry: %v", err)
		}
		sum, err := checkLive(db)
		_, pending := groupPosition(t, rdb, stream)
		if err == nil && sum.Checkpoints["g"] == last[0].ID && pending == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkLive reads the checkpoints of a database in use, through a copy.
func checkLive(db string) (store.FileSummary, error) {
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		return store.FileSummary{}, err
	}
	defer st.Close()
	id, err := st.Checkpoint(context.Background(), "g")
	return store.FileSummary{Checkpoints: map[string]string{"g": id.String()}}, err
}

// rebuiltCounters are the outcome totals of the read models rebuilt from db's archive.
func rebuiltCounters(t *testing.T, db string) store.Counts {
	t.Helper()
	into := db + ".check"
	if out, err := runBackend(nil, "rebuild", "--db", db, "--into", into); err != nil {
		t.Fatalf("rebuild: %q %v", out, err)
	}
	return counters(t, into)
}

func counters(t *testing.T, db string) store.Counts {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Counters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A backup taken while serve projects a live stream restores, into a fresh
// directory, databases that pass SQLite's integrity check, hold the accounts,
// sessions and audit log, and read models consistent with their checkpoint and
// archive. Restoring over a served database is refused; once serve stops it is
// replaced, the old files kept, and the group starts again from the backup's
// checkpoint, so serve catches up with what arrived after the backup.
func TestBackupWhileServingThenRestore(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	stream := fmt.Sprintf("test:opsstore:backup:%d", rand.Uint64())
	defer rdb.Del(ctx, stream, stream+":dead", reader.LeaseKey(stream, "g"))

	dir := t.TempDir()
	live := filepath.Join(dir, "live", "billie.db")
	if _, err := runUserWith(t, live, "admin-password-1\n", "add", "--email", "ada@example.com", "--name", "Ada", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	token := signIn(t, filepath.Join(dir, "live", "ops.db"), "ada@example.com", "admin-password-1")

	stopServe := serveInBackground(t, live, stream)
	served := true
	defer func() {
		if served {
			stopServe()
		}
	}()
	published := make(chan error, 1)
	go func() {
		_, err := runBackend(nil, "simulate", "--stream", stream, "--conversations", "120", "--rate", "1000",
			"--live=false", "--quiet", "--seed", "13")
		published <- err
	}()
	// Back up once the projector is well into the stream, while entries still arrive.
	for {
		if sum, err := checkLive(live); err == nil && sum.Checkpoints["g"] != "0-0" && sum.Checkpoints["g"] != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	file := filepath.Join(dir, "backup.tar")
	out, err := runBackend(nil, "backup", "--to", file, "--db", live, "--stream", stream, "--group", "g")
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	if _, err := runBackend(nil, "backup", "--to", file, "--db", live); err == nil {
		t.Error("backup over an existing file")
	}
	if err := <-published; err != nil {
		t.Fatalf("simulate: %v", err)
	}

	// Into a fresh directory, leaving the live group alone.
	fresh := filepath.Join(dir, "fresh", "billie.db")
	if _, err := runBackend(nil, "restore", "--from", file, "--db", fresh, "--stream", stream, "--group", "g"); err == nil || !strings.Contains(err.Error(), "lease") {
		t.Errorf("restore resetting the group of a running projector: %v, want refused", err)
	}
	if out, err := runBackend(nil, "restore", "--from", file, "--db", fresh, "--stream", stream, "--group", "g", "--keep-group"); err != nil {
		t.Fatalf("restore: %q %v", out, err)
	}
	sum, err := store.CheckFile(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	backupAt := sum.Checkpoints["g"]
	if backupAt == "" || backupAt != sum.LastArchived || sum.Events == 0 {
		t.Fatalf("restored checkpoint %q, last archived %q, %d events", backupAt, sum.LastArchived, sum.Events)
	}
	if c, want := counters(t, fresh), rebuiltCounters(t, fresh); c != want {
		t.Errorf("restored read models' counters %+v, rebuilt from its archive %+v", c, want)
	}
	opsSum, err := ops.CheckFile(ctx, filepath.Join(dir, "fresh", "ops.db"))
	if err != nil || opsSum.Users != 1 || opsSum.Sessions != 1 || opsSum.AuditEntries != 1 {
		t.Errorf("restored ops.db %+v %v", opsSum, err)
	}
	if !sessionWorks(t, filepath.Join(dir, "fresh", "ops.db"), token) {
		t.Error("the session does not work in the restored ops.db")
	}

	// Over the served database: refused while serve runs, then done.
	if _, err := runBackend(nil, "restore", "--from", file, "--db", live, "--stream", stream, "--group", "g", "--keep-group"); err == nil || !strings.Contains(err.Error(), "stop every serve") {
		t.Errorf("restore under a running serve: %v, want refused", err)
	}
	waitCaughtUp(t, rdb, stream, live)
	stopServe()
	served = false
	if out, err := runBackend(nil, "restore", "--from", file, "--db", live, "--stream", stream, "--group", "g"); err != nil {
		t.Fatalf("restore: %q %v", out, err)
	}
	for _, p := range []string{live + ".bak", filepath.Join(dir, "live", "ops.db.bak")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("previous file not kept: %v", err)
		}
	}
	if id, pending := groupPosition(t, rdb, stream); id != backupAt || pending != 0 {
		t.Errorf("group at %s with %d pending, want at the backup's checkpoint %s", id, pending, backupAt)
	}
	before, _ := ledger.ParseID(backupAt)
	last, _ := rdb.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if after, _ := ledger.ParseID(last[0].ID); after.Compare(before) <= 0 {
		t.Fatalf("nothing arrived after the backup (%s, last %s): the test shows nothing", backupAt, last[0].ID)
	}
	stopServe = serveInBackground(t, live, stream)
	served = true
	waitCaughtUp(t, rdb, stream, live)
	stopServe()
	served = false
	if c, want := counters(t, live), rebuiltCounters(t, live); c != want || c.Total() == 0 {
		t.Errorf("caught-up read models' counters %+v, rebuilt %+v", c, want)
	}
}

// signIn opens a session of email in the operations store at path.
func signIn(t *testing.T, path, email, pw string) string {
	t.Helper()
	svc, closeStore := accountsAt(t, path)
	defer closeStore()
	s, err := svc.Login(context.Background(), email, pw, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return s.Token
}

func sessionWorks(t *testing.T, path, token string) bool {
	t.Helper()
	svc, closeStore := accountsAt(t, path)
	defer closeStore()
	_, err := svc.Authenticate(context.Background(), token)
	if err != nil && !errors.Is(err, accounts.ErrNoSession) {
		t.Fatal(err)
	}
	return err == nil
}

func accountsAt(t *testing.T, path string) (*accounts.Service, func()) {
	t.Helper()
	st, err := ops.Open(context.Background(), path, ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := accounts.New(st, accounts.Options{}, nil)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return svc, func() { st.Close() }
}
