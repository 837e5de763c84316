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
	"github.com/billie/supervisor/backend/store/internal/recordcache"
	tw "github.com/billie/supervisor/backend/store/internal/txwriter"
)

// storeSource reads stored records for the reducer, from the cache of committed
// records first. It reads on a connection of its own, not in the batch's
// transaction, which the writer goroutine owns: that sees the same records, because
// the batch holds the database's write lock and keeps every record it changed in
// memory.
type storeSource struct {
	ctx   context.Context
	db    *sql.DB
	cache *recordcache.Cache
}

func (s *storeSource) Conversation(id string) (*projection.Conversation, error) {
	if c := s.cache.Conversation(id); c != nil {
		return c, nil
	}
	return sourceDoc[projection.Conversation](s, recordcache.Key{Kind: recordcache.ConversationDoc, ID: id},
		"SELECT doc FROM conversations WHERE id = ?")
}

func (s *storeSource) Application(number string) (*projection.Application, error) {
	if a := s.cache.Application(number); a != nil {
		return a, nil
	}
	return sourceDoc[projection.Application](s, recordcache.Key{Kind: recordcache.ApplicationDoc, ID: number},
		"SELECT doc FROM applications WHERE number = ?")
}

func (s *storeSource) Customer(id string) (*projection.Customer, error) {
	if c := s.cache.Customer(id); c != nil {
		return c, nil
	}
	return sourceDoc[projection.Customer](s, recordcache.Key{Kind: recordcache.CustomerDoc, ID: id},
		"SELECT doc FROM customers WHERE id = ?")
}

// sourceDoc decodes the record's committed document, kept from the batch that wrote
// it or else read by query; nil when there is none.
func sourceDoc[T any](s *storeSource, k recordcache.Key, query string) (*T, error) {
	if doc := s.cache.Doc(k); doc != nil {
		return decodeDoc[T](doc, k.ID)
	}
	return loadDoc[T](s.ctx, s.db, query, k.ID)
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
	rows := make([]conversationRow, 0, len(convs))
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
		b.docs = append(b.docs, recordcache.Doc{Key: recordcache.Key{Kind: recordcache.ConversationDoc, ID: c.ID}, JSON: doc})
		rows = append(rows, conversationRow{id: c.ID, startedAt: c.StartedAt.UnixMilli(), lastActivityAt: activity.UnixMilli(),
			lastMessageAt: ms(c.LastMessageAt), endedAt: ms(c.EndedAt), decision: strings.ToUpper(c.Decision),
			customerID: c.CustomerID, applicationNum: c.ApplicationNumber, messageCount: c.MessageCount,
			version: c.Version, doc: doc, firstPos: first, lastPos: last})
	}
	b.w.Do(func() error { return b.msgs.writeConversations(b.w, rows) })
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
		rows = append(rows, messageRow{conversationID: m.ConversationID, streamID: m.StreamID, seq: seq,
			sender: m.Sender, text: m.Text, at: m.At.UnixMilli(), doc: doc})
	}
	b.w.Do(func() error { return b.msgs.writeMessages(b.w, rows) })
	return nil
}

func (b *batch) saveApplications(apps []*projection.Application) error {
	rows := make([]applicationRow, 0, len(apps))
	for _, a := range apps {
		doc, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("save application %s: %w", a.Number, err)
		}
		b.docs = append(b.docs, recordcache.Doc{Key: recordcache.Key{Kind: recordcache.ApplicationDoc, ID: a.Number}, JSON: doc})
		row := projection.PortalApplicationOf(a, nil)
		rows = append(rows, applicationRow{number: a.Number, customerID: a.CustomerID, status: string(row.Status),
			stage: row.CurrentStage, loanAmount: row.LoanAmount, updatedAt: a.UpdatedAt.UnixMilli(), version: a.Version, doc: doc})
	}
	b.w.Do(func() error { return tw.ExecEach(b.w, applicationsTable, "application", applicationKey, rows) })
	return nil
}

func (b *batch) saveCustomers(custs []*projection.Customer) error {
	rows := make([]customerRow, 0, len(custs))
	for _, c := range custs {
		doc, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("save customer %s: %w", c.ID, err)
		}
		b.docs = append(b.docs, recordcache.Doc{Key: recordcache.Key{Kind: recordcache.CustomerDoc, ID: c.ID}, JSON: doc})
		rows = append(rows, customerRow{id: c.ID, name: c.Name(), firstName: stringOf(c.Profile["first_name"]),
			lastName: stringOf(c.Profile["last_name"]), email: c.Email(), updatedAt: c.UpdatedAt.UnixMilli(),
			version: c.Version, doc: doc})
	}
	if len(rows) > 0 {
		b.w.Do(func() error { return writeCustomers(b.w, rows) })
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
	appRows := make([]portalApplicationRow, 0, len(apps))
	for _, r := range apps {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal application %s: %w", r.ApplicationID, err)
		}
		appRows = append(appRows, portalApplicationRow{customerID: r.CustomerID, applicationID: r.ApplicationID,
			lastUpdateAt: r.LastUpdateAt.UnixMilli(), version: r.Version, doc: doc})
	}
	convRows := make([]portalConversationRow, 0, len(convs))
	for _, c := range convs {
		if c.CustomerID == "" {
			continue
		}
		r := projection.PortalConversationOf(c)
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("save portal conversation %s: %w", c.ID, err)
		}
		var lastAt time.Time // the shown message's, as in doc
		if r.LastMessageAt != nil {
			lastAt = *r.LastMessageAt
		}
		convRows = append(convRows, portalConversationRow{customerID: r.CustomerID, conversationID: r.ConversationID,
			lastMessageAt: ms(lastAt), startedAt: c.StartedAt.UnixMilli(), version: r.Version, doc: doc})
	}
	b.w.Do(func() error {
		if err := tw.ExecEach(b.w, portalApplicationsTable, "portal application", portalApplicationKey, appRows); err != nil {
			return err
		}
		return tw.ExecEach(b.w, portalConversationsTable, "portal conversation", portalConversationKey, convRows)
	})
	return nil
}

// queueArchive encodes the archive rows collected so far for the writer.
func (b *batch) queueArchive() error {
	rows := make([]eventRow, 0, len(b.archive))
	for _, a := range b.archive {
		row, err := archiveRow(a)
		if err != nil {
			return fmt.Errorf("archive %s: %w", a.ev.ID, err)
		}
		pos, err := position(a.ev.ID)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		rows = append(rows, eventRow{pos: pos, outcome: a.outcome.String(), archived: row})
	}
	b.archive = b.archive[:0]
	b.w.Do(func() error { return tw.BulkInsert(b.w, eventsTable, rows) })
	return nil
}
