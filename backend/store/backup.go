package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/billie/supervisor/backend/store/internal/sqlitefile"
)

// BackupTo writes a consistent copy of the database, as of one moment, to the new
// file to (VACUUM INTO): the read models, their checkpoint, the archive and the dead
// letters of one committed state. The projector carries on meanwhile.
func (s *Store) BackupTo(ctx context.Context, to string) error {
	// Held for the copy: an online rebuild's swap waits for it, so the connection
	// below never outlives the file it opened (closing it would delete the -wal of
	// the file swapped in by name).
	_, done := s.acquire()
	defer done()
	if err := sqlitefile.CopyInto(ctx, dsn(s.path, s.o, false), to); err != nil {
		return fmt.Errorf("back up store: %w", err)
	}
	return nil
}

// FileSummary is what CheckFile found in a read-model database file.
type FileSummary struct {
	// Checkpoints are the last applied stream ID of each checkpoint name.
	Checkpoints map[string]string
	// Events is the number of archived entries; LastArchived the latest one's ID
	// ("" when none).
	Events       int64
	LastArchived string
}

// CheckFile checks the read-model database at path, a copy not in use (a backup),
// without changing it: SQLite's integrity check, its checkpoints and its archive.
func CheckFile(ctx context.Context, path string) (FileSummary, error) {
	sum := FileSummary{Checkpoints: map[string]string{}}
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
	rows, err := db.QueryContext(ctx, "SELECT name, last_id FROM checkpoints")
	if err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	for rows.Next() {
		var name, id string
		if err := rows.Scan(&name, &id); err != nil {
			rows.Close()
			return sum, fmt.Errorf("check %s: %w", path, err)
		}
		sum.Checkpoints[name] = id
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	var last sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT count(*), max(pos) FROM events").Scan(&sum.Events, &last); err != nil {
		return sum, fmt.Errorf("check %s: %w", path, err)
	}
	if last.Valid {
		sum.LastArchived = idAt(last.Int64).String()
	}
	return sum, nil
}
