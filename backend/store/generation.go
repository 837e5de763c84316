package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/billie/supervisor/backend/store/internal/recordcache"
	"github.com/billie/supervisor/backend/store/supervisor"
)

// generation is one opening of the database file: every connection the store keeps to
// it, and the writer's record cache, which is only true of that file.
//
// It exists so that an online rebuild can put a new file in the database's place under
// a serving store (Store.swapIn). SQLite cannot have its file renamed under open
// connections (a closing connection deletes the -wal and -shm files by name, which
// would then be the new file's), so the swap closes every connection of the old file
// before the new one moves in. Readers hold a generation (acquire) for the length of
// their query; the swap takes the generation's lock, which lets the queries in flight
// finish and holds new ones back, closes it, moves the file and publishes the next
// generation; the held-back readers then find theirs retired and retry on the new one.
// So a reader never sees an error or a half-swapped state, only, at worst, a wait as
// long as the swap. The writer's side needs none of this: ApplyBatch and the swap both
// hold Store.applying.
type generation struct {
	// mu is held shared by each reader for its query and exclusively by the swap.
	mu      sync.RWMutex
	retired bool

	w *sql.DB
	r *sql.DB
	// load is a read-only connection of ApplyBatch's own, for the records the
	// reducer needs while the writer goroutine owns the transaction: it neither
	// waits behind the window's queries nor shares their page cache.
	load  *sql.DB
	ckpt  *checkpointer
	cache *recordcache.Cache
	// sup are the supervisor queries over r.
	sup *supervisor.Queries

	portalOnce sync.Once
	portal     *portalStmts
	portalErr  error
}

// acquire is the current generation, held until done is called: a swap waits for it.
// Never call acquire while holding a generation (the swap's pending lock would
// deadlock the two).
func (s *Store) acquire() (g *generation, done func()) {
	for {
		g := s.cur.Load()
		g.mu.RLock()
		// Retired and still current: the store is closed, and the query says so.
		if !g.retired || s.cur.Load() == g {
			return g, g.mu.RUnlock
		}
		g.mu.RUnlock()
	}
}

// g is the current generation without holding it: for ApplyBatch and the swap, which
// hold Store.applying and so cannot see it change, and for tests.
func (s *Store) g() *generation { return s.cur.Load() }

// openGeneration opens the connections to path; the file must exist and be migrated.
func openGeneration(ctx context.Context, path string, o Options) (*generation, error) {
	w, err := sql.Open("sqlite", dsn(path, o, false))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	g := &generation{w: w, cache: recordcache.New(o.CachedRecords, o.CachedDocsMiB<<20)}
	if g.r, err = sql.Open("sqlite", dsn(path, o, true)); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store readers %s: %w", path, err)
	}
	g.r.SetMaxOpenConns(o.Readers)
	g.r.SetMaxIdleConns(o.Readers)
	g.sup = supervisor.New(g.r)
	lo := o
	lo.CacheMiB = min(o.CacheMiB, loaderCacheMiB)
	if g.load, err = sql.Open("sqlite", dsn(path, lo, true)); err != nil {
		g.r.Close()
		w.Close()
		return nil, fmt.Errorf("open store loader %s: %w", path, err)
	}
	g.load.SetMaxOpenConns(1)
	ck, err := checkpointConn(ctx, path, o)
	if err != nil {
		g.load.Close()
		g.r.Close()
		w.Close()
		return nil, fmt.Errorf("open store checkpointer %s: %w", path, err)
	}
	g.ckpt = startCheckpointer(ck, 5*time.Second)
	return g, nil
}

// close closes every connection; the last one checkpoints what is left of the WAL and
// removes it.
func (g *generation) close() error {
	var errs []error
	if g.portal != nil {
		errs = append(errs, g.portal.close())
	}
	return errors.Join(append(errs, g.r.Close(), g.load.Close(), g.w.Close(), g.ckpt.close())...)
}
