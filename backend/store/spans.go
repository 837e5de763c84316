package store

import (
	"fmt"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
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
	rows := make([][]any, 0, len(rest))
	for _, id := range rest {
		first, last, err := b.spans.positions(id)
		if err != nil {
			return fmt.Errorf("span of %s: %w", id, err)
		}
		rows = append(rows, []any{id, first, last})
	}
	b.w.do(func() error {
		return b.w.execEach("span of", `UPDATE conversations SET first_pos = min(coalesce(first_pos, ?2), ?2),
			last_pos = max(coalesce(last_pos, ?3), ?3) WHERE id = ?1`, rows)
	})
	return nil
}
