package store

import (
	"fmt"

	tw "github.com/billie/supervisor/backend/store/internal/txwriter"
)

// The jobs a batch queues on its writer (package txwriter) that need more than one
// statement: they run on the writer's goroutine, in the batch's transaction.

// messageLog numbers a batch's messages after the stored ones (the writer is the
// only one) and keeps each conversation's span of their ids. Only the writer's
// goroutine uses it.
type messageLog struct {
	next  int64 // 0 until the batch's first message
	spans map[string][2]int64
}

// writeMessages numbers messages, appends them and indexes their words; the index
// rows point at the ids given here.
func (l *messageLog) writeMessages(w *tw.Writer, msgs []messageRow) error {
	if l.next == 0 {
		if err := w.QueryRow("SELECT coalesce(max(id), 0) + 1 FROM messages").Scan(&l.next); err != nil {
			return fmt.Errorf("save messages: %w", err)
		}
		l.spans = map[string][2]int64{}
	}
	for i := range msgs {
		msgs[i].id = l.next + int64(i)
		l.add(msgs[i].conversationID, msgs[i].id)
	}
	l.next += int64(len(msgs))
	if err := tw.BulkInsert(w, messagesTable, msgs); err != nil {
		return fmt.Errorf("save messages: %w", err)
	}
	if err := tw.BulkInsert(w, messageWordsTable, msgs); err != nil {
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

// span is the conversation's first and last message id in the batch, nil without
// messages.
func (l *messageLog) span(conversation string) (first, last any) {
	sp, ok := l.spans[conversation]
	if !ok {
		return nil, nil
	}
	return sp[0], sp[1]
}

// writeConversations upserts conversations with the spans of their messages, which
// the writer has numbered by the time it gets here (save queues them first).
func (l *messageLog) writeConversations(w *tw.Writer, rows []conversationRow) error {
	for i := range rows {
		rows[i].firstMessage, rows[i].lastMessage = l.span(rows[i].id)
	}
	return tw.ExecEach(w, conversationsTable, "conversation", conversationKey, rows)
}

// writeCustomers upserts customers and replaces their search index rows.
func writeCustomers(w *tw.Writer, rows []customerRow) error {
	upsert, err := w.Prepare(customersTable.Statement())
	if err != nil {
		return err
	}
	defer upsert.Close()
	del, err := w.Prepare("DELETE FROM customers_fts WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := w.Prepare(customerWordsTable.Statement())
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range rows {
		c := &rows[i]
		if err := upsert.QueryRow(customersTable.Values(c)...).Scan(&c.rowid); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
		if err := del.Exec(c.rowid); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
		if err := ins.Exec(customerWordsTable.Values(c)...); err != nil {
			return fmt.Errorf("save customer %s: %w", c.id, err)
		}
	}
	return nil
}
