// Package txwriter runs a transaction's statements on a goroutine of its own, so that
// SQLite writes one part of a batch while the caller prepares the next: in the store's
// ApplyBatch the reducer and the JSON encoding run beside the writes instead of
// before them.
//
// The statements' rows are typed: a Table names each column together with the field
// of the row it takes its value from, so a statement's column list and its values come
// from one list and a value cannot land in another column.
package txwriter

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Writer runs jobs on its transaction in the order they are queued. Only the
// writer's goroutine uses the transaction until Wait returns.
type Writer struct {
	ctx  context.Context
	tx   *sql.Tx
	jobs chan func() error
	done chan error
}

// queue is how many jobs may wait: enough that the preparing side rarely waits for
// SQLite, few enough that a failed batch stops soon.
const queue = 16

// Start starts a writer on tx. The caller must call Wait exactly once.
func Start(ctx context.Context, tx *sql.Tx) *Writer {
	w := &Writer{ctx: ctx, tx: tx, jobs: make(chan func() error, queue), done: make(chan error, 1)}
	go w.run()
	return w
}

// run does the jobs until the first failure and skips the rest.
func (w *Writer) run() {
	var err error
	for job := range w.jobs {
		if err == nil {
			err = job()
		}
	}
	w.done <- err
}

// Do queues a job. A job runs on the writer's goroutine and may use the Writer's
// statement methods; after a job fails the later ones are skipped.
func (w *Writer) Do(job func() error) { w.jobs <- job }

// Wait ends the queue, waits for the jobs and returns the first failure.
func (w *Writer) Wait() error {
	close(w.jobs)
	return <-w.done
}

// Exec runs one statement in the transaction.
func (w *Writer) Exec(query string, args ...any) error {
	_, err := w.tx.ExecContext(w.ctx, query, args...)
	return err
}

// QueryRow runs a query that returns at most one row, in the transaction.
func (w *Writer) QueryRow(query string, args ...any) *sql.Row {
	return w.tx.QueryRowContext(w.ctx, query, args...)
}

// Prepare prepares a statement on the transaction; the caller closes it.
func (w *Writer) Prepare(query string) (*Stmt, error) {
	st, err := w.tx.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", strings.Fields(query)[0:3], err)
	}
	return &Stmt{ctx: w.ctx, st: st}, nil
}

// Stmt is a statement prepared on a Writer's transaction.
type Stmt struct {
	ctx context.Context
	st  *sql.Stmt
}

// Exec runs the statement.
func (s *Stmt) Exec(args ...any) error {
	_, err := s.st.ExecContext(s.ctx, args...)
	return err
}

// QueryRow runs the statement for at most one row.
func (s *Stmt) QueryRow(args ...any) *sql.Row { return s.st.QueryRowContext(s.ctx, args...) }

// Close releases the statement.
func (s *Stmt) Close() error { return s.st.Close() }
