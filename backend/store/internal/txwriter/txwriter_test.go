package txwriter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	_ "modernc.org/sqlite"
)

type row struct {
	id   int64
	name string
	note any
}

var rows = NewTable("t", "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
	Col("id", func(r *row) any { return r.id }),
	Col("name", func(r *row) any { return r.name }),
	Col("note", func(r *row) any { return r.note }),
)

func openTx(t *testing.T) (*sql.DB, *sql.Tx) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	return db, tx
}

func TestTableNamesEachValuesColumn(t *testing.T) {
	if got, want := rows.Statement(), "INSERT INTO t (id, name, note) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name"; got != want {
		t.Errorf("statement %q, want %q", got, want)
	}
	if got := rows.Values(&row{id: 7, name: "a"}); !slices.Equal(got, []any{int64(7), "a", nil}) {
		t.Errorf("values %v", got)
	}
}

// Bulk inserts of whole statements and a remainder, and upserts row by row, land
// every value in its column.
func TestWriterInsertsRowsInOrder(t *testing.T) {
	db, tx := openTx(t)
	w := Start(context.Background(), tx)
	var want []string
	var batch []row
	for i := range 2*bulkRows + 5 {
		batch = append(batch, row{id: int64(i), name: fmt.Sprint("n", i), note: fmt.Sprint("note", i)})
		want = append(want, fmt.Sprintf("%d n%d note%d", i, i, i))
	}
	w.Do(func() error { return BulkInsert(w, rows, batch) })
	w.Do(func() error {
		return ExecEach(w, rows, "row", func(r *row) string { return fmt.Sprint(r.id) }, []row{{id: 3, name: "changed"}})
	})
	want[3] = "3 changed note3"
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	res, err := db.Query("SELECT id || ' ' || name || ' ' || note FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	var got []string
	for res.Next() {
		var s string
		if err := res.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
}

// After a job fails the later ones are skipped and Wait returns the failure.
func TestWriterStopsAtFirstFailure(t *testing.T) {
	_, tx := openTx(t)
	defer tx.Rollback()
	w := Start(context.Background(), tx)
	boom := errors.New("boom")
	ran := false
	w.Do(func() error { return boom })
	w.Do(func() error { ran = true; return nil })
	if err := w.Wait(); !errors.Is(err, boom) {
		t.Errorf("Wait: %v, want boom", err)
	}
	if ran {
		t.Error("a job after the failure ran")
	}
}
