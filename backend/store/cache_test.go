package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store/internal/recordcache"
)

// A batch that fails after the reducer changed cached records must not leave those
// changes behind for the next batch: the fixture applied around a failed batch ends
// in exactly its expected projection.
func TestRecordCacheForgetsFailedBatch(t *testing.T) {
	for _, from := range []string{"records", "documents"} {
		t.Run(from, func(t *testing.T) { testForgetsFailedBatch(t, from == "documents") })
	}
}

// forgetDecoded empties the decoded records, so the next batch decodes the kept
// documents.
func forgetDecoded(s *Store) { s.g().cache.ForgetRecords() }

func testForgetsFailedBatch(t *testing.T, fromDocs bool) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(ctx, "test", entries[:10]); err != nil {
		t.Fatal(err)
	}
	if fromDocs {
		forgetDecoded(s)
	}
	id, err := ledger.ParseID(entries[13].ID)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := position(id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.g().w.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER fail_once BEFORE INSERT ON events WHEN NEW.pos = %d
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, pos))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries[10:14]); err == nil {
		t.Fatal("batch with the injected failure was applied")
	}
	if _, err := s.g().w.ExecContext(ctx, "DROP TRIGGER fail_once"); err != nil {
		t.Fatal(err)
	}
	if fromDocs {
		forgetDecoded(s)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries[10:]); err != nil {
		t.Fatal(err)
	}
	checkFixtureProjection(t, s)
}

// Records another process commits to the same file are seen by a store whose cache
// holds older copies of them.
func TestRecordCacheSeesOtherWriters(t *testing.T) {
	for _, from := range []string{"records", "documents"} {
		t.Run(from, func(t *testing.T) { testSeesOtherWriters(t, from == "documents") })
	}
}

func testSeesOtherWriters(t *testing.T, fromDocs bool) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := openAt(t, path, Options{}), openAt(t, path, Options{})
	entries := fixtureEntries(t)
	if _, err := a.ApplyBatch(ctx, "a", entries[:10]); err != nil {
		t.Fatal(err)
	}
	if n := a.g().cache.Conversations(); n != 1 {
		t.Fatalf("cache holds %d conversations after a batch, want 1", n)
	}
	// b applies the middle of the conversation under its own checkpoint...
	if _, err := b.ApplyBatch(ctx, "b", entries[10:20]); err != nil {
		t.Fatal(err)
	}
	if fromDocs {
		forgetDecoded(a)
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
	if err := s.g().ckpt.checkpoint("PASSIVE"); err != nil {
		t.Fatal(err)
	}
	tx, err := s.g().w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := s.g().cache.Check(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if n := s.g().cache.Conversations(); n != 1 {
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
	if err := s.g().r.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil || n != 0 {
		t.Errorf("archive holds %d events (%v), want none", n, err)
	}
}

// A record the decoded cache no longer holds is decoded from the document its last
// batch wrote, without reading SQLite; the kept document is exactly the stored one.
func TestRecordCacheDecodesKeptDocuments(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(ctx, "test", entries[:10]); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		key   recordcache.Key
		query string
	}{
		{recordcache.Key{Kind: recordcache.ConversationDoc, ID: "conv-7f3a91"}, "SELECT doc FROM conversations WHERE id = ?"},
		{recordcache.Key{Kind: recordcache.ApplicationDoc, ID: "APP-2026-004217"}, "SELECT doc FROM applications WHERE number = ?"},
		{recordcache.Key{Kind: recordcache.CustomerDoc, ID: "cust-55120"}, "SELECT doc FROM customers WHERE id = ?"},
	} {
		var stored []byte
		if err := s.g().r.QueryRowContext(ctx, k.query, k.key.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if kept := s.g().cache.Doc(k.key); string(kept) != string(stored) {
			t.Errorf("kept document of %s:\n%s\nstored:\n%s", k.key.ID, kept, stored)
		}
	}
	forgetDecoded(s)
	// The reducer's connection is gone: only kept documents can serve the batch.
	load := s.g().load
	defer func() { s.g().load = load }()
	closed, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "none.db"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	s.g().load = closed
	if _, err := s.ApplyBatch(ctx, "test", entries[10:12]); err != nil {
		t.Fatalf("batch on kept documents: %v", err)
	}
}

// A store without the portal model keeps the supervisor's records as any store does
// and writes no portal rows.
func TestNoPortal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	entries := fixtureEntries(t)
	// Rows from before the cache went without the portal model are dropped.
	with := openAt(t, path, Options{Relaxed: true, NoArchive: true})
	if _, err := with.ApplyBatch(ctx, "desktop", entries[:10]); err != nil {
		t.Fatal(err)
	}
	if err := with.Close(); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, path, Options{Relaxed: true, NoArchive: true, NoPortal: true})
	if _, err := s.ApplyBatch(ctx, "desktop", entries[10:]); err != nil {
		t.Fatal(err)
	}
	checkFixtureSupervisor(t, s)
	for _, table := range []string{"portal_applications", "portal_conversations"} {
		if n := column(t, s, "SELECT count(*) FROM "+table); n[0] != "0" {
			t.Errorf("%s holds %s rows, want none", table, n[0])
		}
	}
}
