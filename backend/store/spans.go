package store

import (
	"database/sql"
	"fmt"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
	tw "github.com/billie/supervisor/backend/store/internal/txwriter"
)

// spans are, per conversation, the first and last entry of it a batch archives. The
// conversation row keeps the widest span seen, so reading its raw events is a range
// scan of the archive rather than an index kept for every entry.
type spans map[string]span

type span struct{ first, last ledger.ID }

func (s spans) add(conversationID string, id ledger.ID) {
	if conversationID == "" {
		return
	}
	sp, ok := s[conversationID]
	if !ok {
		s[conversationID] = span{first: id, last: id}
		return
	}
	if id.Compare(sp.first) < 0 {
		sp.first = id
	}
	if id.Compare(sp.last) > 0 {
		sp.last = id
	}
	s[conversationID] = sp
}

// positions are the span's archive positions as column values, NULL without a span.
func (s spans) positions(conversationID string) (first, last any, err error) {
	sp, ok := s[conversationID]
	if !ok {
		return nil, nil, nil
	}
	if first, err = position(sp.first); err != nil {
		return nil, nil, err
	}
	if last, err = position(sp.last); err != nil {
		return nil, nil, err
	}
	return first, last, nil
}

// widenSpans records the spans of conversations the batch archived entries of but
// did not change (other agents' entries, say); saveConversations wrote the rest.
func (b *batch) widenSpans(changed []*projection.Conversation) error {
	saved := make(map[string]bool, len(changed))
	for _, c := range changed {
		saved[c.ID] = true
	}
	var rest []string
	for id := range b.spans {
		if !saved[id] {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	rows := make([]spanRow, 0, len(rest))
	for _, id := range rest {
		first, last, err := b.spans.positions(id)
		if err != nil {
			return fmt.Errorf("span of %s: %w", id, err)
		}
		rows = append(rows, spanRow{id: id, first: first, last: last})
	}
	b.w.Do(func() error { return writeSpans(b.w, rows) })
	return nil
}

// spanRow widens a stored conversation's archive span to first and last.
type spanRow struct {
	id          string
	first, last any
}

func writeSpans(w *tw.Writer, rows []spanRow) error {
	st, err := w.Prepare(`UPDATE conversations SET first_pos = min(coalesce(first_pos, :first), :first),
		last_pos = max(coalesce(last_pos, :last), :last) WHERE id = :id`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if err := st.Exec(sql.Named("id", r.id), sql.Named("first", r.first), sql.Named("last", r.last)); err != nil {
			return fmt.Errorf("save span of %s: %w", r.id, err)
		}
	}
	return nil
}
