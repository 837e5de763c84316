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

// txSource reads stored records inside the batch's transaction for the reducer,
// from the cache of committed records first.
type txSource struct {
	ctx   context.Context
	tx    *sql.Tx
	cache *recordCache
}

func (s *txSource) Conversation(id string) (*projection.Conversation, error) {
	if c := s.cache.conversations.take(id); c != nil {
		return c, nil
	}
	return loadDoc[projection.Conversation](s.ctx, s.tx, "SELECT doc FROM conversations WHERE id = ?", id)
}

func (s *txSource) Application(number string) (*projection.Application, error) {
	if a := s.cache.applications.take(number); a != nil {
		return a, nil
	}
	return loadDoc[projection.Application](s.ctx, s.tx, "SELECT doc FROM applications WHERE number = ?", number)
}

func (s *txSource) Customer(id string) (*projection.Customer, error) {
	if c := s.cache.customers.take(id); c != nil {
		return c, nil
	}
	return loadDoc[projection.Customer](s.ctx, s.tx, "SELECT doc FROM customers WHERE id = ?", id)
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

// save writes everything the snapshot changed, the portal rows derived from it and
// the archive.
func (b *batch) save(snap *projection.Snapshot) error {
	ch := snap.Changes()
	steps := []func() error{
		func() error { return b.saveConversations(ch.Conversations) },
		func() error { return b.widenSpans(ch.Conversations) },
		func() error { return b.saveMessages(ch.Messages) },
		func() error { return b.saveApplications(ch.Applications) },
		func() error { return b.saveCustomers(ch.Customers) },
		func() error { return b.savePortal(snap, ch.Conversations) },
		b.saveArchive,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *batch) prepare(query string) (*sql.Stmt, error) {
	st, err := b.tx.PrepareContext(b.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", strings.Fields(query)[0:3], err)
	}
	return st, nil
}

func (b *batch) saveConversations(convs []*projection.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	st, err := b.prepare(`INSERT INTO conversations
		(id, started_at, last_activity_at, last_message_at, ended_at, decision, customer_id, application_number,
		message_count, version, doc, first_pos, last_pos)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, last_activity_at = excluded.last_activity_at,
		last_message_at = excluded.last_message_at, ended_at = excluded.ended_at, decision = excluded.decision,
		customer_id = excluded.customer_id, application_number = excluded.application_number,
		message_count = excluded.message_count, version = excluded.version, doc = excluded.doc,
		first_pos = min(coalesce(first_pos, excluded.first_pos), coalesce(excluded.first_pos, first_pos)),
		last_pos = max(coalesce(last_pos, excluded.last_pos), coalesce(excluded.last_pos, last_pos))`)
	if err != nil {
		return err
	}
	defer st.Close()
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
		_, err = st.ExecContext(b.ctx, c.ID, c.StartedAt.UnixMilli(), activity.UnixMilli(), ms(c.LastMessageAt),
			ms(c.EndedAt), strings.ToUpper(c.Decision), c.CustomerID, c.ApplicationNumber, c.MessageCount, c.Version, doc,
			first, last)
		if err != nil {
			return fmt.Errorf("save conversation %s: %w", c.ID, err)
		}
	}
	return nil
}

// saveMessages appends the batch's messages and indexes their words. The writer is
// the only one, so message ids are assigned here and the index rows can point at them.
func (b *batch) saveMessages(msgs []projection.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	var next int64
	if err := b.tx.QueryRowContext(b.ctx, "SELECT coalesce(max(id), 0) + 1 FROM messages").Scan(&next); err != nil {
		return fmt.Errorf("save messages: %w", err)
	}
	rows := make([][]any, 0, len(msgs))
	words := make([][]any, 0, len(msgs))
	for i, m := range msgs {
		doc, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("save message %s: %w", m.StreamID, err)
		}
		var seq any
		if m.Seq != 0 {
			seq = m.Seq
		}
		id := next + int64(i)
		rows = append(rows, []any{id, m.ConversationID, m.StreamID, seq, m.Sender, m.Text, m.At.UnixMilli(), doc})
		words = append(words, []any{id, m.Text})
	}
	if err := b.bulkInsert("INSERT INTO messages (id, conversation_id, stream_id, seq, sender, text, at, doc)", rows); err != nil {
		return fmt.Errorf("save messages: %w", err)
	}
	if err := b.bulkInsert("INSERT INTO messages_fts (rowid, text)", words); err != nil {
		return fmt.Errorf("index messages: %w", err)
	}
	return b.saveMessageSpans(msgs, next)
}

