package ops

import (
	"context"
	"fmt"
	"time"
)

// DesktopsKept is how long a desktop that stopped reporting stays listed.
const DesktopsKept = 7 * 24 * time.Hour

// Desktop is a desktop app's latest report.
type Desktop struct {
	// Key names the desktop: its session, say. Empty, it is User and Host.
	Key           string
	User          string // the signed-in account's email
	Name          string // the account's display name
	Version       string
	Host          string
	CachePosition string // the last stream entry its cache applied
	Behind        int64  // entries it still has to apply
	ReportedAt    time.Time
}

func (d Desktop) key() string {
	if d.Key != "" {
		return d.Key
	}
	return d.User + "\x00" + d.Host
}

// ReportDesktop stores d as its desktop's latest report and forgets desktops that
// have not reported for DesktopsKept.
func (s *Store) ReportDesktop(ctx context.Context, d Desktop) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("report desktop: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO desktops
		(key, user, name, version, host, cache_position, behind, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.key(), d.User, d.Name, d.Version, d.Host, d.CachePosition, d.Behind, millis(d.ReportedAt)); err != nil {
		return fmt.Errorf("report desktop: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM desktops WHERE reported_at < ?", millis(d.ReportedAt.Add(-DesktopsKept))); err != nil {
		return fmt.Errorf("report desktop: prune: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("report desktop: %w", err)
	}
	return nil
}

// Desktops returns every desktop's latest report, the most recent first.
func (s *Store) Desktops(ctx context.Context) ([]Desktop, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key, user, name, version, host, cache_position, behind, reported_at
		FROM desktops ORDER BY reported_at DESC, key`)
	if err != nil {
		return nil, fmt.Errorf("desktops: %w", err)
	}
	defer rows.Close()
	out := []Desktop{}
	for rows.Next() {
		var d Desktop
		var at int64
		if err := rows.Scan(&d.Key, &d.User, &d.Name, &d.Version, &d.Host, &d.CachePosition, &d.Behind, &at); err != nil {
			return nil, fmt.Errorf("desktops: %w", err)
		}
		d.ReportedAt = fromMillis(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("desktops: %w", err)
	}
	return out, nil
}
