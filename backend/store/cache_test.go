package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// A batch that fails after the reducer changed cached records must not leave those
// changes behind for the next batch: the fixture applied around a failed batch ends
// in exactly its expected projection.
func TestRecordCacheForgetsFailedBatch(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(ctx, "test", entries[:10]); err != nil {
		t.Fatal(err)
	}
	id, err := ledger.ParseID(entries[13].ID)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := position(id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.w.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER fail_once BEFORE INSERT ON events WHEN NEW.pos = %d
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, pos))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries[10:14]); err == nil {
		t.Fatal("batch with the injected failure was applied")
	}
	if _, err := s.w.ExecContext(ctx, "DROP TRIGGER fail_once"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries[10:]); err != nil {
		t.Fatal(err)
	}
	checkFixtureProjection(t, s)
}

// Records another process commits to the same file are seen by a store whose cache
// holds older copies of them.
func TestRecordCacheSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := openAt(t, path, Options{}), openAt(t, path, Options{})
	entries := fixtureEntries(t)
	if _, err := a.ApplyBatch(ctx, "a", entries[:10]); err != nil {
		t.Fatal(err)
	}
	if n := a.cache.conversations.len(); n != 1 {
		t.Fatalf("cache holds %d conversations after a batch, want 1", n)
	}
	// b applies the middle of the conversation under its own checkpoint...
	if _, err := b.ApplyBatch(ctx, "b", entries[10:20]); err != nil {
		t.Fatal(err)
	}
	// ...and a the rest: a's cached conversation is stale and must not be used.
	if _, err := a.ApplyBatch(ctx, "a", entries[20:]); err != nil {
		t.Fatal(err)
	}
	checkFixtureProjection(t, a)
}

// The checkpointer's passes copy the log into the file from their own connection;
// that is not a change of data and must not empty the cache, or it would hardly ever
// hit. (A RESTART pass, only when the log outgrows walLimit, does empty it.)
func TestRecordCacheSurvivesCheckpoints(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.ApplyBatch(ctx, "test", fixtureEntries(t)[:10]); err != nil {
		t.Fatal(err)
	}
	if err := s.ckpt.checkpoint("PASSIVE"); err != nil {
		t.Fatal(err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := s.cache.check(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if n := s.cache.conversations.len(); n != 1 {
		t.Errorf("cache holds %d conversations after a checkpoint, want 1", n)
	}
}

// A store without the archive projects the same, writes no raw events, and counts an
// entry at or before its checkpoint as already applied.
func TestNoArchive(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "cache.db"), Options{Relaxed: true, NoArchive: true})
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(ctx, "desktop", entries); err != nil {
		t.Fatal(err)
	}
	res, err := s.ApplyBatch(ctx, "desktop", entries[5:9])
	if err != nil {
		t.Fatal(err)
	}
	if res.Redelivered != 4 || res.Applied != 0 {
		t.Errorf("again: %+v, want 4 redelivered", res.Counts)
	}
	checkFixtureProjection(t, s)
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil || n != 0 {
		t.Errorf("archive holds %d events (%v), want none", n, err)
	}
}
