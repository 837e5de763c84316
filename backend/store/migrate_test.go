package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// schema is every object of the database as SQLite keeps it.
func schema(t *testing.T, s *Store) []string {
	t.Helper()
	return column(t, s, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
}

// A desktop cache from before the supervisor set carries the indexes its first
// launch created, and may carry ones an older version created and a later one
// dropped: after the set's migration it is the same as a new database.
func TestSupervisorSetMigratesAnOldCache(t *testing.T) {
	ctx := context.Background()
	o := Options{Relaxed: true, SupervisorQueries: true}
	fresh := schema(t, openAt(t, filepath.Join(t.TempDir(), "new.db"), o))

	path := filepath.Join(t.TempDir(), "old-cache.db")
	s, err := Open(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP TABLE schema_sets",
		"DROP INDEX conversations_walk_open", // as a cache prepared by an older version
		"DROP TABLE messages_fts_vocab",
		"CREATE INDEX conversations_grid ON conversations (started_at DESC, id DESC, decision)",
		"CREATE INDEX conversations_open_newest ON conversations (started_at DESC) WHERE ended_at IS NULL",
	} {
		if _, err := s.g().w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := schema(t, openAt(t, path, o)); !slices.Equal(got, fresh) {
		t.Errorf("migrated cache's schema:\n%v\nnew database's:\n%v", got, fresh)
	}
}

// The projector's database has none of the supervisor set, and gets it the first time
// a store that serves the queries opens it.
func TestSupervisorSetOnlyWhereAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "read.db")
	plain := schema(t, openAt(t, path, Options{}))
	for _, obj := range plain {
		if strings.Contains(obj, "conversations_walk") || strings.Contains(obj, "schema_sets") {
			t.Errorf("a store without the supervisor queries has %s", obj)
		}
	}
	with := schema(t, openAt(t, path, Options{SupervisorQueries: true}))
	fresh := schema(t, openAt(t, filepath.Join(t.TempDir(), "new.db"), Options{SupervisorQueries: true}))
	if !slices.Equal(with, fresh) || len(with) <= len(plain) {
		t.Errorf("schema after adding the supervisor set:\n%v\nnew database's:\n%v", with, fresh)
	}
	var version int
	if err := openAt(t, path, Options{}).g().r.QueryRow("SELECT version FROM schema_sets WHERE name = 'supervisor'").Scan(&version); err != nil || version != 1 {
		t.Errorf("supervisor set version %d (%v), want 1", version, err)
	}
}
