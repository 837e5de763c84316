package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/billie/supervisor/backend/store"
)

func runRebuild(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("rebuild", &cfg)
	into := fs.String("into", "", "new database to build (default: --db with .rebuild appended); must not exist")
	swap := fs.Bool("swap", false, "after a successful rebuild, move the old database to .bak and the new one into its place (stop serve first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *into == "" {
		*into = cfg.db + ".rebuild"
	}
	if _, err := os.Stat(*into); err == nil {
		return fmt.Errorf("rebuild: %s exists; remove it or choose another --into", *into)
	}
	src, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *into, store.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	counts, err := store.Rebuild(ctx, src, dst, cfg.group, 10000, func(p store.RebuildProgress) {
		fmt.Fprintf(os.Stderr, "\rrebuild: %d/%d events", p.Done, p.Total)
	})
	fmt.Fprintln(os.Stderr)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rebuild failed, %s left as it was: %w", cfg.db, err)
	}
	took := time.Since(start)
	rate := float64(counts.Total()) / took.Seconds()
	fmt.Fprintf(stdout, "rebuilt %s from the archive of %s: %d events in %s (%.0f events/s)\n", *into, cfg.db, counts.Total(), took.Round(time.Millisecond), rate)
	if !*swap {
		return nil
	}
	return swapDatabases(cfg.db, *into)
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
