package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/store"
)

func newRebuildCmd(cfg *config) *cobra.Command {
	var into string
	var swap bool
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild the read models from the event archive into a new database",
		Long: `Rebuild the read models of --db from its event archive into a new database (--into),
leaving --db as it is. With --swap, and serve stopped, the old database then moves to
.bak and the new one into its place.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRebuild(cmd.Context(), cfg, into, swap, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&into, "into", "", "new database to build (default: --db with .rebuild appended); must not exist")
	cmd.Flags().BoolVar(&swap, "swap", false, "after a successful rebuild, move the old database to .bak and the new one into its place (stop serve first)")
	return cmd
}

func runRebuild(ctx context.Context, cfg *config, into string, swap bool, stdout, stderr io.Writer) error {
	if into == "" {
		into = cfg.db + ".rebuild"
	}
	if _, err := os.Stat(into); err == nil {
		return fmt.Errorf("rebuild: %s exists; remove it or choose another --into", into)
	}
	src, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := cfg.openStoreAt(ctx, into, store.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	counts, err := store.Rebuild(ctx, src, dst, cfg.group, 10000, func(p store.RebuildProgress) {
		fmt.Fprintf(stderr, "\rrebuild: %d/%d events", p.Done, p.Total)
	})
	fmt.Fprintln(stderr)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rebuild failed, %s left as it was: %w", cfg.db, err)
	}
	took := time.Since(start)
	rate := float64(counts.Total()) / took.Seconds()
	fmt.Fprintf(stdout, "rebuilt %s from the archive of %s: %d events in %s (%.0f events/s)\n", into, cfg.db, counts.Total(), took.Round(time.Millisecond), rate)
	if !swap {
		return nil
	}
	return swapDatabases(cfg.db, into)
}

func swapDatabases(current, rebuilt string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(current+suffix, current+".bak"+suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("swap: %w", err)
		}
	}
	if err := os.Rename(rebuilt, current); err != nil {
		return fmt.Errorf("swap: %w", err)
	}
	return nil
}
