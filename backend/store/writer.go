package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// txWriter runs a batch's statements on its transaction, in the order they are
// queued, on a goroutine of its own: SQLite writes one part of the batch while the
// reducer and the JSON encoding prepare the next. Only that goroutine uses the
// transaction until wait returns.
type txWriter struct {
	ctx  context.Context
	tx   *sql.Tx
	jobs chan func() error
	done chan error
	// msgs is the state of the batch's message writes.
	msgs messageLog
}

// writerQueue is how many jobs may wait: enough that the preparing side rarely
// waits for SQLite, few enough that a failed batch stops soon.
const writerQueue = 16

func startWriter(ctx context.Context, tx *sql.Tx) *txWriter {
	w := &txWriter{ctx: ctx, tx: tx, jobs: make(chan func() error, writerQueue), done: make(chan error, 1)}
	go w.run()
	return w
}

// run does the jobs until the first failure and skips the rest.
func (w *txWriter) run() {
	var err error
	for job := range w.jobs {
		if err == nil {
			err = job()
		}
	}
	w.done <- err
}

// do queues a job.
func (w *txWriter) do(job func() error) { w.jobs <- job }

// wait ends the queue, waits for the jobs and returns the first one's error. It is
// called exactly once.
func (w *txWriter) wait() error {
	close(w.jobs)
	return <-w.done
}

func (w *txWriter) prepare(query string) (*sql.Stmt, error) {
	st, err := w.tx.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", strings.Fields(query)[0:3], err)
	}
	return st, nil
}

// execEach runs query once per row; what names each row in errors is its first value.
func (w *txWriter) execEach(what, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	st, err := w.prepare(query)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(w.ctx, r...); err != nil {
			return fmt.Errorf("save %s %v: %w", what, r[0], err)
		}
	}
	return nil
}

// messageRow is a message encoded for the writer, which gives it its id: values are
// the columns after id.
type messageRow struct {
	conversation, text string
	values             []any
}

// messageLog numbers a batch's messages after the stored ones (the writer is the
// only one) and keeps each conversation's span of their ids.
type messageLog struct {
	next  int64 // 0 until the batch's first message
	spans map[string][2]int64
}

// saveMessages appends messages and indexes their words; the index rows point at
// the ids given here.
func (w *txWriter) saveMessages(msgs []messageRow) error {
	if w.msgs.next == 0 {
		if err := w.tx.QueryRowContext(w.ctx, "SELECT coalesce(max(id), 0) + 1 FROM messages").Scan(&w.msgs.next); err != nil {
			return fmt.Errorf("save messages: %w", err)
		}
		w.msgs.spans = map[string][2]int64{}
	}
	rows := make([][]any, len(msgs))
	words := make([][]any, len(msgs))
	for i, m := range msgs {
		id := w.msgs.next + int64(i)
		rows[i] = append([]any{id}, m.values...)
		words[i] = []any{id, m.text}
		w.msgs.add(m.conversation, id)
	}
	w.msgs.next += int64(len(msgs))
	if err := w.bulkInsert("INSERT INTO messages (id, conversation_id, stream_id, seq, sender, text, at, doc)", rows); err != nil {
		return fmt.Errorf("save messages: %w", err)
	}
	if err := w.bulkInsert("INSERT INTO messages_fts (rowid, text)", words); err != nil {
		return fmt.Errorf("index messages: %w", err)
	}
	return nil
}

// add widens the conversation's span to id, which is larger than every id before it.
func (l *messageLog) add(conversation string, id int64) {
	sp, ok := l.spans[conversation]
	if !ok {
		sp[0] = id
	}
	sp[1] = id
	l.spans[conversation] = sp
}

// span is the conversation's first and last message id in the batch, NULL without
// messages.
func (l *messageLog) span(conversation string) (first, last any) {
	sp, ok := l.spans[conversation]
	if !ok {
		return nil, nil
	}
	return sp[0], sp[1]
}

// customerRow is a customer encoded for the writer: values are the table's columns,
// name and email what the search index holds.
type customerRow struct {
	id, name, email string
	values          []any
}

// saveCustomers upserts customers and replaces their search index rows.
func (w *txWriter) saveCustomers(rows []customerRow) error {
	upsert, err := w.prepare(`INSERT INTO customers (id, name, first_name, last_name, email, updated_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, first_name = excluded.first_name,
		last_name = excluded.last_name, email = excluded.email, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc
		RETURNING rowid`)
	if err != nil {
		return err
	}
	defer upsert.Close()
	del, err := w.prepare("DELETE FROM customers_fts WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := w.prepare("INSERT INTO customers_fts (rowid, id, name, email) VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, c := range rows {
		var rowid int64
		if err := upsert.QueryRowContext(w.ctx, c.values...).Scan(&rowid); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
		if _, err := del.ExecContext(w.ctx, rowid); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
		if _, err := ins.ExecContext(w.ctx, rowid, c.id, c.name, c.email); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
	}
	return nil
}
