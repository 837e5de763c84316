package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The migrations come in sets. The core set (migrations/*.sql) makes the tables every
// database has; its version is SQLite's user_version. An optional set (a directory
// under migrations) adds what only some databases need, the supervisor queries'
// indexes for one; its version is its row in schema_sets, a table that exists only
// in databases with an optional set.
//
//go:embed migrations/*.sql migrations/supervisor/*.sql
var migrations embed.FS

// supervisorSet is the optional set of Options.SupervisorQueries.
const supervisorSet = "supervisor"

// migrate brings the core set and the optional sets o asks for up to date.
func migrate(ctx context.Context, w *sql.DB, o Options) error {
	if err := migrateSet(ctx, w, "", o); err != nil {
		return err
	}
	if o.SupervisorQueries {
		return migrateSet(ctx, w, supervisorSet, o)
	}
	return nil
}

// migrateSet applies the set's migrations newer than the database's version of the
// set, each in its own transaction; set "" is the core set.
func migrateSet(ctx context.Context, w *sql.DB, set string, o Options) error {
	version, err := readSetVersion(ctx, w, set)
	if err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	names, err := fs.Glob(migrations, path.Join("migrations", set, "*.sql"))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %s", name)
		}
		if n <= version {
			continue
		}
		if err := applyMigration(ctx, w, set, name, n, o); err != nil {
			return err
		}
	}
	return nil
}

func readSetVersion(ctx context.Context, w *sql.DB, set string) (int, error) {
	var version int
	if set == "" {
		err := w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
		return version, err
	}
	var tables int
	err := w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_sets'").Scan(&tables)
	if err != nil || tables == 0 {
		return 0, err
	}
	err = w.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_sets WHERE name = ?", set).Scan(&version)
	return version, err
}

func applyMigration(ctx context.Context, w *sql.DB, set, name string, n int, o Options) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if step := dataSteps[name]; step != nil {
		if err := step(ctx, tx, o); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	if err := writeSetVersion(ctx, tx, set, n); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	return nil
}

func writeSetVersion(ctx context.Context, tx *sql.Tx, set string, n int) error {
	if set == "" {
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n))
		return err
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_sets (name TEXT PRIMARY KEY, version INTEGER NOT NULL)"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO schema_sets (name, version) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version`, set, n)
	return err
}
