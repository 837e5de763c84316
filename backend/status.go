package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger/reader"
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

func groupStatus(ctx context.Context, rdb redis.UniversalClient, stream, group string) (streamGroup, error) {
	var gs streamGroup
	n, err := rdb.XLen(ctx, stream).Result()
	if err != nil {
		return gs, fmt.Errorf("length of %s: %w", stream, err)
	}
	gs.Length = n
	if gs.LeaseHolder, err = reader.Holder(ctx, rdb, stream, group); err != nil {
		return gs, err
	}
	groups, err := rdb.XInfoGroups(ctx, stream).Result()
	if err != nil && !strings.Contains(err.Error(), "no such key") {
		return gs, fmt.Errorf("groups of %s: %w", stream, err)
	}
	gs.Lag = n // no group yet: everything is behind
	for _, g := range groups {
		if g.Name != group {
			continue
		}
		gs.Pending, gs.LastDeliveredID, gs.Consumers = g.Pending, g.LastDeliveredID, g.Consumers
		gs.Lag = g.Lag
		if g.Lag < 0 { // Redis cannot tell after some deletions: count what is left to read
			gs.Lag, err = countAfter(ctx, rdb, stream, g.LastDeliveredID)
			if err != nil {
				return gs, err
			}
		}
	}
	return gs, nil
}

func countAfter(ctx context.Context, rdb redis.UniversalClient, stream, id string) (int64, error) {
	msgs, err := rdb.XRangeN(ctx, stream, "("+id, "+", 1_000_000).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("count entries after %s: %w", id, err)
	}
	return int64(len(msgs)), nil
}

type statusReport struct {
	Stream string `json:"stream"`
	Group  string `json:"group"`
	streamGroup
	LastAppliedID    string `json:"lastAppliedId"`
	DeadLetterStream string `json:"deadLetterStream"`
	// DeadLetters are those still dead (the table `backend dlq` manages);
	// DeadLetterStreamLength every one the stream received, retried and dropped ones too.
	DeadLetters            int64        `json:"deadLetters"`
	DeadLetterStreamLength int64        `json:"deadLetterStreamLength"`
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
length of --dead-letter-stream, the projection's counters and, under failing, each group
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
	page, err := st.DeadLetters(ctx, store.DeadLetterFilter{}, nil, 1)
	if err != nil {
		return err
	}
	rep.DeadLetters = int64(page.Total)
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
