package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/simulator"
)

type simulateFlags struct {
	conversations   int
	rate            float64
	duration        time.Duration
	messy           bool
	seed            int64
	history, spread time.Duration
	live, quiet     bool
}

func newSimulateCmd(cfg *config) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Write realistic live conversations to the stream",
		Long: `Write realistic conversations to --stream: history at once, then each future event at
its own time (--live), at most --rate events per second. The same --seed and flags give
the same events.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd.Context(), cfg, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&f.conversations, "conversations", 200, "how many conversations")
	fs.Float64Var(&f.rate, "rate", 20, "at most this many events per second (0: as fast as Redis takes them)")
	fs.DurationVar(&f.duration, "duration", 0, "stop after this long (0: when every conversation is written)")
	fs.BoolVar(&f.messy, "messy", false, "mix in the real producer's quirks and a few broken events")
	fs.Int64Var(&f.seed, "seed", time.Now().UnixNano(), "random seed; the same seed and flags give the same events")
	fs.DurationVar(&f.history, "history", 26*time.Hour, "start conversations up to this long ago, so every status appears")
	fs.DurationVar(&f.spread, "spread", 30*time.Minute, "start live conversations up to this long from now")
	fs.BoolVar(&f.live, "live", true, "publish history at once, then each future event at its own time")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines")
	return cmd
}

func runSimulate(ctx context.Context, cfg *config, f simulateFlags, stdout, stderr io.Writer) error {
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	gen, err := simulator.New(simulator.Options{
		Conversations: f.conversations, Seed: f.seed, Messy: f.messy, Start: time.Now(),
		History: f.history, Spread: f.spread, Stream: cfg.stream,
	})
	if err != nil {
		return err
	}
	progress := func(s simulator.Stats) {
		if !f.quiet {
			fmt.Fprintf(stderr, "simulate: %d events sent in %s\n", s.Sent, s.Elapsed.Round(time.Second))
		}
	}
	stats, err := simulator.Publish(ctx, rdb, cfg.stream, gen, simulator.PublishOptions{
		Rate: f.rate, Duration: f.duration, Live: f.live,
	}, progress)
	fmt.Fprintf(stdout, "sent %d events of %d conversations to %s in %s\n", stats.Sent, stats.Conversations, cfg.stream, stats.Elapsed.Round(time.Millisecond))
	if ctx.Err() != nil {
		return nil
	}
	return err
}
