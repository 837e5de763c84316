package store

import (
	"context"
	"fmt"
)

// RebuildProgress reports a rebuild's position.
type RebuildProgress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// Rebuild replays the raw event archive of src, in stream order, into dst with the
// same reducer, in batches of batchSize. dst should be a fresh database: src stays
// untouched, so a failed rebuild loses nothing.
func Rebuild(ctx context.Context, src, dst *Store, checkpoint string, batchSize int, progress func(RebuildProgress)) (Counts, error) {
	var total Counts
	var p RebuildProgress
	if err := src.r.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&p.Total); err != nil {
		return total, fmt.Errorf("rebuild: count archive: %w", err)
	}
	var after int64
	for {
		entries, err := src.archivePage(ctx, after, batchSize)
		if err != nil {
			return total, err
		}
		if len(entries) == 0 {
			return total, nil
		}
		res, err := dst.ApplyBatch(ctx, checkpoint, entries)
		if err != nil {
			return total, fmt.Errorf("rebuild: %w", err)
		}
		total.addAll(res.Counts)
		if after, err = position(res.Last); err != nil {
			return total, fmt.Errorf("rebuild: %w", err)
		}
		p.Done += int64(len(entries))
		if progress != nil {
			progress(p)
		}
	}
}

func (c *Counts) addAll(o Counts) {
	c.Applied += o.Applied
	c.Skipped += o.Skipped
	c.Duplicates += o.Duplicates
	c.Unhandled += o.Unhandled
	c.DeadLettered += o.DeadLettered
	c.Redelivered += o.Redelivered
}

func (s *Store) archivePage(ctx context.Context, after int64, n int) ([]Entry, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT pos, "+archiveColumns+" FROM events WHERE pos > ? ORDER BY pos LIMIT ?", after, n)
	if err != nil {
		return nil, fmt.Errorf("rebuild: read archive: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		id, fields, err := scanArchiveRow(rows)
		if err != nil {
			return nil, fmt.Errorf("rebuild: %w", err)
		}
		out = append(out, Entry{ID: id, Fields: fields})
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

// scanArchiveRow reads "pos, "+archiveColumns.
func scanArchiveRow(rows scanner) (string, map[string]string, error) {
	var pos int64
	vals := make([]string, len(envelopeFields))
	var extra *string
	dest := []any{&pos}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	dest = append(dest, &extra)
	if err := rows.Scan(dest...); err != nil {
		return "", nil, fmt.Errorf("read archive: %w", err)
	}
	id := idAt(pos).String()
	fields, err := scanArchived(vals, extra)
	if err != nil {
		return "", nil, fmt.Errorf("archived %s: %w", id, err)
	}
	return id, fields, nil
}
