package pagepool

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

func configure(mib int) error {
	pool, err := unix.Mmap(-1, 0, mib<<20, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return fmt.Errorf("page pool: map %d MiB: %w", mib, err)
	}
	_ = unix.Madvise(pool, unix.MADV_HUGEPAGE) // a hint: without it, 4 KiB faults
	tls := libc.NewTLS()
	defer tls.Close()
	// SQLite writes the size of its per-page header into the pool's first bytes
	// (memory outside the Go heap, as the transpiled C requires).
	hdr := (*int32)(unsafe.Pointer(&pool[0]))
	if rc := config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, uintptr(unsafe.Pointer(hdr))); rc != sqlite3.SQLITE_OK {
		return errors.Join(fmt.Errorf("page pool: SQLITE_CONFIG_PCACHE_HDRSZ: code %d", rc), unix.Munmap(pool))
	}
	slot := (PageSize + int(*hdr) + 7) &^ 7
	if rc := config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, uintptr(unsafe.Pointer(&pool[0])), int32(slot), int32(len(pool)/slot)); rc != sqlite3.SQLITE_OK {
		// SQLITE_MISUSE: SQLite was initialised before.
		return errors.Join(fmt.Errorf("page pool: SQLITE_CONFIG_PAGECACHE: code %d (was a database opened first?)", rc), unix.Munmap(pool))
	}
	return nil
}

// config calls sqlite3_config, whose arguments are C varargs.
func config(tls *libc.TLS, op int32, args ...any) int32 {
	va := libc.NewVaList(args...)
	defer libc.Xfree(tls, va)
	return sqlite3.Xsqlite3_config(tls, op, va)
}
