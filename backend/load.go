package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

// loadCheckpoint is the checkpoint `backend load` moves: not the projector group's, so
// a backend serving the loaded database reads its real stream from where it was.
const loadCheckpoint = "load"

// runLoad fills the database straight from the simulator, through the same
// store.ApplyBatch the projector uses but without Redis: the fastest honest way to
// make a large database for benchmarks and demos.
func runLoad(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("load", &cfg)
	convs := fs.Int("conversations", 10_000, "how many conversations (some customers come back: 105,500 make about 100,000 customers)")
	seed := fs.Int64("seed", 1, "random seed; the same seed and flags give the same data")
	history := fs.Duration("history", 26*time.Hour, "start conversations up to this long ago")
	messy := fs.Bool("messy", false, "mix in the producer's quirks and a few broken events")
	batchSize := fs.Int("batch", 4000, "entries per transaction")
	cache := fs.Int("cache-mib", 256, "SQLite page cache of the writer, MiB")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batchSize < 1 {
		return errors.New("load: --batch must be at least 1")
	}
	st, err := store.Open(ctx, cfg.db, store.Options{Relaxed: true, CacheMiB: *cache})
	if err != nil {
		return err
	}
	defer st.Close()
	gen, err := simulator.New(simulator.Options{
		Conversations: *convs, Seed: *seed, Messy: *messy, Start: time.Now(), History: *history,
	})
	if err != nil {
		return err
	}
	start := time.Now()
	var total store.Counts
	var ids streamIDs
	batch := make([]ledger.Entry, 0, *batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := st.ApplyBatch(ctx, loadCheckpoint, batch)
		if err != nil {
			return err
		}
		total.Add(res.Counts)
		batch = batch[:0]
		return nil
	}
	lastReport := start
	for {
		e, ok := gen.Next()
		if !ok {
			break
		}
		batch = append(batch, ledger.Entry{ID: ids.next(e.At), Fields: e.Fields})
		if len(batch) < *batchSize {
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !*quiet && time.Since(lastReport) >= 5*time.Second {
			lastReport = time.Now()
			el := time.Since(start)
			fmt.Fprintf(os.Stderr, "load: %d entries in %s (%.0f/s)\n", total.Total(), el.Round(time.Second), float64(total.Total())/el.Seconds())
		}
	}
	if err := flush(); err != nil {
		return err
	}
	el := time.Since(start)
	var customers int64
	if err := st.DB().QueryRowContext(ctx, "SELECT count(DISTINCT customer_id) FROM portal_conversations").Scan(&customers); err != nil {
		return fmt.Errorf("load: count customers: %w", err)
	}
	fmt.Fprintf(stdout, "loaded %d entries of %d conversations (%d customers) into %s in %s (%.0f/s): %d applied, %d skipped, %d dead letters\n",
		total.Total(), *convs, customers, cfg.db, el.Round(time.Millisecond), float64(total.Total())/el.Seconds(),
		total.Applied, total.Skipped, total.DeadLettered)
	return nil
}

// streamIDs makes Redis-like stream IDs from event times: the millisecond, then a
// sequence within it; never going backwards.
type streamIDs struct {
	ms, seq int64
}

func (s *streamIDs) next(at time.Time) string {
	if m := at.UnixMilli(); m > s.ms {
		s.ms, s.seq = m, 0
	} else {
		s.seq++
	}
	return strconv.FormatInt(s.ms, 10) + "-" + strconv.FormatInt(s.seq, 10)
}
