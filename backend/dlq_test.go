package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/deadletters"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

// runCLI runs the backend command line and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd(func(string) (string, bool) { return "", false })
	var out bytes.Buffer
	root.SetArgs(append(args, "--log-level", "error"))
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// waitFor polls cond until it holds (the projector works on its own goroutine).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("never: %s", what)
		}
	}
}

// `backend dlq` is another process on the database a running projector (on real
// Redis) writes: a retry of an entry still bad keeps it dead with one more retry; a
// retry of one whose reason no longer holds applies it, and the projector's next
// entries for the same conversation build on it.
func TestDLQBesideARunningProjector(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	stream := fmt.Sprintf("test:dlq:%d", rand.Uint64())
	defer rdb.Del(ctx, stream, stream+":dead", "{"+stream+"}:lease:g")
	db := filepath.Join(t.TempDir(), "b.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := projector.New(rdb, st, projector.Config{Stream: stream, Group: "g", Consumer: "live", DeadLetterStream: stream + ":dead",
		Block: 50 * time.Millisecond}, slog.New(slog.DiscardHandler))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("projector: %v", err)
		}
	}()

	add := func(typ, cid, seq, dat string) string {
		t.Helper()
		id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{"agt", "broker", "typ", typ, "cid", cid, "aid", "APP-9",
			"uid", "cust-9", "seq", seq, "tsp", "2026-11-30T10:00:00Z", "dat", dat}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	add("conversation_started", "conv-9", "1", `{"conversation_id":"conv-9"}`)
	bad := add("user_input", "conv-9", "2", `{"tax_file_number": "123 456 782", broken`)
	goodID := add("user_input", "conv-9", "3", `{"utterance":"first"}`)
	waitFor(t, "the bad entry dead-lettered and the good one applied", func() bool {
		c, _ := st.Checkpoint(ctx, "g")
		id, _ := ledger.ParseID(goodID)
		return c.Compare(id) >= 0
	})
	out, err := runCLI(t, "dlq", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var page deadletters.Page
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("dlq list: %v\n%s", err, out)
	}
	if page.Total != 1 || page.Items[0].ID != bad || page.Items[0].Consumer != "live" || page.Items[0].ConversationID != "conv-9" {
		t.Fatalf("dlq list = %+v", page)
	}

	// Still bad: stays dead.
	out, err = runCLI(t, "dlq", "retry", bad, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, bad+" still dead: ") || !strings.Contains(out, "retried 1: 0 applied, 1 still dead") {
		t.Errorf("dlq retry printed %q", out)
	}
	out, err = runCLI(t, "dlq", "show", bad, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var d deadletters.Detail
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Retries != 1 || d.LastRetryAt == nil || strings.Contains(out, "123 456 782") {
		t.Errorf("dlq show = %s", out)
	}

	// A dead letter whose reason no longer holds, written as another backend would.
	add("conversation_started", "conv-late", "1", `{"conversation_id":"conv-late"}`)
	waitFor(t, "the late conversation applied", func() bool {
		c, _ := st.Conversation(ctx, "conv-late")
		return c != nil
	})
	lateMsg := ledger.ID{Ms: uint64(time.Now().UnixMilli()) - 60_000}
	insertDeadLetter(t, db, lateMsg, map[string]string{"agt": "broker", "typ": "user_input", "cid": "conv-late", "aid": "APP-9",
		"uid": "cust-9", "seq": "2", "tsp": "2026-11-30T10:00:01Z", "dat": `{"utterance":"retried"}`})
	out, err = runCLI(t, "dlq", "retry", "--type", "user_input", "--reason", "no longer", "--json", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var rep deadletters.RetryReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("dlq retry --json: %v\n%s", err, out)
	}
	if rep.Retried != 1 || rep.Applied != 1 || rep.Results[0].ID != lateMsg.String() {
		t.Fatalf("retry report = %+v", rep)
	}
	// The projector's next entry for the conversation builds on the retried one: its
	// record cache saw the other process's commit.
	last := add("user_input", "conv-late", "3", `{"utterance":"after"}`)
	waitFor(t, "the entry after the retry applied", func() bool {
		c, _ := st.Checkpoint(ctx, "g")
		id, _ := ledger.ParseID(last)
		return c.Compare(id) >= 0
	})
	c, err := st.Conversation(ctx, "conv-late")
	if err != nil {
		t.Fatal(err)
	}
	if c.MessageCount != 2 {
		t.Errorf("conv-late counts %d messages, want the retried one and the next", c.MessageCount)
	}
	out, err = runCLI(t, "dlq", "drop", "--all", "--db", db)
	if err != nil || !strings.Contains(out, bad+" dropped") || !strings.Contains(out, "dropped 1") {
		t.Errorf("dlq drop --all: %v %q", err, out)
	}
	if _, err := runCLI(t, "dlq", "retry", "--db", db); err == nil {
		t.Error("dlq retry without a selection succeeded")
	}
	if _, err := runCLI(t, "dlq", "drop", bad, "--all", "--db", db); err == nil {
		t.Error("dlq drop with IDs and --all succeeded")
	}
}

func insertDeadLetter(t *testing.T, path string, id ledger.ID, fields map[string]string) {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`INSERT INTO dead_letters (ms, seq, reason, fields, at, consumer, type, conversation_id)
		VALUES (?, ?, 'a reason that no longer holds', ?, ?, 'projector-old', ?, ?)`,
		int64(id.Ms), int64(id.Seq), b, time.Now().UnixMilli(), fields["typ"], fields["cid"])
	if err != nil {
		t.Fatal(err)
	}
}
