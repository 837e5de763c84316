package customerapi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Reader reads the customer-portal read models. Every method is scoped by the
// customer id: no query of this package can return another customer's row.
// Documents are returned as stored (the JSON of projection.PortalApplication and
// projection.PortalConversation), and written to clients without re-encoding.
type Reader interface {
	// Applications are the customer's applications, newest update first (ties by id),
	// after the given position when after is not nil, at most limit of them.
	Applications(ctx context.Context, customerID string, after *Position, limit int) ([]Row, error)
	// Application is one of the customer's applications; nil when they have none by that id.
	Application(ctx context.Context, customerID, applicationID string) ([]byte, error)
	// Conversations are the customer's conversations, newest start first (ties by id).
	Conversations(ctx context.Context, customerID string, after *Position, limit int) ([]Row, error)
	// Search finds the customer's applications whose id, status or current stage, and
	// conversations whose application id, purpose, status or last message contain q
	// (case-insensitive for ASCII), each newest first, at most limit of each.
	Search(ctx context.Context, customerID, q string, limit int) (apps, convs []Row, err error)
}

// Row is one document and its position in its list.
type Row struct {
	Pos Position
	Doc []byte
}

// SQLReader is the Reader over the backend's SQLite database (the portal_applications
// and portal_conversations tables of backend/store), with its statements prepared once.
type SQLReader struct {
	apps, appsAfter, app, convs, convsAfter, searchApps, searchConvs *sql.Stmt
}

// NewSQLReader prepares the statements on db, the store's read-only pool.
func NewSQLReader(ctx context.Context, db *sql.DB) (*SQLReader, error) {
	r := &SQLReader{}
	for _, s := range []struct {
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
		st, err := db.PrepareContext(ctx, s.query)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("customer api: prepare: %w", err)
		}
		*s.dst = st
	}
	return r, nil
}

// Close releases the prepared statements.
func (r *SQLReader) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{r.apps, r.appsAfter, r.app, r.convs, r.convsAfter, r.searchApps, r.searchConvs} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

func (r *SQLReader) Applications(ctx context.Context, customerID string, after *Position, limit int) ([]Row, error) {
	if after == nil {
		return rowsOf(r.apps.QueryContext(ctx, customerID, limit))
	}
	return rowsOf(r.appsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
}

func (r *SQLReader) Application(ctx context.Context, customerID, applicationID string) ([]byte, error) {
	var doc []byte
	err := r.app.QueryRowContext(ctx, customerID, applicationID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return doc, err
}

func (r *SQLReader) Conversations(ctx context.Context, customerID string, after *Position, limit int) ([]Row, error) {
	if after == nil {
		return rowsOf(r.convs.QueryContext(ctx, customerID, limit))
	}
	return rowsOf(r.convsAfter.QueryContext(ctx, customerID, after.Key, after.ID, limit))
}

func (r *SQLReader) Search(ctx context.Context, customerID, q string, limit int) ([]Row, []Row, error) {
	pattern := "%" + likeEscaper.Replace(q) + "%"
	apps, err := rowsOf(r.searchApps.QueryContext(ctx, customerID, pattern, limit))
	if err != nil {
		return nil, nil, err
	}
	convs, err := rowsOf(r.searchConvs.QueryContext(ctx, customerID, pattern, limit))
	return apps, convs, err
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func rowsOf(rows *sql.Rows, err error) ([]Row, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Pos.ID, &r.Pos.Key, &r.Doc); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
