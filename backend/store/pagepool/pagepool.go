// Package pagepool gives SQLite one pool of page buffers for the whole process.
//
// SQLite's page cache normally takes each page buffer from the allocator and gives
// it back when the cache is emptied, which a reading connection's cache is after
// every commit by another connection. The Go SQLite's allocator hands most of that
// memory back to the kernel, so the pages read next fault it in again, 4 KiB at a
// time: on the project's machines a fault costs about 40 µs, four times the read
// itself, and a cold search paid for thousands of them.
//
// So a process may give SQLite one pool of page buffers, mapped once and asked to be
// backed by huge pages (one fault per 2 MiB where the kernel allows it). Buffers go
// back to the pool, not to the allocator; pages beyond the pool come from the
// allocator as before. The pool is only resident as far as it has ever been used.
//
// The setting is process-wide and takes effect only before SQLite initialises, which
// the first connection does, so it belongs to the main package: it calls Configure
// once, before it opens any database. A process that does not keeps SQLite's default,
// which is slower but correct. The pool exists on Linux only; elsewhere Configure does
// nothing.
package pagepool

import (
	"errors"
	"sync"
)

// PageSize is the page size of the pool's slots: that of every database the store
// creates. Pages of other sizes do not fit and use the allocator.
const PageSize = 8192

var (
	once     sync.Once
	errTwice = errors.New("page pool: configured twice")
)

// Configure gives SQLite a pool of mib MiB of page buffers. Call it once, before the
// process opens any SQLite database; on an error SQLite keeps its default.
func Configure(mib int) error {
	if mib <= 0 {
		return errors.New("page pool: size must be positive")
	}
	err := errTwice
	once.Do(func() { err = configure(mib) })
	return err
}
