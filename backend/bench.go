package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

func newBenchProjectorCmd(cfg *config) *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench-projector",
		Short: "Benchmark: project a filled stream from zero, then rebuild from the archive",
		Long: `Project --stream, already filled (scripts/bench-projector.sh fills it with the
simulator), from zero into a fresh --db and report events/s from first read to last
commit and peak RSS; then rebuild a second database from the first one's archive and
report that rate too. --group must not exist on the stream yet.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchProjector(cmd.Context(), cfg, f, cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&f.batch, "batch", 2000, "entries per read")
	cmd.Flags().StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the projection to this file")
	cmd.Flags().BoolVar(&f.rebuild, "rebuild", true, "also rebuild a second database from the archive and report that rate")
	return cmd
}

type benchFlags struct {
	batch      int
	cpuProfile string
	rebuild    bool
}

// runBenchProjector measures the projector end to end.
func runBenchProjector(ctx context.Context, cfg *config, f benchFlags, stdout io.Writer) error {
	if _, err := os.Stat(cfg.db); err == nil {
		return fmt.Errorf("bench-projector: %s exists; the benchmark needs a fresh database", cfg.db)
	}
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	last, err := rdb.XRevRangeN(ctx, cfg.stream, "+", "-", 1).Result()
	if err != nil || len(last) == 0 {
		return fmt.Errorf("bench-projector: stream %s is empty or unreadable (%v)", cfg.stream, err)
	}
	end, err := ledger.ParseID(last[0].ID)
	if err != nil {
		return err
	}
	length, err := rdb.XLen(ctx, cfg.stream).Result()
	if err != nil {
		return err
	}
	// A group left by an earlier run starts at its end: the run would wait forever.
	groups, err := rdb.XInfoGroups(ctx, cfg.stream).Result()
	if err != nil {
		return fmt.Errorf("bench-projector: groups of %s: %w", cfg.stream, err)
	}
	for _, g := range groups {
		if g.Name == cfg.group {
			return fmt.Errorf("bench-projector: %s already has group %s; pass another --group or delete it", cfg.stream, cfg.group)
		}
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	p := projector.New(rdb, st, projector.Config{
		Stream: cfg.stream, Group: cfg.group, Consumer: cfg.consumer, DeadLetterStream: cfg.deadStream,
		ProducerZone: st.ProducerZone(),
		BatchSize:    f.batch, Block: 200 * time.Millisecond,
	}, cfg.logger())
	var (
		mu       sync.Mutex
		counts   store.Counts
		first    time.Time
		finished time.Time
	)
	p.OnBatch = func(res store.Result, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if first.IsZero() {
			first = time.Now().Add(-took)
		}
		counts.Add(res.Counts)
		if res.Last.Compare(end) >= 0 && finished.IsZero() {
			finished = time.Now()
			stop()
		}
	}
	if f.cpuProfile != "" {
		f, err := os.Create(f.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	err = p.Run(runCtx)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	if finished.IsZero() {
		return errors.New("bench-projector: stopped before the last entry was applied")
	}
	took := finished.Sub(start)
	total := counts.Applied + counts.Skipped + counts.Duplicates + counts.Unhandled + counts.DeadLettered
	fmt.Fprintf(stdout, "projector: %d entries (stream length %d; %d applied, %d skipped, %d duplicates, %d unhandled, %d dead-lettered)\n",
		total, length, counts.Applied, counts.Skipped, counts.Duplicates, counts.Unhandled, counts.DeadLettered)
	fmt.Fprintf(stdout, "projector: %s from start to last commit (first batch to last commit %s): %.0f events/s\n",
		took.Round(time.Millisecond), finished.Sub(first).Round(time.Millisecond), float64(total)/took.Seconds())
	fmt.Fprintf(stdout, "projector: peak RSS %s\n", peakRSS())
	if !f.rebuild {
		return nil
	}
	return benchRebuild(ctx, st, cfg, stdout)
}

func benchRebuild(ctx context.Context, src *store.Store, cfg *config, stdout io.Writer) error {
	path := cfg.db + ".rebuild"
	dst, err := cfg.openStoreAt(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer os.Remove(path)
	start := time.Now()
	counts, err := store.Rebuild(ctx, src, dst, cfg.group, 10000, nil)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "rebuild from archive: %d events in %s: %.0f events/s\n",
		counts.Total(), took.Round(time.Millisecond), float64(counts.Total())/took.Seconds())
	return nil
}

// peakRSS is the process's high-water resident set size, from /proc.
func peakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return strings.TrimSpace(rest)
			}
			return fmt.Sprintf("%d MiB", kb/1024)
		}
	}
	return "unknown"
}
