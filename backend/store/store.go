// Package store owns the SQLite read models: their schema and migrations, applying a
// batch of ledger entries in one transaction together with the checkpoint, the raw
// event archive and the dead letters, reading the records back, and rebuilding them
// from the archive.
//
// Packages under it: supervisor (the desktop's grid, search, customer and application
// queries, handed the read pool by Store.Supervisor), pagepool (SQLite's page buffers,
// configured by the mains), and the apply path's machinery in internal/txwriter (the
// transaction's writer goroutine and typed rows) and internal/recordcache (committed
// records kept between batches).
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/billie/supervisor/backend/store/internal/sqlitefile"
	"github.com/billie/supervisor/backend/store/supervisor"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune a store. The zero value suits the backend projector.
type Options struct {
	// Relaxed trades durability of the newest commits on power loss for speed. Safe
	// for a cache that re-reads from its checkpoint; never for the projector, which
	// acknowledges entries after commit.
	Relaxed bool
	// CacheMiB is SQLite's page cache per connection (default 64).
	CacheMiB int
	// Readers is the size of the read-only connection pool (default 4).
	Readers int
	// NoArchive skips the raw-event archive, for a cache that can read its stream
	// again (the desktop): it is most of the database and of the writes. Without it
	// an entry at or before the checkpoint counts as applied, which holds for a
	// reader that reads the stream in order; the backend's consumer group, whose
	// pending entries can come back out of order, must keep the archive.
	NoArchive bool
	// NoPortal skips the customer-portal read model, for a cache that never serves
	// the portal (the desktop): its rows are a quarter of the writes.
	NoPortal bool
	// CachedRecords bounds how many conversations, and as many applications and
	// customers, the writer keeps decoded between batches (default 2048 each: some
	// hundreds of conversations are live at a time; each costs tens of KiB of heap).
	CachedRecords int
	// SupervisorQueries creates the indexes package supervisor's queries need
	// (migrations/supervisor), for a store that serves them (the desktop). They are
	// maintained on every write, which costs the backend projector, which never
	// serves them, some percent of its throughput.
	SupervisorQueries bool
	// UnmappedWriter keeps the writer from memory-mapping the database. The desktop
	// sets it: the writer's mapped pages counted up to 256 MB of resident memory
	// during catch-up and made it no faster.
	UnmappedWriter bool
	// CachedDocsMiB bounds the committed JSON documents the writer keeps beyond the
	// decoded records (default 16: with GOGC=400 each MiB of live heap costs about five of
	// memory), to decode rather than read back from SQLite.
	CachedDocsMiB int
	// ProducerZone is the producer's time zone: times it writes without a zone are
	// read in it (ledger.ParseTime). Nil is UTC. It must be the one the entries were
	// first applied with, or a rebuild reads them differently.
	ProducerZone *time.Location
	// Accounts takes the accounts and sessions a database of an older version still
	// holds, when the migration that drops them runs (0008). The backend passes its
	// operations store; nil, such a database does not open (ErrAccountsToMove). A
	// database without accounts (a new one, the desktop's cache) needs none.
	Accounts AccountsImporter
}

// loaderCacheMiB bounds the page cache of the reducer's connection: it reads the
// records the writer's cache does not hold, which are mostly new, so little of it
// is read twice.
const loaderCacheMiB = 16

// Store is one SQLite database of read models: one writer connection, a pool of
// readers. An online rebuild can replace its file while it serves (swapIn).
type Store struct {
	// path is the database file; o the options it was opened with, for the next
	// generation.
	path string
	o    Options
	// cur is the open generation of the file (see generation).
	cur atomic.Pointer[generation]
	// applying serialises ApplyBatch, so that a batch's records are back in the
	// cache before the next batch looks there, and every change of the generation.
	applying sync.Mutex
	// applyNanos is how long ApplyBatch has held applying, in all: an online rebuild
	// paces itself by how much the live projector applied meanwhile (ApplyTime).
	applyNanos atomic.Int64
	// archive is false when Options.NoArchive is set, portal when NoPortal is.
	archive, portal bool
	// zone is Options.ProducerZone.
	zone *time.Location
}

// ProducerZone is the producer's time zone the store reads times in
// (Options.ProducerZone), for a reader that decodes ahead for it.
func (s *Store) ProducerZone() *time.Location { return s.zone }

// PagePoolMiB is the page pool (package pagepool) that serves every connection of a
// store opened with o, for the main package to configure before it opens the store.
func PagePoolMiB(o Options) int {
	o = o.withDefaults()
	return (1+o.Readers)*o.CacheMiB + loaderCacheMiB
}

func (o Options) withDefaults() Options {
	if o.CacheMiB <= 0 {
		o.CacheMiB = 64
	}
	if o.Readers <= 0 {
		o.Readers = 4
	}
	if o.CachedRecords <= 0 {
		o.CachedRecords = 2048
	}
	if o.CachedDocsMiB <= 0 {
		o.CachedDocsMiB = 16
	}
	return o
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	o = o.withDefaults()
	if err := prepareFile(ctx, path, o); err != nil {
		return nil, err
	}
	g, err := openGeneration(ctx, path, o)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, o: o, archive: !o.NoArchive, portal: !o.NoPortal, zone: o.ProducerZone}
	s.cur.Store(g)
	return s, nil
}

// prepareFile creates, migrates and restricts the database file at path.
func prepareFile(ctx context.Context, path string, o Options) error {
	if err := sqlitefile.RestrictDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, o, false))
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if err := migrate(ctx, w, o); err != nil {
		return err
	}
	if o.NoPortal {
		// A cache written before it went without the portal model would keep
		// rows that nothing updates.
		if _, err := w.ExecContext(ctx, "DELETE FROM portal_applications; DELETE FROM portal_conversations"); err != nil {
			return fmt.Errorf("open store: drop portal rows: %w", err)
		}
	}
	if err := sqlitefile.RestrictFiles(path); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	return nil
}

func dsn(path string, o Options, readOnly bool) string {
	sync := "FULL"
	if o.Relaxed {
		sync = "NORMAL"
	}
	q := url.Values{}
	for _, p := range []string{
		"page_size(8192)", // before WAL: only a new database takes it; halves page writes
		"journal_mode(WAL)",
		"wal_autocheckpoint(0)", // the checkpointer does it, beside the writer
		"busy_timeout(10000)",
		"synchronous(" + sync + ")",
		"cache_size(-" + strconv.Itoa(o.CacheMiB*1024) + ")",
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	mmap := "mmap_size(268435456)"
	if o.UnmappedWriter && !readOnly {
		mmap = "mmap_size(0)"
	}
	q.Add("_pragma", mmap)
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes every connection and stops the checkpointer.
func (s *Store) Close() error {
	s.applying.Lock()
	defer s.applying.Unlock()
	g := s.g()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.retired {
		return nil
	}
	g.retired = true
	return g.close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	g, done := s.acquire()
	defer done()
	var one int
	if err := g.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	if err := g.ckpt.Err(); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// Supervisor is the supervisor's desktop queries over the read pool. They need a
// store opened with Options.SupervisorQueries. They are not held against a swap, which
// only the backend does: the desktop's store never swaps.
func (s *Store) Supervisor() *supervisor.Queries { return s.g().sup }
