package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// storeSource reads stored records for the reducer, from the cache of committed
// records first. It reads on a connection of its own, not in the batch's
// transaction, which the writer goroutine owns: that sees the same records, because
// the batch holds the database's write lock and keeps every record it changed in
// memory.
type storeSource struct {
	ctx   context.Context
	db    *sql.DB
	cache *recordCache
}

func (s *storeSource) Conversation(id string) (*projection.Conversation, error) {
	if c := s.cache.conversations.take(id); c != nil {
		return c, nil
	}
	return sourceDoc[projection.Conversation](s, docKey{conversationDoc, id}, "SELECT doc FROM conversations WHERE id = ?")
}

func (s *storeSource) Application(number string) (*projection.Application, error) {
	if a := s.cache.applications.take(number); a != nil {
		return a, nil
	}
	return sourceDoc[projection.Application](s, docKey{applicationDoc, number}, "SELECT doc FROM applications WHERE number = ?")
}

func (s *storeSource) Customer(id string) (*projection.Customer, error) {
	if c := s.cache.customers.take(id); c != nil {
		return c, nil
	}
	return sourceDoc[projection.Customer](s, docKey{customerDoc, id}, "SELECT doc FROM customers WHERE id = ?")
}

// sourceDoc decodes the record's committed document, kept from the batch that wrote
// it or else read by query; nil when there is none.
func sourceDoc[T any](s *storeSource, k docKey, query string) (*T, error) {
	if doc := s.cache.docs.get(k); doc != nil {
		return decodeDoc[T](doc, k.id)
	}
	return loadDoc[T](s.ctx, s.db, query, k.id)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadDoc[T any](ctx context.Context, q rowQuerier, query string, key string) (*T, error) {
	var doc []byte
	err := q.QueryRowContext(ctx, query, key).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeDoc[T](doc, key)
}

func decodeDoc[T any](doc []byte, key string) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(doc, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return v, nil
}

func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// flushRows is how many archived entries, or messages, the reducer collects before
// handing them to the writer, so that SQLite writes them while it goes on.
const flushRows = 512

// flush hands the writer the archive rows and messages collected so far; at least
// flushRows of either unless all is set.
func (b *batch) flush(snap *projection.Snapshot, all bool) error {
	if len(b.archive) >= flushRows || all && len(b.archive) > 0 {
		if err := b.queueArchive(); err != nil {
			return err
		}
	}
	msgs := snap.Messages()[b.messagesQueued:]
	if len(msgs) >= flushRows || all && len(msgs) > 0 {
		if err := b.queueMessages(msgs); err != nil {
			return err
		}
		b.messagesQueued += len(msgs)
	}
	return nil
}

// save hands the writer everything else the snapshot changed, with the portal rows
// derived from it.
func (b *batch) save(snap *projection.Snapshot) error {
	if err := b.flush(snap, true); err != nil {
		return err
	}
	ch := snap.Changes()
	steps := []func() error{
		func() error { return b.saveConversations(ch.Conversations) },
		func() error { return b.widenSpans(ch.Conversations) },
		func() error { return b.saveApplications(ch.Applications) },
		func() error { return b.saveCustomers(ch.Customers) },
	}
	if b.portal {
		steps = append(steps, func() error { return b.savePortal(snap, ch.Conversations) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *batch) saveConversations(convs []*projection.Conversation) error {
	rows := make([][]any, 0, len(convs))
	for _, c := range convs {
		doc, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("save conversation %s: %w", c.ID, err)
		}
		activity := c.LastMessageAt
		if activity.IsZero() {
			activity = c.StartedAt
		}
		first, last, err := b.spans.positions(c.ID)
		if err != nil {
			return fmt.Errorf("save conversation %s: %w", c.ID, err)
		}
		b.docs = append(b.docs, keptDoc{docKey{conversationDoc, c.ID}, doc})
		rows = append(rows, []any{c.ID, c.StartedAt.UnixMilli(), activity.UnixMilli(), ms(c.LastMessageAt),
			ms(c.EndedAt), strings.ToUpper(c.Decision), c.CustomerID, c.ApplicationNumber, c.MessageCount, c.Version, doc,
			first, last, nil, nil})
	}
	// The writer has numbered the batch's messages by the time it gets here (save
	// queues them first), so it fills in each conversation's span of their ids.
	b.w.do(func() error {
		for _, r := range rows {
			r[13], r[14] = b.w.msgs.span(r[0].(string))
		}
		return b.w.execEach("conversation", `INSERT INTO conversations
		(id, started_at, last_activity_at, last_message_at, ended_at, decision, customer_id, application_number,
		message_count, version, doc, first_pos, last_pos, first_message, last_message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, last_activity_at = excluded.last_activity_at,
		last_message_at = excluded.last_message_at, ended_at = excluded.ended_at, decision = excluded.decision,
		customer_id = excluded.customer_id, application_number = excluded.application_number,
		message_count = excluded.message_count, version = excluded.version, doc = excluded.doc,
		first_pos = min(coalesce(first_pos, excluded.first_pos), coalesce(excluded.first_pos, first_pos)),
		last_pos = max(coalesce(last_pos, excluded.last_pos), coalesce(excluded.last_pos, last_pos)),
		first_message = coalesce(first_message, excluded.first_message),
		last_message = coalesce(excluded.last_message, last_message)`, rows)
	})
	return nil
}

// queueMessages encodes messages for the writer, which numbers and indexes them.
func (b *batch) queueMessages(msgs []projection.Message) error {
	rows := make([]messageRow, 0, len(msgs))
	for _, m := range msgs {
		doc, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("save message %s: %w", m.StreamID, err)
		}
		var seq any
		if m.Seq != 0 {
			seq = m.Seq
		}
		rows = append(rows, messageRow{conversation: m.ConversationID, text: m.Text,
			values: []any{m.ConversationID, m.StreamID, seq, m.Sender, m.Text, m.At.UnixMilli(), doc}})
	}
	b.w.do(func() error { return b.w.saveMessages(rows) })
	return nil
}

func (b *batch) saveApplications(apps []*projection.Application) error {
	rows := make([][]any, 0, len(apps))
	for _, a := range apps {
		doc, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("save application %s: %w", a.Number, err)
		}
		b.docs = append(b.docs, keptDoc{docKey{applicationDoc, a.Number}, doc})
		row := projection.PortalApplicationOf(a, nil)
		rows = append(rows, []any{a.Number, a.CustomerID, row.Status, row.CurrentStage, row.LoanAmount,
			a.UpdatedAt.UnixMilli(), a.Version, doc})
	}
	b.w.do(func() error {
		return b.w.execEach("application", `INSERT INTO applications (number, customer_id, status, stage, loan_amount, updated_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET customer_id = excluded.customer_id, status = excluded.status,
		stage = excluded.stage, loan_amount = excluded.loan_amount, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc`, rows)
	})
	return nil
}

func (b *batch) saveCustomers(custs []*projection.Customer) error {
	rows := make([]customerRow, 0, len(custs))
	for _, c := range custs {
		doc, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("save customer %s: %w", c.ID, err)
		}
		b.docs = append(b.docs, keptDoc{docKey{customerDoc, c.ID}, doc})
		rows = append(rows, customerRow{id: c.ID, name: c.Name(), email: c.Email(), values: []any{
			c.ID, c.Name(), stringOf(c.Profile["first_name"]), stringOf(c.Profile["last_name"]),
			c.Email(), c.UpdatedAt.UnixMilli(), c.Version, doc}})
	}
	if len(rows) > 0 {
		b.w.do(func() error { return b.w.saveCustomers(rows) })
	}
	return nil
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

func (b *batch) savePortal(snap *projection.Snapshot, convs []*projection.Conversation) error {
	apps, err := snap.PortalApplications()
	if err != nil {
		return fmt.Errorf("derive portal applications: %w", err)
	}
	appRows := make([][]any, 0, len(apps))
	for _, r := range apps {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal application %s: %w", r.ApplicationID, err)
		}
		appRows = append(appRows, []any{r.CustomerID, r.ApplicationID, r.LastUpdateAt.UnixMilli(), r.Version, doc})
	}
	convRows := make([][]any, 0, len(convs))
	for _, c := range convs {
		if c.CustomerID == "" {
			continue
		}
		r := projection.PortalConversationOf(c)
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal conversation %s: %w", c.ID, err)
		}
		convRows = append(convRows, []any{r.CustomerID, r.ConversationID, ms(c.LastMessageAt), c.StartedAt.UnixMilli(), r.Version, doc})
	}
	b.w.do(func() error {
		err := b.w.execEach("portal application", `INSERT INTO portal_applications (customer_id, application_id, last_update_at, version, doc)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, application_id) DO UPDATE SET last_update_at = excluded.last_update_at,
		version = excluded.version, doc = excluded.doc`, appRows)
		if err != nil {
			return err
		}
		return b.w.execEach("portal conversation", `INSERT INTO portal_conversations (customer_id, conversation_id, last_message_at, started_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, conversation_id) DO UPDATE SET last_message_at = excluded.last_message_at,
		started_at = excluded.started_at, version = excluded.version, doc = excluded.doc`, convRows)
	})
	return nil
}

// queueArchive encodes the archive rows collected so far for the writer.
func (b *batch) queueArchive() error {
	rows := make([][]any, 0, len(b.archive))
	for _, a := range b.archive {
		row, err := archiveRow(a)
		if err != nil {
			return fmt.Errorf("archive %s: %w", a.ev.ID, err)
		}
		pos, err := position(a.ev.ID)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		rows = append(rows, append([]any{pos, a.outcome.String()}, row...))
	}
	b.archive = b.archive[:0]
	b.w.do(func() error { return b.w.bulkInsert("INSERT INTO events (pos, outcome, "+archiveColumns+")", rows) })
	return nil
}
