package supervisor

// Supervisor queries over customers and applications.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// textCursor is an opaque cursor over (text, id) keys.
func encodeTextCursor(text, id string) string {
	b, _ := json.Marshal([2]string{text, id}) // cannot fail for strings
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeTextCursor(c string) (text, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", fmt.Errorf("bad cursor: %w", err)
	}
	var parts [2]string
	if err := json.Unmarshal(b, &parts); err != nil {
		return "", "", fmt.Errorf("bad cursor: %w", err)
	}
	return parts[0], parts[1], nil
}

// ---------------------------------------------------------------------------
// Customers

// CustomerRow is one line of the customers list.
type CustomerRow struct {
	ID            string
	Name          string
	DisplayName   string // Name, else the best thing known (names.go)
	NameSource    NameSource
	Email         string
	Mobile        string
	Applications  int
	Conversations int
}

// CustomerPage is one page of customers by name; Next is "" on the last page.
type CustomerPage struct {
	Rows []CustomerRow
	Next string
}

const customerRowSelect = `SELECT c.id, c.name, c.email, c.doc,
	(SELECT count(*) FROM applications a WHERE a.customer_id = c.id),
	(SELECT count(*) FROM conversations v WHERE v.customer_id = c.id)
	FROM `

// customerSearchExpr matches customers with every token as a word prefix of their
// id, name or email.
func customerSearchExpr(tokens []string) string {
	parts := make([]string, len(tokens))
	for i, t := range tokens {
		parts[i] = ftsQuote(t) + "*"
	}
	return strings.Join(parts, " AND ")
}

// SearchCustomers lists customers by name, matching text against their name, email
// and id ("" lists everyone).
func (s *Queries) SearchCustomers(ctx context.Context, text, cursor string, limit int) (CustomerPage, error) {
	limit = clampLimit(limit)
	from, where, args, err := s.customerSource(ctx, text, limit)
	if err != nil {
		return CustomerPage{}, fmt.Errorf("search customers: %w", err)
	}
	if from == "" {
		return CustomerPage{Rows: []CustomerRow{}}, nil
	}
	// Customers with a name first, by name; then the nameless by id, so the list opens
	// on people it can name. A cursor with an empty name is in the nameless part.
	named, afterName, afterID := true, "", ""
	if cursor != "" {
		if afterName, afterID, err = decodeTextCursor(cursor); err != nil {
			return CustomerPage{}, fmt.Errorf("search customers: %w", err)
		}
		named = afterName != ""
	}
	var rows []CustomerRow
	if named {
		w, a := where+" AND c.name > ''", slices.Clone(args)
		if cursor != "" {
			w, a = w+" AND (c.name, c.id) > (?, ?)", append(a, afterName, afterID)
		}
		if rows, err = s.customerRows(ctx, customerRowSelect+from+" WHERE "+w+" ORDER BY c.name, c.id LIMIT ?", append(a, limit+1)...); err != nil {
			return CustomerPage{}, fmt.Errorf("search customers: %w", err)
		}
		afterID = ""
	}
	if len(rows) <= limit {
		w, a := where+" AND c.name = ''", slices.Clone(args)
		if afterID != "" {
			w, a = w+" AND c.id > ?", append(a, afterID)
		}
		more, err := s.customerRows(ctx, customerRowSelect+from+" WHERE "+w+" ORDER BY c.name, c.id LIMIT ?", append(a, limit+1-len(rows))...)
		if err != nil {
			return CustomerPage{}, fmt.Errorf("search customers: %w", err)
		}
		rows = append(rows, more...)
	}
	page := CustomerPage{Rows: rows}
	if len(rows) > limit {
		page.Rows = rows[:limit]
		last := page.Rows[limit-1]
		page.Next = encodeTextCursor(last.Name, last.ID)
	}
	if err := s.fillCustomerNames(ctx, page.Rows); err != nil {
		return CustomerPage{}, fmt.Errorf("search customers: %w", err)
	}
	return page, nil
}

