package store

import (
	"fmt"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries. Fewer statements cut the
// per-statement cost of database/sql and the driver, which dominates small rows.
const bulkRows = 64

// bulkInsert runs "head VALUES (?, ...), (?, ...)" for rows, bulkRows at a time.
// head is "INSERT INTO t (a, b)"; every row has the same number of values.
func (w *txWriter) bulkInsert(head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	full := head + " VALUES " + placeholders(width, bulkRows)
	st, err := w.prepare(full)
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, 0, width*bulkRows)
	for len(rows) >= bulkRows {
		args = args[:0]
		for _, r := range rows[:bulkRows] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(w.ctx, args...); err != nil {
			return fmt.Errorf("%s: %w", head, err)
		}
		rows = rows[bulkRows:]
	}
	if len(rows) == 0 {
		return nil
	}
	args = args[:0]
	for _, r := range rows {
		args = append(args, r...)
	}
	if _, err := w.tx.ExecContext(w.ctx, head+" VALUES "+placeholders(width, len(rows)), args...); err != nil {
		return fmt.Errorf("%s: %w", head, err)
	}
	return nil
}

func placeholders(width, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}
