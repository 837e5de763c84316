// Package personal owns the desktop's personal store, personal.db in the app's data
// directory: what each supervisor signed in on this computer keeps for themselves,
// under their own key, so that two supervisors sharing one computer account never
// share it. It holds where each of them last looked in each conversation (for the
// unread markers), their saved views of the grid, and their personal preferences.
//
// It is not the local cache (cache.db), which is thrown away when the stream changes,
// nor the backend's operations store: nothing here leaves the computer.
//
// Where someone looked is kept as event times in Unix milliseconds (a conversation's
// latest event when it was opened; for everything, the moment of the first sign-in or
// of "Mark all as read"), which survive a rebuild or a replacement of the cache.
package personal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/store/internal/sqlitefile"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schema is the whole database; version is its PRAGMA user_version.
const (
	version = 1
	schema  = `
CREATE TABLE seen_baseline (
    user TEXT PRIMARY KEY,
    pos  INTEGER NOT NULL -- every event at or before pos (Unix ms) counts as seen
);
CREATE TABLE seen (
    user            TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    pos             INTEGER NOT NULL, -- its latest event (Unix ms) when it was last opened
    PRIMARY KEY (user, conversation_id)
) WITHOUT ROWID;
CREATE TABLE views (
    id      INTEGER PRIMARY KEY,
    user    TEXT NOT NULL,
    name    TEXT NOT NULL,
    search  TEXT NOT NULL,
    status  TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE UNIQUE INDEX views_user_name ON views (user, name COLLATE NOCASE);
CREATE TABLE preferences (
    user TEXT PRIMARY KEY,
    doc  TEXT NOT NULL -- JSON, as the app writes it
);
`
)

// Store is the personal database. Its load is a few small writes a minute, so one
// connection serves readers and writers.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

