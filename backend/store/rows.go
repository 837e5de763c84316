package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ReadModelTables are the tables the reducer writes (the read models and the
// archive), the ones a rebuild recreates and a replay rewrites in part. The search
// indexes are listed by their words (Rows).
var ReadModelTables = []string{
	"conversations", "messages", "messages_fts", "customers", "customers_fts", "applications",
	"portal_applications", "portal_conversations", "events",
}

// Rows are every row of table as text, one string a row, in key order: for comparing
// two databases row by row (the rebuild and replay tests, `backend inspect`). A search
// index's row is its rowid and the words it indexes under it, with their positions.
func (s *Store) Rows(ctx context.Context, table string) ([]string, error) {
	switch table {
	case "messages_fts", "customers_fts":
		return s.indexRows(ctx, table)
	}
	known := false
	for _, t := range append(ReadModelTables, "dead_letters", "checkpoints", "counters") {
		known = known || t == table
	}
	if !known {
		return nil, fmt.Errorf("rows of %s: not a table of the store", table)
	}
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1, 2")
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", table, err)
	}
	return textRows(rows)
}

// indexRows reads a full-text index through fts5vocab, which lists every word of every
// row: the messages index keeps no text of its own to select. The vocabulary table is
// a temporary one, which the read pool's connections may not create: it borrows the
// writer's connection between batches.
func (s *Store) indexRows(ctx context.Context, table string) ([]string, error) {
	g, done := s.acquire()
	defer done()
	conn, err := g.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", table, err)
	}
	defer conn.Close()
	vocab := "temp." + table + "_vocab"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE VIRTUAL TABLE IF NOT EXISTS %s USING fts5vocab(main, %s, instance)", vocab, table)); err != nil {
		return nil, fmt.Errorf("rows of %s: %w", table, err)
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT doc, group_concat(col || ':' || offset || ':' || term, ' ')
		FROM (SELECT * FROM %s ORDER BY doc, col, offset) GROUP BY doc ORDER BY doc`, vocab))
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", table, err)
	}
	return textRows(rows)
}

func textRows(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v", v)
		}
		out = append(out, b.String())
	}
	return out, rows.Err()
}
