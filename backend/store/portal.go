package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The customer portal's reads (package customerapi) of the read models that save.go
// writes: portal_applications and portal_conversations. Every read is scoped by the
// customer id, so none can return another customer's row. Documents are returned as
// stored (the JSON of projection.PortalApplication and projection.PortalConversation),
// to be written to clients without re-encoding.

// PortalPosition is where a page of a portal list ends: the sort key of its last
// item (Unix milliseconds) and the id that breaks ties.
type PortalPosition struct {
	Key int64
	ID  string
}

// PortalRow is one portal document and its position in its list.
type PortalRow struct {
	Pos PortalPosition
	Doc []byte
}

// PortalReader reads the portal read models with statements prepared once, on the
// read pool.
type PortalReader struct {
	apps, appsAfter, app, convs, convsAfter, searchApps, searchConvs *sql.Stmt
}

// PortalReader prepares the portal reads; Close releases them.
func (s *Store) PortalReader(ctx context.Context) (*PortalReader, error) {
	r := &PortalReader{}
	for _, q := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&r.apps, `SELECT application_id, last_update_at, doc FROM portal_applications
			WHERE customer_id = ?1 ORDER BY last_update_at DESC, application_id LIMIT ?2`},
		{&r.appsAfter, `SELECT application_id, last_update_at, doc FROM portal_applications
			WHERE customer_id = ?1 AND (last_update_at < ?2 OR (last_update_at = ?2 AND application_id > ?3))
			ORDER BY last_update_at DESC, application_id LIMIT ?4`},
		{&r.app, `SELECT doc FROM portal_applications WHERE customer_id = ?1 AND application_id = ?2`},
		{&r.convs, `SELECT conversation_id, started_at, doc FROM portal_conversations
			WHERE customer_id = ?1 ORDER BY started_at DESC, conversation_id LIMIT ?2`},
		{&r.convsAfter, `SELECT conversation_id, started_at, doc FROM portal_conversations
			WHERE customer_id = ?1 AND (started_at < ?2 OR (started_at = ?2 AND conversation_id > ?3))
			ORDER BY started_at DESC, conversation_id LIMIT ?4`},
		{&r.searchApps, `SELECT application_id, last_update_at, doc FROM portal_applications
			WHERE customer_id = ?1 AND (application_id LIKE ?2 ESCAPE '\'
				OR json_extract(doc, '$.status') LIKE ?2 ESCAPE '\'
				OR json_extract(doc, '$.currentStage') LIKE ?2 ESCAPE '\')
			ORDER BY last_update_at DESC, application_id LIMIT ?3`},
		{&r.searchConvs, `SELECT conversation_id, started_at, doc FROM portal_conversations
			WHERE customer_id = ?1 AND (ifnull(json_extract(doc, '$.applicationId'), '') LIKE ?2 ESCAPE '\'
				OR json_extract(doc, '$.purpose') LIKE ?2 ESCAPE '\'
				OR json_extract(doc, '$.status') LIKE ?2 ESCAPE '\'
				OR json_extract(doc, '$.lastMessage') LIKE ?2 ESCAPE '\')
			ORDER BY started_at DESC, conversation_id LIMIT ?3`},
	} {
		st, err := s.r.PrepareContext(ctx, q.query)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("portal reader: prepare: %w", err)
		}
		*q.dst = st
	}
	return r, nil
}

// Close releases the prepared statements.
func (r *PortalReader) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{r.apps, r.appsAfter, r.app, r.convs, r.convsAfter, r.searchApps, r.searchConvs} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// Applications are the customer's applications, newest update first (ties by id),
// after the given position when after is not nil, at most limit of them.
func (r *PortalReader) Applications(ctx context.Context, customerID string, after *PortalPosition, limit int) ([]PortalRow, error) {
	if after == nil {
		return portalRows(r.apps.QueryContext(ctx, customerID, limit))
	}
	return portalRows(r.appsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
}

// Application is one of the customer's applications; nil when they have none by that id.
func (r *PortalReader) Application(ctx context.Context, customerID, applicationID string) ([]byte, error) {
	var doc []byte
	err := r.app.QueryRowContext(ctx, customerID, applicationID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return doc, err
}

// Conversations are the customer's conversations, newest start first (ties by id).
func (r *PortalReader) Conversations(ctx context.Context, customerID string, after *PortalPosition, limit int) ([]PortalRow, error) {
	if after == nil {
		return portalRows(r.convs.QueryContext(ctx, customerID, limit))
	}
	return portalRows(r.convsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
}

// Search finds the customer's applications whose id, status or current stage, and
// conversations whose application id, purpose, status or last message contain q
// (case-insensitive for ASCII), each newest first, at most limit of each.
func (r *PortalReader) Search(ctx context.Context, customerID, q string, limit int) ([]PortalRow, []PortalRow, error) {
	pattern := "%" + portalLikeEscaper.Replace(q) + "%"
	apps, err := portalRows(r.searchApps.QueryContext(ctx, customerID, pattern, limit))
	if err != nil {
		return nil, nil, err
	}
	convs, err := portalRows(r.searchConvs.QueryContext(ctx, customerID, pattern, limit))
	return apps, convs, err
}

var portalLikeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func portalRows(rows *sql.Rows, err error) ([]PortalRow, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PortalRow
	for rows.Next() {
		var r PortalRow
		if err := rows.Scan(&r.Pos.ID, &r.Pos.Key, &r.Doc); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PortalCustomers are the ids of the customers the portal read models hold a row of.
func (s *Store) PortalCustomers(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT customer_id FROM portal_applications UNION SELECT DISTINCT customer_id FROM portal_conversations")
	if err != nil {
		return nil, fmt.Errorf("portal customers: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("portal customers: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("portal customers: %w", err)
	}
	return ids, nil
}
