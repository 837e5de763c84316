package store

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's page cache normally takes each page buffer from the allocator and gives
// it back when the cache is emptied, which a reading connection's cache is after
// every commit by another connection. The Go SQLite's allocator hands most of that
// memory back to the kernel, so the pages read next fault it in again, 4 KiB at a
// time: on the project's machines a fault costs about 40 µs, four times the read
// itself, and a cold search paid for thousands of them.
//
// So the process gives SQLite one pool of page buffers, mapped once and asked to be
// backed by huge pages (one fault per 2 MiB where the kernel allows it). Buffers go
// back to the pool, not to the allocator; pages beyond the pool come from the
// allocator as before. The pool is only resident as far as it has ever been used.
//
// The setting is process-wide and takes effect only before SQLite initialises,
// which the first connection does: the first Open sizes the pool for its own
// connections. A process that opened SQLite before keeps SQLite's default, which is
// slower but correct.
var pageCacheOnce sync.Once

// pooledPageSize is the page size of every database this package creates; pages of
// other sizes do not fit the pool's slots and use the allocator.
const pooledPageSize = 8192

func configurePageCache(mib int) {
	pageCacheOnce.Do(func() {
		pool, err := unix.Mmap(-1, 0, mib<<20, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			return
		}
		_ = unix.Madvise(pool, unix.MADV_HUGEPAGE) // a hint: without it, 4 KiB faults
		tls := libc.NewTLS()
		defer tls.Close()
		// SQLite writes the size of its per-page header into the pool's first bytes
		// (memory outside the Go heap, as the transpiled C requires).
		hdr := (*int32)(unsafe.Pointer(&pool[0]))
		if config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, uintptr(unsafe.Pointer(hdr))) != sqlite3.SQLITE_OK {
			_ = unix.Munmap(pool)
			return
		}
		slot := (pooledPageSize + int(*hdr) + 7) &^ 7
		if config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, uintptr(unsafe.Pointer(&pool[0])), int32(slot), int32(len(pool)/slot)) != sqlite3.SQLITE_OK {
			_ = unix.Munmap(pool)
		}
	})
}

// config calls sqlite3_config, whose arguments are C varargs.
func config(tls *libc.TLS, op int32, args ...any) int32 {
	va := libc.NewVaList(args...)
	defer libc.Xfree(tls, va)
	return sqlite3.Xsqlite3_config(tls, op, va)
}
