package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/billie/supervisor/backend/projection"
)

// Conversation reads one conversation; nil when it does not exist.
func (s *Store) Conversation(ctx context.Context, id string) (*projection.Conversation, error) {
	g, done := s.acquire()
	defer done()
	c, err := loadDoc[projection.Conversation](ctx, g.r, "SELECT doc FROM conversations WHERE id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", id, err)
	}
	return c, nil
}

// Application reads one application; nil when it does not exist.
func (s *Store) Application(ctx context.Context, number string) (*projection.Application, error) {
	g, done := s.acquire()
	defer done()
	a, err := loadDoc[projection.Application](ctx, g.r, "SELECT doc FROM applications WHERE number = ?", number)
	if err != nil {
		return nil, fmt.Errorf("read application %s: %w", number, err)
	}
	return a, nil
}

// Customer reads one customer; nil when it does not exist.
func (s *Store) Customer(ctx context.Context, id string) (*projection.Customer, error) {
	g, done := s.acquire()
	defer done()
	c, err := loadDoc[projection.Customer](ctx, g.r, "SELECT doc FROM customers WHERE id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("read customer %s: %w", id, err)
	}
	return c, nil
}

// Messages reads a conversation's transcript, oldest first.
func (s *Store) Messages(ctx context.Context, conversationID string) ([]projection.Message, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT doc FROM messages WHERE conversation_id = ? ORDER BY id", conversationID)
	if err != nil {
		return nil, fmt.Errorf("read messages of %s: %w", conversationID, err)
	}
	defer rows.Close()
	var msgs []projection.Message
	for rows.Next() {
		var doc []byte
		var m projection.Message
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("read messages of %s: %w", conversationID, err)
		}
		if err := json.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("decode message of %s: %w", conversationID, err)
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

// RawEvents reads the archived raw entries of a conversation in stream order.
func (s *Store) RawEvents(ctx context.Context, conversationID string) ([]ArchivedEvent, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx,
		`SELECT outcome, pos, `+archiveColumns+` FROM events
		 WHERE pos BETWEEN (SELECT first_pos FROM conversations WHERE id = ?1)
		 AND (SELECT last_pos FROM conversations WHERE id = ?1) AND cid = ?1 ORDER BY pos`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("read raw events of %s: %w", conversationID, err)
	}
	defer rows.Close()
	var out []ArchivedEvent
	for rows.Next() {
		var e ArchivedEvent
		var outcome string
		id, fields, err := scanArchiveRow(prefixScanner{rows, &outcome})
		if err != nil {
			return nil, fmt.Errorf("read raw events of %s: %w", conversationID, err)
		}
		e.ID, e.Outcome, e.Type, e.Fields = id, outcome, fields["typ"], fields
		out = append(out, e)
	}
	return out, rows.Err()
}

// prefixScanner scans one leading column into first, then the rest as asked.
type prefixScanner struct {
	rows  scanner
	first *string
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}

// ArchivedEvent is one entry of the raw event archive.
type ArchivedEvent struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Outcome string            `json:"outcome"`
	Fields  map[string]string `json:"fields"`
}