// Open opens (creating if needed) the personal database at path.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := sqlitefile.RestrictDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("open personal store: %w", err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open personal store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open personal store %s: %w", path, err)
	}
	if err := sqlitefile.RestrictFiles(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("open personal store: %w", err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read version: %w", err)
	}
	switch {
	case v == version:
		return nil
	case v > version:
		return fmt.Errorf("the database is of a newer version (%d) than this app knows (%d)", v, version)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// ---------------------------------------------------------------------------
// Where each supervisor last looked

// Seen is where a supervisor last looked: every event at or before Baseline, and in
// each conversation of Conversations every event at or before its position.
type Seen struct {
	Baseline      int64
	Conversations map[string]int64
}

// Unread is whether a conversation whose latest event is at lastPos (Unix ms) had
// events after the supervisor last looked. An unknown time (0 or less) is never unread.
func (s Seen) Unread(id string, lastPos int64) bool {
	if lastPos <= 0 {
		return false
	}
	return lastPos > max(s.Baseline, s.Conversations[id])
}

// Seen is user's state. A user seen for the first time starts with baseline as
// their baseline: what happened before counts as seen, so a new install does not
// mark the whole history unread.
func (s *Store) Seen(ctx context.Context, user string, baseline int64) (Seen, error) {
	out := Seen{Conversations: map[string]int64{}}
	if _, err := s.db.ExecContext(ctx, "INSERT OR IGNORE INTO seen_baseline (user, pos) VALUES (?, ?)", user, baseline); err != nil {
		return out, fmt.Errorf("read where %s looked: %w", user, err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT pos FROM seen_baseline WHERE user = ?", user).Scan(&out.Baseline); err != nil {
		return out, fmt.Errorf("read where %s looked: %w", user, err)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT conversation_id, pos FROM seen WHERE user = ? AND pos > ?", user, out.Baseline)
	if err != nil {
		return out, fmt.Errorf("read where %s looked: %w", user, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var pos int64
		if err := rows.Scan(&id, &pos); err != nil {
			return out, fmt.Errorf("read where %s looked: %w", user, err)
		}
		out.Conversations[id] = pos
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read where %s looked: %w", user, err)
	}
	return out, nil
}

// MarkSeen records that user has seen conversation id up to pos; an earlier position
// than the one recorded changes nothing.
func (s *Store) MarkSeen(ctx context.Context, user, id string, pos int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO seen (user, conversation_id, pos) VALUES (?, ?, ?)
		ON CONFLICT (user, conversation_id) DO UPDATE SET pos = max(pos, excluded.pos)`, user, id, pos)
	if err != nil {
		return fmt.Errorf("mark conversation %s seen: %w", id, err)
	}
	return nil
}

// MarkAllSeen records that user has seen everything up to pos: their baseline moves
// there (never back), and what it covers is forgotten.
func (s *Store) MarkAllSeen(ctx context.Context, user string, pos int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark all seen: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, `INSERT INTO seen_baseline (user, pos) VALUES (?, ?)
		ON CONFLICT (user) DO UPDATE SET pos = max(pos, excluded.pos)`, user, pos); err != nil {
		return fmt.Errorf("mark all seen: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM seen WHERE user = ?1
		AND pos <= (SELECT pos FROM seen_baseline WHERE user = ?1)`, user); err != nil {
		return fmt.Errorf("mark all seen: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark all seen: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Saved views

// View is a saved grid filter.
type View struct {
	ID     int64
	Name   string
	Search string
	Status string
}

// MaxViews bounds how many views one supervisor keeps.
const MaxViews = 50

// Errors a caller may show as they are.
var (
	ErrViewName      = errors.New("Give the view a name")
	ErrViewNameTaken = errors.New("You already have a view with this name")
	ErrTooManyViews  = errors.New("You have too many saved views: delete one first")
	ErrNoView        = errors.New("This view no longer exists")
)

// Views are user's saved views, in the order they were made.
func (s *Store) Views(ctx context.Context, user string) ([]View, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, search, status FROM views WHERE user = ? ORDER BY created, id", user)
	if err != nil {
		return nil, fmt.Errorf("read saved views: %w", err)
	}
	defer rows.Close()
	out := []View{}
	for rows.Next() {
		var v View
		if err := rows.Scan(&v.ID, &v.Name, &v.Search, &v.Status); err != nil {
			return nil, fmt.Errorf("read saved views: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read saved views: %w", err)
	}
	return out, nil
}

// SaveView adds v to user's views (ID 0) or changes the one with v's ID, and returns
// it as stored. Names are trimmed, required and unique per user, whatever their case.
func (s *Store) SaveView(ctx context.Context, user string, v View) (View, error) {
	v.Name, v.Search = strings.TrimSpace(v.Name), strings.TrimSpace(v.Search)
	if v.Name == "" {
		return v, ErrViewName
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return v, fmt.Errorf("save view: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	var taken int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM views WHERE user = ? AND name = ? COLLATE NOCASE AND id != ?",
		user, v.Name, v.ID).Scan(&taken); err != nil {
		return v, fmt.Errorf("save view: %w", err)
	}
	if taken > 0 {
		return v, ErrViewNameTaken
	}
	if v.ID == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM views WHERE user = ?", user).Scan(&n); err != nil {
			return v, fmt.Errorf("save view: %w", err)
		}
		if n >= MaxViews {
			return v, ErrTooManyViews
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO views (user, name, search, status, created) VALUES (?, ?, ?, ?, ?)",
			user, v.Name, v.Search, v.Status, s.now().UnixMilli())
		if err != nil {
			return v, fmt.Errorf("save view: %w", err)
		}
		if v.ID, err = res.LastInsertId(); err != nil {
			return v, fmt.Errorf("save view: %w", err)
		}
	} else {
		res, err := tx.ExecContext(ctx, "UPDATE views SET name = ?, search = ?, status = ? WHERE id = ? AND user = ?",
			v.Name, v.Search, v.Status, v.ID, user)
		if err != nil {
			return v, fmt.Errorf("save view: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return v, ErrNoView
		}
	}
	if err := tx.Commit(); err != nil {
		return v, fmt.Errorf("save view: %w", err)
	}
	return v, nil
}

// DeleteView deletes one of user's views; another user's view or a missing one is
// ErrNoView.
func (s *Store) DeleteView(ctx context.Context, user string, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM views WHERE id = ? AND user = ?", id, user)
	if err != nil {
		return fmt.Errorf("delete view: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrNoView
	}
	return nil
}

// ---------------------------------------------------------------------------
// Preferences

// Preferences is user's preferences document as last stored ("" when none).
func (s *Store) Preferences(ctx context.Context, user string) (string, error) {
	var doc string
	err := s.db.QueryRowContext(ctx, "SELECT doc FROM preferences WHERE user = ?", user).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read preferences: %w", err)
	}
	return doc, nil
}

// SetPreferences stores user's preferences document.
func (s *Store) SetPreferences(ctx context.Context, user, doc string) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO preferences (user, doc) VALUES (?, ?)
		ON CONFLICT (user) DO UPDATE SET doc = excluded.doc`, user, doc); err != nil {
		return fmt.Errorf("store preferences: %w", err)
	}
	return nil
}
