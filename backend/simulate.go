package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/billie/supervisor/backend/simulator"
)

func runSimulate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("simulate", &cfg)
	convs := fs.Int("conversations", 200, "how many conversations")
	rate := fs.Float64("rate", 20, "at most this many events per second (0: as fast as Redis takes them)")
	duration := fs.Duration("duration", 0, "stop after this long (0: when every conversation is written)")
	messy := fs.Bool("messy", false, "mix in the real producer's quirks and a few broken events")
	seed := fs.Int64("seed", time.Now().UnixNano(), "random seed; the same seed and flags give the same events")
	history := fs.Duration("history", 26*time.Hour, "start conversations up to this long ago, so every status appears")
	spread := fs.Duration("spread", 30*time.Minute, "start live conversations up to this long from now")
	live := fs.Bool("live", true, "publish history at once, then each future event at its own time")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	gen, err := simulator.New(simulator.Options{
		Conversations: *convs, Seed: *seed, Messy: *messy, Start: time.Now(),
		History: *history, Spread: *spread, Stream: cfg.stream,
	})
	if err != nil {
		return err
	}
	progress := func(s simulator.Stats) {
		if !*quiet {
			fmt.Fprintf(os.Stderr, "simulate: %d events sent in %s\n", s.Sent, s.Elapsed.Round(time.Second))
		}
	}
	stats, err := simulator.Publish(ctx, rdb, cfg.stream, gen, simulator.PublishOptions{
		Rate: *rate, Duration: *duration, Live: *live,
	}, progress)
	fmt.Fprintf(stdout, "sent %d events of %d conversations to %s in %s\n", stats.Sent, stats.Conversations, cfg.stream, stats.Elapsed.Round(time.Millisecond))
	if ctx.Err() != nil {
		return nil
	}
	return err
}