// saveMessageSpans widens each conversation's span of message ids to the batch's
// messages, whose ids start at first and only grow.
func (b *batch) saveMessageSpans(msgs []projection.Message, first int64) error {
	type span struct {
		conversation string
		first, last  int64
	}
	var spans []span
	at := map[string]int{}
	for i, m := range msgs {
		id := first + int64(i)
		if j, ok := at[m.ConversationID]; ok {
			spans[j].last = id
			continue
		}
		at[m.ConversationID] = len(spans)
		spans = append(spans, span{m.ConversationID, id, id})
	}
	st, err := b.prepare(`INSERT INTO message_spans (conversation_id, first_id, last_id) VALUES (?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET last_id = excluded.last_id`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, sp := range spans {
		if _, err := st.ExecContext(b.ctx, sp.conversation, sp.first, sp.last); err != nil {
			return fmt.Errorf("save message span of %s: %w", sp.conversation, err)
		}
	}
	return nil
}

func (b *batch) saveApplications(apps []*projection.Application) error {
	if len(apps) == 0 {
		return nil
	}
	st, err := b.prepare(`INSERT INTO applications (number, customer_id, status, stage, loan_amount, updated_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET customer_id = excluded.customer_id, status = excluded.status,
		stage = excluded.stage, loan_amount = excluded.loan_amount, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range apps {
		doc, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("save application %s: %w", a.Number, err)
		}
		row := projection.PortalApplicationOf(a, nil)
		_, err = st.ExecContext(b.ctx, a.Number, a.CustomerID, row.Status, row.CurrentStage, row.LoanAmount,
			a.UpdatedAt.UnixMilli(), a.Version, doc)
		if err != nil {
			return fmt.Errorf("save application %s: %w", a.Number, err)
		}
	}
	return nil
}

func (b *batch) saveCustomers(custs []*projection.Customer) error {
	if len(custs) == 0 {
		return nil
	}
	st, err := b.prepare(`INSERT INTO customers (id, name, first_name, last_name, email, updated_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, first_name = excluded.first_name,
		last_name = excluded.last_name, email = excluded.email, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc
		RETURNING rowid`)
	if err != nil {
		return err
	}
	defer st.Close()
	del, err := b.prepare("DELETE FROM customers_fts WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := b.prepare("INSERT INTO customers_fts (rowid, id, name, email) VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, c := range custs {
		if err := b.saveCustomer(c, st, del, ins); err != nil {
			return fmt.Errorf("save customer %s: %w", c.ID, err)
		}
	}
	return nil
}

func (b *batch) saveCustomer(c *projection.Customer, upsert, del, ins *sql.Stmt) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var rowid int64
	err = upsert.QueryRowContext(b.ctx, c.ID, c.Name(), stringOf(c.Profile["first_name"]), stringOf(c.Profile["last_name"]),
		c.Email(), c.UpdatedAt.UnixMilli(), c.Version, doc).Scan(&rowid)
	if err != nil {
		return err
	}
	if _, err := del.ExecContext(b.ctx, rowid); err != nil {
		return err
	}
	_, err = ins.ExecContext(b.ctx, rowid, c.ID, c.Name(), c.Email())
	return err
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
	if len(apps) > 0 {
		if err := b.savePortalApplications(apps); err != nil {
			return err
		}
	}
	return b.savePortalConversations(convs)
}

func (b *batch) savePortalApplications(rows []projection.PortalApplication) error {
	st, err := b.prepare(`INSERT INTO portal_applications (customer_id, application_id, last_update_at, version, doc)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, application_id) DO UPDATE SET last_update_at = excluded.last_update_at,
		version = excluded.version, doc = excluded.doc`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal application %s: %w", r.ApplicationID, err)
		}
		if _, err := st.ExecContext(b.ctx, r.CustomerID, r.ApplicationID, r.LastUpdateAt.UnixMilli(), r.Version, doc); err != nil {
			return fmt.Errorf("save portal application %s: %w", r.ApplicationID, err)
		}
	}
	return nil
}

func (b *batch) savePortalConversations(convs []*projection.Conversation) error {
	st, err := b.prepare(`INSERT INTO portal_conversations (customer_id, conversation_id, last_message_at, started_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, conversation_id) DO UPDATE SET last_message_at = excluded.last_message_at,
		started_at = excluded.started_at, version = excluded.version, doc = excluded.doc`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, c := range convs {
		if c.CustomerID == "" {
			continue
		}
		r := projection.PortalConversationOf(c)
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal conversation %s: %w", c.ID, err)
		}
		if _, err := st.ExecContext(b.ctx, r.CustomerID, r.ConversationID, ms(c.LastMessageAt), c.StartedAt.UnixMilli(), r.Version, doc); err != nil {
			return fmt.Errorf("save portal conversation %s: %w", c.ID, err)
		}
	}
	return nil
}

func (b *batch) saveArchive() error {
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
	return b.bulkInsert("INSERT INTO events (pos, outcome, "+archiveColumns+")", rows)
}
