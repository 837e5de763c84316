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

// PortalReader reads the portal read models with statements prepared once per
// generation of the database, on the read pool.
type PortalReader struct {
	s *Store
}

// portalStmts are the portal reads prepared on one generation's read pool.
type portalStmts struct {
	apps, appsAfter, app, convs, convsAfter, searchApps, searchConvs *sql.Stmt
}

// PortalReader prepares the portal reads; Close releases them.
func (s *Store) PortalReader(ctx context.Context) (*PortalReader, error) {
	g, done := s.acquire()
	defer done()
	if _, err := g.portalStatements(ctx); err != nil {
		return nil, err
	}
	return &PortalReader{s: s}, nil
}

// portalStatements are g's portal statements, prepared on first use.
func (g *generation) portalStatements(ctx context.Context) (*portalStmts, error) {
	g.portalOnce.Do(func() { g.portal, g.portalErr = preparePortal(ctx, g.r) })
	return g.portal, g.portalErr
}

func preparePortal(ctx context.Context, db *sql.DB) (*portalStmts, error) {
	r := &portalStmts{}
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
		st, err := db.PrepareContext(ctx, q.query)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("portal reader: prepare: %w", err)
		}
		*q.dst = st
	}
	return r, nil
}

// with runs f with the statements of the current generation, held against a swap.
func (r *PortalReader) with(ctx context.Context, f func(*portalStmts) error) error {
	g, done := r.s.acquire()
	defer done()
	st, err := g.portalStatements(ctx)
	if err != nil {
		return err
	}
	return f(st)
}

// Close does nothing: the statements belong to the store's generation, which closes
// them with itself.
func (r *PortalReader) Close() error { return nil }

func (r *portalStmts) close() error {
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
func (r *PortalReader) Applications(ctx context.Context, customerID string, after *PortalPosition, limit int) (out []PortalRow, err error) {
	err = r.with(ctx, func(st *portalStmts) error {
		if after == nil {
			out, err = portalRows(st.apps.QueryContext(ctx, customerID, limit))
		} else {
			out, err = portalRows(st.appsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
		}
		return err
	})
	return out, err
}

// Application is one of the customer's applications; nil when they have none by that id.
func (r *PortalReader) Application(ctx context.Context, customerID, applicationID string) (doc []byte, err error) {
	err = r.with(ctx, func(st *portalStmts) error {
		err := st.app.QueryRowContext(ctx, customerID, applicationID).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return doc, err
}

// Conversations are the customer's conversations, newest start first (ties by id).
func (r *PortalReader) Conversations(ctx context.Context, customerID string, after *PortalPosition, limit int) (out []PortalRow, err error) {
	err = r.with(ctx, func(st *portalStmts) error {
		if after == nil {
			out, err = portalRows(st.convs.QueryContext(ctx, customerID, limit))
		} else {
			out, err = portalRows(st.convsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
		}
		return err
	})
	return out, err
}

// Search finds the customer's applications whose id, status or current stage, and
// conversations whose application id, purpose, status or last message contain q
// (case-insensitive for ASCII), each newest first, at most limit of each.
func (r *PortalReader) Search(ctx context.Context, customerID, q string, limit int) (apps, convs []PortalRow, err error) {
	pattern := "%" + portalLikeEscaper.Replace(q) + "%"
	err = r.with(ctx, func(st *portalStmts) error {
		if apps, err = portalRows(st.searchApps.QueryContext(ctx, customerID, pattern, limit)); err != nil {
			return err
		}
		convs, err = portalRows(st.searchConvs.QueryContext(ctx, customerID, pattern, limit))
		return err
	})
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
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT DISTINCT customer_id FROM portal_applications UNION SELECT DISTINCT customer_id FROM portal_conversations")
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
