package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
)

// loadCheckpoint is the checkpoint `backend load` moves: not the projector group's, so
// a backend serving the loaded database reads its real stream from where it was.
const loadCheckpoint = "load"

type loadFlags struct {
	conversations, batch, cacheMiB int
	seed                           int64
	history                        time.Duration
	messy, quiet                   bool
}

func newLoadCmd(cfg *config) *cobra.Command {
	var f loadFlags
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Fill the database straight from the simulator, without Redis (benchmarks)",
		Long: `Fill --db straight from the simulator, through the same store.ApplyBatch the projector
uses but without Redis: the fastest honest way to make a large database for benchmarks
and demos. It moves the checkpoint "load", not the projector group's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLoad(cmd.Context(), cfg, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&f.conversations, "conversations", 10_000, "how many conversations (some customers come back: 105,500 make about 100,000 customers)")
	fs.Int64Var(&f.seed, "seed", 1, "random seed; the same seed and flags give the same data")
	fs.DurationVar(&f.history, "history", 26*time.Hour, "start conversations up to this long ago")
	fs.BoolVar(&f.messy, "messy", false, "mix in the producer's quirks and a few broken events")
	fs.IntVar(&f.batch, "batch", 4000, "entries per transaction")
	fs.IntVar(&f.cacheMiB, "cache-mib", 256, "SQLite page cache of the writer, MiB")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines")
	return cmd
}

// runLoad fills the database from the simulator in transactions of f.batch entries.
func runLoad(ctx context.Context, cfg *config, f loadFlags, stdout, stderr io.Writer) error {
	if f.batch < 1 {
		return errors.New("load: --batch must be at least 1")
	}
	st, err := cfg.openStoreAt(ctx, cfg.db, store.Options{Relaxed: true, CacheMiB: f.cacheMiB})
	if err != nil {
		return err
	}
	defer st.Close()
	gen, err := simulator.New(simulator.Options{
		Conversations: f.conversations, Seed: f.seed, Messy: f.messy, Start: time.Now(), History: f.history,
	})
	if err != nil {
		return err
	}
	start := time.Now()
	var total store.Counts
	var ids simulator.StreamIDs
	batch := make([]ledger.Entry, 0, f.batch)
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
		batch = append(batch, ledger.Entry{ID: ids.Next(e.At), Fields: e.Fields})
		if len(batch) < f.batch {
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !f.quiet && time.Since(lastReport) >= 5*time.Second {
			lastReport = time.Now()
			el := time.Since(start)
			fmt.Fprintf(stderr, "load: %d entries in %s (%.0f/s)\n", total.Total(), el.Round(time.Second), float64(total.Total())/el.Seconds())
		}
	}
	if err := flush(); err != nil {
		return err
	}
	el := time.Since(start)
	customers, err := st.PortalCustomers(ctx)
	if err != nil {
		return fmt.Errorf("load: count customers: %w", err)
	}
	fmt.Fprintf(stdout, "loaded %d entries of %d conversations (%d customers) into %s in %s (%.0f/s): %d applied, %d skipped, %d dead letters\n",
		total.Total(), f.conversations, len(customers), cfg.db, el.Round(time.Millisecond), float64(total.Total())/el.Seconds(),
		total.Applied, total.Skipped, total.DeadLettered)
	return nil
}