// customerSource picks how to read the customers matching text: a few matches are
// read by rowid and sorted, many by walking the name index. from is "" when nothing
// can match.
func (s *Queries) customerSource(ctx context.Context, text string, limit int) (from, where string, args []any, err error) {
	if strings.TrimSpace(text) == "" {
		return "customers c INDEXED BY customers_name", "1", nil, nil
	}
	tokens := searchTokens(text)
	if len(tokens) == 0 {
		return "", "", nil, nil
	}
	expr := customerSearchExpr(tokens)
	sparse := sparseFor(limit)
	rowids, err := s.customerRowids(ctx, expr, sparse+1)
	if err != nil {
		return "", "", nil, err
	}
	if len(rowids) > sparse {
		return "customers c INDEXED BY customers_name",
			"c.rowid IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?)", []any{expr}, nil
	}
	list, err := json.Marshal(keysOf(rowids))
	if err != nil {
		return "", "", nil, err
	}
	return "customers c", "c.rowid IN (SELECT value FROM json_each(?))", []any{string(list)}, nil
}

func (s *Queries) customerRows(ctx context.Context, query string, args ...any) ([]CustomerRow, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CustomerRow{}
	for rows.Next() {
		var r CustomerRow
		var doc []byte
		if err := rows.Scan(&r.ID, &r.Name, &r.Email, &doc, &r.Applications, &r.Conversations); err != nil {
			return nil, err
		}
		var d struct {
			Profile struct {
				Mobile string `json:"mobile_phone_number"`
			} `json:"profile"`
		}
		// A producer may send a mobile number that is not a string; the list then
		// shows none rather than failing.
		_ = json.Unmarshal(doc, &d)
		r.Mobile = d.Profile.Mobile
		out = append(out, r)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------------
// Applications

// ApplicationRow is one line of the applications list.
type ApplicationRow struct {
	Number         string
	CustomerID     string
	CustomerName   string
	LoanAmount     *float64
	Status         string // the portal status: draft, submitted, under_review, approved, declined
	Stage          string
	UpdatedAt      time.Time
	ConversationID string // the latest conversation about it, "" when none
}

// ApplicationQuery asks for one page of applications, most recently updated first.
type ApplicationQuery struct {
	Status string // "" for any
	Search string // application number prefix, customer name, email or id
	Cursor string
	Limit  int
}

// ApplicationPage is one page; Next is "" on the last page.
type ApplicationPage struct {
	Rows []ApplicationRow
	Next string
}

const applicationRowSelect = `SELECT a.number, a.customer_id, COALESCE(cu.name, ''), a.loan_amount, a.status, a.stage, a.updated_at,
	COALESCE((SELECT v.id FROM conversations v WHERE v.application_number = a.number ORDER BY v.started_at DESC, v.id DESC LIMIT 1), '')
	FROM `

const applicationJoin = " LEFT JOIN customers cu ON cu.id = a.customer_id"

// Applications reads one page of applications.
func (s *Queries) Applications(ctx context.Context, q ApplicationQuery) (ApplicationPage, error) {
	limit := clampLimit(q.Limit)
	from, where, args, err := s.applicationSource(ctx, q)
	if err != nil {
		return ApplicationPage{}, fmt.Errorf("list applications: %w", err)
	}
	if from == "" {
		return ApplicationPage{Rows: []ApplicationRow{}}, nil
	}
	if q.Cursor != "" {
		at, number, err := decodeCursor(q.Cursor)
		if err != nil {
			return ApplicationPage{}, fmt.Errorf("list applications: %w", err)
		}
		// Newest update first, then number ascending (the order of the indexes).
		where += " AND (a.updated_at < ? OR a.updated_at = ? AND a.number > ?)"
		args = append(args, at, at, number)
	}
	query := applicationRowSelect + from + applicationJoin + " WHERE " + where + " ORDER BY a.updated_at DESC, a.number LIMIT ?"
	rows, err := s.applicationRows(ctx, query, append(args, limit+1)...)
	if err != nil {
		return ApplicationPage{}, fmt.Errorf("list applications: %w", err)
	}
	page := ApplicationPage{Rows: rows}
	if len(rows) > limit {
		page.Rows = rows[:limit]
		last := page.Rows[limit-1]
		page.Next = encodeCursor(last.UpdatedAt.UnixMilli(), last.Number)
	}
	return page, nil
}

// applicationSource picks the index for the status and, for a search, either the few
// matching applications or a walk of the index with the search as a condition.
func (s *Queries) applicationSource(ctx context.Context, q ApplicationQuery) (from, where string, args []any, err error) {
	from, where = "applications a INDEXED BY applications_updated", "1"
	if q.Status != "" {
		from, where, args = "applications a INDEXED BY applications_status", "a.status = ?", []any{q.Status}
	}
	text := strings.TrimSpace(q.Search)
	if text == "" {
		return from, where, args, nil
	}
	tokens := searchTokens(text)
	if len(tokens) == 0 {
		return "", "", nil, nil
	}
	expr := customerSearchExpr(tokens)
	sparse := sparseFor(clampLimit(q.Limit))
	walk := func() (string, string, []any, error) {
		cond, cargs := applicationSearch(text, expr, walkCustomers)
		return from, where + " AND " + cond, append(args, cargs...), nil
	}
	// More matching customers than a short page collects: their applications are
	// most likely as many (customers come for an application), so walk without
	// collecting them; the walk finds the same rows either way.
	customers, err := s.customerRowids(ctx, expr, sparse+1)
	if err != nil {
		return "", "", nil, err
	}
	if len(customers) > sparse {
		return walk()
	}
	cond, cargs := applicationSearch(text, expr, collectCustomers)
	found, dense, err := s.collect(ctx, sparse, "SELECT NULL, a.number FROM applications a WHERE "+cond, cargs...)
	if err != nil {
		return "", "", nil, err
	}
	if dense {
		return walk()
	}
	numbers := make([]string, len(found))
	for i, k := range found {
		numbers[i] = k.id
	}
	list, err := json.Marshal(numbers)
	if err != nil {
		return "", "", nil, err
	}
	return "applications a", where + " AND a.number IN (SELECT value FROM json_each(?))", append(args, string(list)), nil
}

// How applicationSearch tests an application's customer. collectCustomers reads the
// matching customers' ids first and looks their applications up (the plan for few
// matches: it reads no other application); walkCustomers looks the application's own
// customer up among the matches (the plan for a walk of the applications, which stops
// after a page: reading the ids of thousands of matching customers first cost more
// than the walk).
const (
	collectCustomers = `a.customer_id IN (SELECT id FROM customers WHERE rowid IN
		(SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?))`
	walkCustomers = `EXISTS (SELECT 1 FROM customers c WHERE c.id = a.customer_id AND c.rowid IN
		(SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?))`
)

// applicationSearch matches an application by number prefix (as typed or upper
// case) or by its customer's name, email or id (expr, tested as byCustomer says).
func applicationSearch(text, expr, byCustomer string) (string, []any) {
	cond := byCustomer
	args := []any{expr}
	if !strings.ContainsFunc(text, unicode.IsSpace) {
		prefixes := []string{text}
		if up := strings.ToUpper(text); up != text {
			prefixes = append(prefixes, up)
		}
		for _, p := range prefixes {
			cond += " OR (a.number >= ? AND a.number < ?)"
			args = append(args, p, p+maxRune)
		}
	}
	return "(" + cond + ")", args
}

func (s *Queries) applicationRows(ctx context.Context, query string, args ...any) ([]ApplicationRow, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ApplicationRow{}
	for rows.Next() {
		var r ApplicationRow
		var amount sql.NullFloat64
		var updated int64
		if err := rows.Scan(&r.Number, &r.CustomerID, &r.CustomerName, &amount, &r.Status, &r.Stage, &updated,
			&r.ConversationID); err != nil {
			return nil, err
		}
		if amount.Valid {
			r.LoanAmount = &amount.Float64
		}
		r.UpdatedAt = time.UnixMilli(updated).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ApplicationsOfCustomer are a customer's applications, most recently updated first.
func (s *Queries) ApplicationsOfCustomer(ctx context.Context, customerID string) ([]ApplicationRow, error) {
	rows, err := s.applicationRows(ctx, applicationRowSelect+"applications a"+applicationJoin+
		" WHERE a.customer_id = ? ORDER BY a.updated_at DESC, a.number LIMIT ?", customerID, MaxPage)
	if err != nil {
		return nil, fmt.Errorf("applications of customer %s: %w", customerID, err)
	}
	return rows, nil
}
