package pagepool

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
	"modernc.org/libc"
	_ "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The connections' pages come from the process's pool: SQLite counts the pool
// slots in use.
func TestPageCachePoolServesPages(t *testing.T) {
	if err := Configure(16); err != nil {
		t.Fatal(err)
	}
	if err := Configure(16); err == nil {
		t.Error("a second Configure succeeded")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "pool.db")+"?_pragma=page_size(8192)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := db.Exec("INSERT INTO t (v) VALUES (?)", strings.Repeat("x", 100+i)); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 200 {
		t.Fatalf("count %d, %v", n, err)
	}
	// sqlite3_status writes into memory outside the Go heap.
	out, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(out)
	tls := libc.NewTLS()
	defer tls.Close()
	cur, high := (*int32)(unsafe.Pointer(&out[0])), (*int32)(unsafe.Pointer(&out[4]))
	if rc := sqlite3.Xsqlite3_status(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED,
		uintptr(unsafe.Pointer(cur)), uintptr(unsafe.Pointer(high)), 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_status: %d", rc)
	}
	if *cur == 0 {
		t.Errorf("no page of the open database is in the pool (high water %d)", *high)
	}
}
