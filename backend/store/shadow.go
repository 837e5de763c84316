package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// carriedTables are the main database's tables that are not projections: a swap
// copies them from the live database as they are at that moment, so nothing that
// happened to them while the shadow was built is lost. dead_letters is copied apart
// (carryDeadLetters). A table missing from the database is skipped.
var carriedTables = []string{"checkpoints", "counters", "users", "sessions"}

// Shadow is a database built beside a serving store to take its place: an online
// rebuild applies entries to it through the same ApplyBatch while the store keeps
// projecting, catches it up with what the store archived meanwhile (CatchUp), then
// swaps it in (Swap). Discard removes it, leaving the store as it was.
type Shadow struct {
	live       *Store
	st         *Store
	path       string
	checkpoint string
}

// ShadowSuffix is appended to the database's path to name its shadow.
const ShadowSuffix = ".shadow"

// NewShadow creates an empty shadow of s beside its file (a leftover of a rebuild
// that died is removed first), applying as the named checkpoint.
func (s *Store) NewShadow(ctx context.Context, checkpoint string) (*Shadow, error) {
	path := s.path + ShadowSuffix
	if err := removeDatabase(path); err != nil {
		return nil, fmt.Errorf("shadow: remove leftover: %w", err)
	}
	// Relaxed: a shadow that a crash leaves behind is removed, never used, and the
	// swap copies its log into the file, which SQLite syncs, before it moves it.
	o := s.o
	o.Relaxed = true
	st, err := Open(ctx, path, o)
	if err != nil {
		return nil, fmt.Errorf("shadow: %w", err)
	}
	return &Shadow{live: s, st: st, path: path, checkpoint: checkpoint}, nil
}

// Path is the shadow's file.
func (sh *Shadow) Path() string { return sh.path }

// Store is the shadow's own store, for reading it (tests).
func (sh *Shadow) Store() *Store { return sh.st }

// Apply applies entries to the shadow, as ApplyBatch does.
func (sh *Shadow) Apply(ctx context.Context, entries []ledger.Entry) (Result, error) {
	return sh.st.ApplyBatch(ctx, sh.checkpoint, entries)
}

// LiveArchiveEnd is the position and ID of the last entry the live store archived (the
// zero ID when none): what a rebuild from another source reads up to before it catches
// up from the archive.
func (sh *Shadow) LiveArchiveEnd(ctx context.Context) (ledger.ID, error) {
	g, done := sh.live.acquire()
	defer done()
	var pos int64
	if err := g.r.QueryRowContext(ctx, "SELECT coalesce(max(pos), 0) FROM events").Scan(&pos); err != nil {
		return ledger.ID{}, fmt.Errorf("shadow: live archive end: %w", err)
	}
	return idAt(pos), nil
}

