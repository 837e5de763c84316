package store

import (
	"context"
	"encoding/json"
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
	var afterMs, afterSeq uint64
	for {
		entries, err := src.archivePage(ctx, afterMs, afterSeq, batchSize)
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
		afterMs, afterSeq = res.Last.Ms, res.Last.Seq
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

func (s *Store) archivePage(ctx context.Context, afterMs, afterSeq uint64, n int) ([]Entry, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT ms, seq, fields FROM events WHERE (ms, seq) > (?, ?) ORDER BY ms, seq LIMIT ?", afterMs, afterSeq, n)
	if err != nil {
		return nil, fmt.Errorf("rebuild: read archive: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var ms, seq uint64
		var fields []byte
		if err := rows.Scan(&ms, &seq, &fields); err != nil {
			return nil, fmt.Errorf("rebuild: read archive: %w", err)
		}
		e := Entry{ID: fmt.Sprintf("%d-%d", ms, seq)}
		if err := json.Unmarshal(fields, &e.Fields); err != nil {
			return nil, fmt.Errorf("rebuild: decode archived %s: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
