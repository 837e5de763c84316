package ops

import (
	"context"
	"fmt"
	"time"
)

// MinutesKept is how long the metrics history keeps a minute: the longest chart is a
// day, the rest is slack for looking back over a weekend.
const MinutesKept = 8 * 24 * time.Hour

// Minute is one minute of the pipeline's metrics history.
type Minute struct {
	// At is the minute's start (AppendMinute truncates it), UTC.
	At           time.Time
	EventsPerSec float64
	// Lag and DeadLetters are nil when they could not be read that minute.
	Lag               *int64
	Errors            int64
	DeadLetters       *int64
	APIRequestsPerSec float64
	// APIP99Ms is nil for a minute without customer-API requests.
	APIP99Ms *float64
}

// AppendMinute stores the minute m.At falls in, replacing one stored for the same
// minute, and forgets minutes older than MinutesKept before it.
func (s *Store) AppendMinute(ctx context.Context, m Minute) error {
	at := m.At.Truncate(time.Minute)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append minute: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO minutes
		(at, events_per_sec, lag, errors, dead_letters, api_requests_per_sec, api_p99_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		millis(at), m.EventsPerSec, m.Lag, m.Errors, m.DeadLetters, m.APIRequestsPerSec, m.APIP99Ms); err != nil {
		return fmt.Errorf("append minute: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM minutes WHERE at < ?", millis(at.Add(-MinutesKept))); err != nil {
		return fmt.Errorf("append minute: prune: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append minute: %w", err)
	}
	return nil
}

// Minutes returns the stored minutes from since on, oldest first.
func (s *Store) Minutes(ctx context.Context, since time.Time) ([]Minute, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT at, events_per_sec, lag, errors, dead_letters, api_requests_per_sec, api_p99_ms
		FROM minutes WHERE at >= ? ORDER BY at`, millis(since))
	if err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	defer rows.Close()
	out := []Minute{}
	for rows.Next() {
		var m Minute
		var at int64
		if err := rows.Scan(&at, &m.EventsPerSec, &m.Lag, &m.Errors, &m.DeadLetters, &m.APIRequestsPerSec, &m.APIP99Ms); err != nil {
			return nil, fmt.Errorf("minutes: %w", err)
		}
		m.At = fromMillis(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	return out, nil
}