// CatchUp applies to the shadow, page by page, every entry the live store archived
// after the shadow's checkpoint, until there is none, calling each (when set) after
// every page with its size (an error from each stops it); it returns how many it
// applied. Reading and decoding the next page overlaps applying the current one. The
// live projector keeps committing meanwhile, so a last few are left for Swap.
func (sh *Shadow) CatchUp(ctx context.Context, pageSize int, each func(n int) error) (int64, error) {
	last, err := sh.st.Checkpoint(ctx, sh.checkpoint)
	if err != nil {
		return 0, fmt.Errorf("shadow: %w", err)
	}
	var after int64
	if !last.IsZero() {
		if after, err = position(last); err != nil {
			return 0, fmt.Errorf("shadow: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []ledger.Entry, 2)
	readErr := make(chan error, 1)
	go func() { readErr <- sh.live.readArchiveAfter(ctx, after, pageSize, pages) }()
	var total int64
	for entries := range pages {
		if _, err := sh.Apply(ctx, entries); err != nil {
			return total, fmt.Errorf("shadow: catch up: %w", err)
		}
		total += int64(len(entries))
		if each != nil {
			if err := each(len(entries)); err != nil {
				return total, err
			}
		}
	}
	return total, <-readErr
}

// ArchiveCount is how many entries the archive holds.
func (s *Store) ArchiveCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.countArchive(ctx, 0, &n); err != nil {
		return 0, fmt.Errorf("count archive: %w", err)
	}
	return n, nil
}

// SwapStats say what a swap did and how long it held the live store.
type SwapStats struct {
	// CaughtUp is how many entries the final catch-up applied.
	CaughtUp int64
	// ApplyPaused is how long the live projector waited (the apply lock was held);
	// ReadersHeld how long new reads waited, a part of it.
	ApplyPaused, ReadersHeld time.Duration
}

// Swap puts the shadow in the live store's place. Holding the live store's apply
// lock, so the projector commits nothing meanwhile, it applies what the live store
// archived since the last catch-up, copies the tables that are not projections
// (carriedTables, dead letters) from the live database, closes both, moves the
// shadow's file over the live one and opens it. The live store then serves the
// shadow's content; the shadow is spent. On an error before the file moved, the live
// store is as it was (Discard the shadow).
func (sh *Shadow) Swap(ctx context.Context) (stats SwapStats, err error) {
	live := sh.live
	// Copy both logs into their files before the projector waits: the shadow's is
	// most of the rebuild, and copying it held the projector for seconds.
	if err := sh.st.g().ckpt.checkpoint("TRUNCATE"); err != nil {
		return stats, fmt.Errorf("shadow: %w", err)
	}
	if err := live.g().ckpt.checkpoint("PASSIVE"); err != nil {
		return stats, fmt.Errorf("swap: %w", err)
	}
	live.applying.Lock()
	defer live.applying.Unlock()
	start := time.Now()
	defer func() { stats.ApplyPaused = time.Since(start) }()
	n, err := sh.CatchUp(ctx, 10000, nil)
	stats.CaughtUp = n
	if err != nil {
		return stats, err
	}
	// From here on, a cancelled job must not leave the live store half swapped.
	ctx = context.WithoutCancel(ctx)
	old := live.g()
	// Again for what the last catch-up added, so that closing them while readers
	// wait has little left to copy.
	if err := sh.st.g().ckpt.checkpoint("TRUNCATE"); err != nil {
		return stats, fmt.Errorf("shadow: %w", err)
	}
	if err := old.ckpt.checkpoint("PASSIVE"); err != nil {
		return stats, fmt.Errorf("swap: %w", err)
	}
	// Before the readers are held: every writer of the carried tables holds the apply
	// lock, which is ours, and readers do not mind an attached reader.
	if err := sh.carry(ctx); err != nil {
		return stats, err
	}
	old.mu.Lock()
	held := time.Now()
	unlock := func() { old.mu.Unlock() }
	if err := sh.st.Close(); err != nil {
		unlock()
		return stats, fmt.Errorf("shadow: close: %w", err)
	}
	if err := old.close(); err != nil {
		// The old connections are gone either way; reopen the live file.
		err = fmt.Errorf("swap: close live database: %w", err)
		return stats, sh.reopenLive(ctx, old, err)
	}
	previous := live.path + ".previous"
	if err := removeDatabase(previous); err != nil {
		return stats, sh.reopenLive(ctx, old, fmt.Errorf("swap: %w", err))
	}
	if err := moveDatabase(live.path, previous); err != nil {
		return stats, sh.reopenLive(ctx, old, fmt.Errorf("swap: %w", err))
	}
	if err := os.Rename(sh.path, live.path); err != nil {
		err = fmt.Errorf("swap: %w", err)
		if merr := moveDatabase(previous, live.path); merr != nil {
			err = errors.Join(err, merr)
		}
		return stats, sh.reopenLive(ctx, old, err)
	}
	g, err := openGeneration(ctx, live.path, live.o)
	if err != nil {
		err = fmt.Errorf("swap: open rebuilt database: %w", err)
		if merr := moveDatabase(live.path, sh.path); merr != nil {
			err = errors.Join(err, merr)
		} else if merr := moveDatabase(previous, live.path); merr != nil {
			err = errors.Join(err, merr)
		}
		return stats, sh.reopenLive(ctx, old, err)
	}
	live.publish(old, g)
	stats.ReadersHeld = time.Since(held)
	if err := removeDatabase(previous); err != nil {
		return stats, fmt.Errorf("swap: swapped, but the previous database stays at %s: %w", previous, err)
	}
	return stats, nil
}

// publish makes g the current generation in old's place and lets the readers old held
// back go on to it. The caller holds old's lock and has closed it.
func (s *Store) publish(old, g *generation) {
	s.cur.Store(g)
	old.retired = true
	old.mu.Unlock()
}

// reopenLive opens the live file again after a swap failed with cause once the old
// connections were closed.
func (sh *Shadow) reopenLive(ctx context.Context, old *generation, cause error) error {
	g, err := openGeneration(ctx, sh.live.path, sh.live.o)
	if err != nil {
		// Nothing to serve from: readers fail rather than wait forever.
		old.mu.Unlock()
		return errors.Join(cause, fmt.Errorf("swap: reopen live database: %w", err))
	}
	sh.live.publish(old, g)
	return cause
}

// carry copies the tables that are not projections from the live database into the
// shadow, in one transaction: carriedTables whole, and the dead letters of entries
// the shadow did not apply (one the rebuilt reducer now takes is no dead letter).
func (sh *Shadow) carry(ctx context.Context) error {
	conn, err := sh.st.g().w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("swap: carry: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS live", "file:"+sh.live.path+"?mode=ro"); err != nil {
		return fmt.Errorf("swap: attach live database: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE live")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("swap: carry: %w", err)
	}
	defer tx.Rollback()
	for _, t := range carriedTables {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = ?1)
			* (SELECT count(*) FROM live.sqlite_master WHERE type = 'table' AND name = ?1)`, t).Scan(&n); err != nil {
			return fmt.Errorf("swap: carry %s: %w", t, err)
		}
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM main.%[1]s; INSERT INTO main.%[1]s SELECT * FROM live.%[1]s", t)); err != nil {
			return fmt.Errorf("swap: carry %s: %w", t, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO main.dead_letters SELECT * FROM live.dead_letters AS d
		WHERE NOT EXISTS (SELECT 1 FROM main.events WHERE pos = (d.ms << 20 | d.seq))`); err != nil {
		return fmt.Errorf("swap: carry dead letters: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("swap: carry: %w", err)
	}
	return nil
}

// Discard closes the shadow and removes its files; the live store is untouched.
func (sh *Shadow) Discard() error {
	var errs []error
	if sh.st != nil {
		errs = append(errs, sh.st.Close())
	}
	errs = append(errs, removeDatabase(sh.path))
	return errors.Join(errs...)
}

// removeDatabase removes a database file and its WAL and shared-memory files.
func removeDatabase(path string) error {
	for _, suffix := range []string{"-wal", "-shm", ""} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// moveDatabase renames a closed database and its WAL and shared-memory files.
func moveDatabase(from, to string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(from+suffix, to+suffix); err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }
