package store

import (
	"context"
	"fmt"

	"github.com/billie/supervisor/backend/ledger"
)

// RebuildProgress reports a rebuild's position.
type RebuildProgress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// Rebuild replays the raw event archive of src, in stream order, into dst with the
// same reducer, in batches of batchSize. dst should be a fresh database: src stays
// untouched, so a failed rebuild loses nothing. Reading and decoding the next page
// overlaps writing the current one.
func Rebuild(ctx context.Context, src, dst *Store, checkpoint string, batchSize int, progress func(RebuildProgress)) (Counts, error) {
	var total Counts
	var p RebuildProgress
	if err := src.countArchive(ctx, 0, &p.Total); err != nil {
		return total, fmt.Errorf("rebuild: count archive: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []ledger.Entry, 2)
	readErr := make(chan error, 1)
	go func() { readErr <- src.readArchiveAfter(ctx, 0, batchSize, pages) }()
	for entries := range pages {
		res, err := dst.ApplyBatch(ctx, checkpoint, entries)
		if err != nil {
			return total, fmt.Errorf("rebuild: %w", err)
		}
		total.Add(res.Counts)
		p.Done += int64(len(entries))
		if progress != nil {
			progress(p)
		}
	}
	return total, <-readErr
}

// readArchiveAfter sends the archive after position after, decoded, page by page, and
// closes out.
func (s *Store) readArchiveAfter(ctx context.Context, after int64, batchSize int, out chan<- []ledger.Entry) error {
	defer close(out)
	for {
		entries, err := s.archivePage(ctx, after, batchSize)
		if err != nil || len(entries) == 0 {
			return err
		}
		last, err := ledger.ParseID(entries[len(entries)-1].ID)
		if err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		if after, err = position(last); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		ledger.DecodeEntries(entries, s.zone)
		select {
		case out <- entries:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Store) archivePage(ctx context.Context, after int64, n int) ([]ledger.Entry, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx,
		"SELECT pos, "+archiveColumns+" FROM events WHERE pos > ? ORDER BY pos LIMIT ?", after, n)
	if err != nil {
		return nil, fmt.Errorf("rebuild: read archive: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		id, fields, err := scanArchiveRow(rows)
		if err != nil {
			return nil, fmt.Errorf("rebuild: %w", err)
		}
		out = append(out, ledger.Entry{ID: id, Fields: fields})
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

// countArchive counts the archived entries after position after.
func (s *Store) countArchive(ctx context.Context, after int64, n *int64) error {
	g, done := s.acquire()
	defer done()
	return g.r.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE pos > ?", after).Scan(n)
}
