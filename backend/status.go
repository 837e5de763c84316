package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

// streamGroup is the stream's length and the group's position on it.
type streamGroup struct {
	Length          int64  `json:"streamLength"`
	Lag             int64  `json:"lag"`
	Pending         int64  `json:"pending"`
	LastDeliveredID string `json:"lastDeliveredId"`
	Consumers       int64  `json:"consumers"`
	// LeaseHolder is the consumer projecting now; the group's other projectors stand by.
	LeaseHolder string `json:"leaseHolder"`
}

// groupStatus is pipeline.ReadGroup in the shape `backend status` prints.
func groupStatus(ctx context.Context, rdb redis.UniversalClient, stream, group string) (streamGroup, error) {
	g, err := pipeline.ReadGroup(ctx, rdb, stream, group)
	return streamGroup{Length: g.Length, Lag: g.Lag, Pending: g.Pending, LastDeliveredID: g.LastDeliveredID,
		Consumers: int64(len(g.Consumers)), LeaseHolder: g.LeaseHolder}, err
}

type statusReport struct {
	Stream string `json:"stream"`
	Group  string `json:"group"`
	streamGroup
	LastAppliedID    string `json:"lastAppliedId"`
	DeadLetterStream string `json:"deadLetterStream"`
	// DeadLetterStreamLength counts what was ever sent there; DeadLetters those still
	// waiting in the database for a retry or drop (as `backend dlq list` lists them).
	DeadLetterStreamLength int64        `json:"deadLetterStreamLength"`
	DeadLetters            int64        `json:"deadLetters"`
	Counters               store.Counts `json:"counters"`
	// Failing are the batches group members keep failing to apply, as they recorded
	// them in Redis: the first entry, how many, the error, since when.
	Failing []projector.Failing `json:"failing"`
}

func newStatusCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Stream length, group lag and pending, lease holder, last applied ID, dead letters, counters, failing batches",
		Long: `Print as JSON: the length of --stream, the lag, pending entries, last delivered ID
and lease holder (the consumer projecting) of --group, the last ID applied to --db, the
dead letters waiting in --db (and the length of --dead-letter-stream), the projection's counters and, under failing, each group
member's batch that keeps failing (first entry, entries, attempts, error, since when).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStatus(cmd.Context(), cfg, cmd.OutOrStdout()) },
	}
}

func runStatus(ctx context.Context, cfg *config, stdout io.Writer) error {
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep := statusReport{Stream: cfg.stream, Group: cfg.group, DeadLetterStream: cfg.deadStream}
	if rep.streamGroup, err = groupStatus(ctx, rdb, cfg.stream, cfg.group); err != nil {
		return err
	}
	last, err := st.Checkpoint(ctx, cfg.group)
	if err != nil {
		return err
	}
	rep.LastAppliedID = last.String()
	if rep.DeadLetterStreamLength, err = rdb.XLen(ctx, cfg.deadStream).Result(); err != nil {
		return fmt.Errorf("length of %s: %w", cfg.deadStream, err)
	}
	if rep.DeadLetters, err = deadLetterCount(st)(ctx); err != nil {
		return err
	}
	if rep.Counters, err = st.Counters(ctx); err != nil {
		return err
	}
	if rep.Failing, err = projector.ReadFailing(ctx, rdb, cfg.stream, cfg.group); err != nil {
		return err
	}
	return printJSON(stdout, rep)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
