package ops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Job is the record of a rebuild or replay job. The job runner owns the meaning of
// its fields; the store keeps them.
type Job struct {
	ID           string
	Kind         string // rebuild or replay
	Source       string // archive or stream
	Since        string
	Conversation string
	State        string // running, succeeded, failed, cancelled
	Done         int64
	Total        int64
	Error        string
	StartedAt    time.Time
	FinishedAt   time.Time // zero while running
	StartedBy    string
}

const jobColumns = "id, kind, source, since, conversation, state, done, total, error, started_at, finished_at, started_by"

// SaveJob stores j, replacing the record of the same id.
func (s *Store) SaveJob(ctx context.Context, j Job) error {
	if j.ID == "" {
		return errors.New("save job: no id")
	}
	var finished sql.NullInt64
	if !j.FinishedAt.IsZero() {
		finished = sql.NullInt64{Int64: millis(j.FinishedAt), Valid: true}
	}
	if _, err := s.w.ExecContext(ctx, "INSERT OR REPLACE INTO jobs ("+jobColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		j.ID, j.Kind, j.Source, j.Since, j.Conversation, j.State, j.Done, j.Total, j.Error, millis(j.StartedAt), finished, j.StartedBy); err != nil {
		return fmt.Errorf("save job %s: %w", j.ID, err)
	}
	return nil
}

// Job returns the job of that id; false when there is none.
func (s *Store) Job(ctx context.Context, id string) (Job, bool, error) {
	j, err := scanJob(s.r.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("job %s: %w", id, err)
	}
	return j, true, nil
}

// Jobs returns the latest limit jobs (every one when limit ≤ 0), the newest first.
func (s *Store) Jobs(ctx context.Context, limit int) ([]Job, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+jobColumns+" FROM jobs ORDER BY started_at DESC, id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	defer rows.Close()
	out := []Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return out, nil
}

func scanJob(row rowScanner) (Job, error) {
	var j Job
	var started int64
	var finished sql.NullInt64
	if err := row.Scan(&j.ID, &j.Kind, &j.Source, &j.Since, &j.Conversation, &j.State, &j.Done, &j.Total, &j.Error,
		&started, &finished, &j.StartedBy); err != nil {
		return Job{}, err
	}
	j.StartedAt = fromMillis(started)
	if finished.Valid {
		j.FinishedAt = fromMillis(finished.Int64)
	}
	return j, nil
}
