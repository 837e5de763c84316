package txwriter

import (
	"fmt"
	"strings"
)

// Table is the target of an INSERT whose rows are values of type R.
type Table[R any] struct {
	columns []Column[R]
	// suffix follows the VALUES list: an ON CONFLICT clause, for example.
	suffix string
	// head is "INSERT INTO name (columns)".
	head string
}

// Column is one column of a Table and the value a row gives it.
type Column[R any] struct {
	Name  string
	Value func(*R) any
}

// Col is a column named name, with value the value a row gives it.
func Col[R any](name string, value func(*R) any) Column[R] {
	return Column[R]{Name: name, Value: value}
}

// NewTable describes the inserts into table name; suffix (an ON CONFLICT clause, or
// "") follows the values.
func NewTable[R any](name, suffix string, columns ...Column[R]) *Table[R] {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	return &Table[R]{columns: columns, suffix: suffix,
		head: "INSERT INTO " + name + " (" + strings.Join(names, ", ") + ")"}
}

// Statement is the INSERT of one row.
func (t *Table[R]) Statement() string { return t.statement(1) }

// Values are r's values in column order, for Statement.
func (t *Table[R]) Values(r *R) []any { return t.appendValues(make([]any, 0, len(t.columns)), r) }

// appendValues appends r's values in column order.
func (t *Table[R]) appendValues(args []any, r *R) []any {
	for _, c := range t.columns {
		args = append(args, c.Value(r))
	}
	return args
}

func (t *Table[R]) statement(rows int) string {
	s := t.head + " VALUES " + placeholders(len(t.columns), rows)
	if t.suffix != "" {
		s += " " + t.suffix
	}
	return s
}

// ExecEach runs the table's statement once per row, as an upsert whose later rows
// must see the earlier ones needs. Errors name the row as what and its key.
func ExecEach[R any](w *Writer, t *Table[R], what string, key func(*R) string, rows []R) error {
	if len(rows) == 0 {
		return nil
	}
	st, err := w.Prepare(t.statement(1))
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, 0, len(t.columns))
	for i := range rows {
		if err := st.Exec(t.appendValues(args[:0], &rows[i])...); err != nil {
			return fmt.Errorf("save %s %s: %w", what, key(&rows[i]), err)
		}
	}
	return nil
}

// bulkRows is how many rows one multi-row INSERT carries. Fewer statements cut the
// per-statement cost of database/sql and the driver, which dominates small rows.
const bulkRows = 64

// BulkInsert inserts rows bulkRows at a time, each statement with many VALUES lists.
func BulkInsert[R any](w *Writer, t *Table[R], rows []R) error {
	if len(rows) == 0 {
		return nil
	}
	args := make([]any, 0, len(t.columns)*bulkRows)
	if len(rows) >= bulkRows {
		st, err := w.Prepare(t.statement(bulkRows))
		if err != nil {
			return err
		}
		defer st.Close()
		for ; len(rows) >= bulkRows; rows = rows[bulkRows:] {
			args = args[:0]
			for i := range rows[:bulkRows] {
				args = t.appendValues(args, &rows[i])
			}
			if err := st.Exec(args...); err != nil {
				return fmt.Errorf("%s: %w", t.head, err)
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	args = args[:0]
	for i := range rows {
		args = t.appendValues(args, &rows[i])
	}
	if err := w.Exec(t.statement(len(rows)), args...); err != nil {
		return fmt.Errorf("%s: %w", t.head, err)
	}
	return nil
}

func placeholders(width, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}
