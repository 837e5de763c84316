package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// manyConversations is the fixture conversation under n conversation ids, its
// entries interleaved: a batch of it is larger than the writer's chunks.
func manyConversations(t *testing.T, n int) []ledger.Entry {
	t.Helper()
	var out []ledger.Entry
	for i, e := range fixtureEntries(t) {
		for c := range n {
			copied := ledger.Entry{ID: ledgerID(i*n+c, 0), Fields: maps.Clone(e.Fields)}
			copied.Fields["cid"] = fmt.Sprintf("conv-%03d", c)
			out = append(out, copied)
		}
	}
	return out
}

// A writer that fails on its first chunk while the reducer goes on sending more
// fails the batch, and the batch applied again gives what it gives on a store that
// never failed.
func TestWriterFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	entries := manyConversations(t, 60)
	if len(entries) < 3*flushRows {
		t.Fatalf("%d entries do not fill three of the writer's chunks", len(entries))
	}
	clean := openTemp(t)
	if _, err := clean.ApplyBatch(ctx, "test", entries); err != nil {
		t.Fatal(err)
	}
	s := openTemp(t)
	if _, err := s.g().w.ExecContext(ctx, `CREATE TRIGGER fail_once BEFORE INSERT ON events
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("batch with the injected failure: %v", err)
	}
	if _, err := s.g().w.ExecContext(ctx, "DROP TRIGGER fail_once"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", entries); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT id || ' ' || doc FROM conversations ORDER BY id",
		"SELECT conversation_id || ' ' || stream_id || ' ' || doc FROM messages ORDER BY id",
		"SELECT id || ' ' || first_message || ' ' || last_message FROM conversations ORDER BY id",
		"SELECT number || ' ' || doc FROM applications ORDER BY number",
		"SELECT id || ' ' || doc FROM customers ORDER BY id",
		"SELECT count(*) || ' ' || max(pos) FROM events",
	} {
		if got, want := column(t, s, q), column(t, clean, q); !slices.Equal(got, want) {
			t.Errorf("%s differs after the failure: %d rows, against %d without it", q, len(got), len(want))
		}
	}
}
