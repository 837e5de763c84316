package ops

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who (actor) did what (action) to what
// (target), with free-text detail. Detail never holds tax values: the callers keep
// to names and ids.
type AuditEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}

// AuditFilter selects audit entries, newest first. Empty fields match everything;
// Cursor is the next value a previous page returned; Limit defaults to 50, at most
// MaxAuditPage.
type AuditFilter struct {
	Actor  string
	Action string
	Cursor string
	Limit  int
}

// MaxAuditPage is the largest page Audit returns.
const MaxAuditPage = 500

// ErrBadCursor is the error of a cursor Audit did not hand out.
var ErrBadCursor = errors.New("bad cursor")

// Record appends an entry to the audit log, stamped now. The log is append-only:
// the database refuses to change or remove an entry.
func (s *Store) Record(ctx context.Context, actor, action, target, detail string) error {
	if actor == "" || action == "" {
		return fmt.Errorf("record audit: actor and action are required")
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
		millis(s.now()), actor, action, target, detail); err != nil {
		return fmt.Errorf("record audit %s %s: %w", actor, action, err)
	}
	return nil
}

// Audit returns a page of the audit log, newest first, and the cursor of the next
// page ("" after the last).
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxAuditPage)
	var where []string
	var args []any
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", fmt.Errorf("audit: %w %q", ErrBadCursor, f.Cursor)
		}
		where, args = append(where, "id < ?"), append(args, before)
	}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	q := "SELECT id, at, actor, action, target, detail FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// One more than the page tells whether there is a next one.
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	items := []AuditEntry{}
	var ids []int64
	for rows.Next() {
		var e AuditEntry
		var id, at int64
		if err := rows.Scan(&id, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, "", fmt.Errorf("audit: %w", err)
		}
		e.ID, e.At = strconv.FormatInt(id, 10), fromMillis(at)
		items, ids = append(items, e), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("audit: %w", err)
	}
	if len(items) <= limit {
		return items, "", nil
	}
	return items[:limit], strconv.FormatInt(ids[limit-1], 10), nil
}
