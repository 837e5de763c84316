// Package ops owns the operations store, ops.db: the backend's own records that are
// not projections of the ledger, so that no rebuild, replay or swap of the read-model
// database touches them. Its tables: the supervisors' accounts and sessions (the
// accounts.Users of package accounts), the append-only audit log, the pipeline's
// per-minute metrics history, the desktops' latest reports, the settings every
// desktop shares, and the rebuild and replay job records.
//
// Only the backend opens it (its main); the desktop app never does.
package ops

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/store/internal/sqlitefile"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune the store. The zero value suits the backend.
type Options struct {
	// Now is the clock of the times the store stamps (audit entries, settings);
	// default time.Now.
	Now func() time.Time
}

// Store is the operations database: one writer connection, a small pool of readers.
type Store struct {
	w, r *sql.DB
	now  func() time.Time
	path string
}

// Open opens (creating if needed) the operations database at path and migrates it.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if err := sqlitefile.RestrictDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("open ops store: %w", err)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open ops store %s: %w", path, err)
	}
	// One writer: every write queues here instead of meeting SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	s := &Store{w: w, now: o.Now, path: path}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open ops store %s: %w", path, err)
	}
	if err := sqlitefile.RestrictFiles(path); err != nil {
		w.Close()
		return nil, fmt.Errorf("open ops store: %w", err)
	}
	if s.r, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		w.Close()
		return nil, fmt.Errorf("open ops store readers %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	return s, nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"synchronous(FULL)", // accounts and the audit log must survive a power loss
		"foreign_keys(1)",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes the connections; the last one checkpoints the log into the file.
func (s *Store) Close() error {
	var rerr error
	if s.r != nil {
		rerr = s.r.Close()
	}
	return errors.Join(rerr, s.w.Close())
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping ops store: %w", err)
	}
	return nil
}

// Size is the database's size in bytes (its pages; the log not counted).
func (s *Store) Size(ctx context.Context) (int64, error) {
	var pages, size int64
	if err := s.r.QueryRowContext(ctx, "SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()").Scan(&pages, &size); err != nil {
		return 0, fmt.Errorf("ops store size: %w", err)
	}
	return pages * size, nil
}

// BackupTo writes a consistent copy of the database, as of one moment, to the new
// file path (VACUUM INTO): writers carry on meanwhile.
func (s *Store) BackupTo(ctx context.Context, to string) error {
	if err := sqlitefile.CopyInto(ctx, dsn(s.path, false), to); err != nil {
		return fmt.Errorf("back up ops store: %w", err)
	}
	return nil
}

// FileSummary is what CheckFile found in an operations database file.
type FileSummary struct {
	Users, Sessions, AuditEntries int64
}

// CheckFile checks the operations database at path, a copy not in use (a backup),
// without changing it: SQLite's integrity check, and its rows counted.
func CheckFile(ctx context.Context, path string) (FileSummary, error) {
	var sum FileSummary
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&verdict); err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	if verdict != "ok" {
		return sum, fmt.Errorf("check %s: integrity check: %s", path, verdict)
	}
	if err := db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM sessions), (SELECT count(*) FROM audit)").
		Scan(&sum.Users, &sum.Sessions, &sum.AuditEntries); err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	return sum, nil
}

// migrate applies the migrations newer than the database's user_version, each in
// its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %s", name)
		}
		if n <= version {
			continue
		}
		if err := s.applyMigration(ctx, name, n); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string, n int) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
		return err
	}
	return tx.Commit()
}

// millis is t as the store keeps times.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is a stored time, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
