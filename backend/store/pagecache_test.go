package store

import (
	"context"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The connections' pages come from the process's pool: SQLite counts the pool
// slots in use.
func TestPageCachePoolServesPages(t *testing.T) {
	s := openTemp(t)
	if _, err := s.ApplyBatch(context.Background(), "test", fixtureEntries(t)); err != nil {
		t.Fatal(err)
	}
	checkFixtureProjection(t, s)
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
		t.Errorf("no page of the open store is in the pool (high water %d)", *high)
	}
}
