package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// schema is every object of the database as SQLite keeps it.
func schema(t *testing.T, s *Store) []string {
	t.Helper()
	return column(t, s, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
}

// A desktop cache from before migration 0006 carries the supervisor indexes its
// first launch created, and may carry ones an older version created and a later one
// dropped: after the migration it is the same as a new database.
func TestSupervisorIndexesMigrationMatchesANewDatabase(t *testing.T) {
	ctx := context.Background()
	fresh := schema(t, openTemp(t))

	path := filepath.Join(t.TempDir(), "old-cache.db")
	s, err := Open(ctx, path, Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP INDEX conversations_walk_open", // as a cache prepared by an older version
		"DROP TABLE messages_fts_vocab",
		"CREATE INDEX conversations_grid ON conversations (started_at DESC, id DESC, decision)",
		"CREATE INDEX conversations_open_newest ON conversations (started_at DESC) WHERE ended_at IS NULL",
		"PRAGMA user_version = 5",
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := schema(t, openAt(t, path, Options{Relaxed: true})); !slices.Equal(got, fresh) {
		t.Errorf("migrated cache's schema:\n%v\nnew database's:\n%v", got, fresh)
	}
}
