package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger"
)

// deadLetter is one entry of the dead-letter stream as an operator sees it.
type deadLetter struct {
	ID         string            `json:"id"`
	OriginalID string            `json:"originalId"`
	Reason     string            `json:"reason"`
	Consumer   string            `json:"consumer"`
	DeadAt     string            `json:"deadAt"`
	Fields     map[string]string `json:"fields"`
}

func toDeadLetter(m redis.XMessage) deadLetter {
	dl := ledger.ParseDeadLetter(m.Values)
	out := deadLetter{ID: m.ID, OriginalID: dl.Entry.ID, Reason: dl.Reason, Consumer: dl.Consumer, Fields: dl.Entry.Fields}
	if !dl.At.IsZero() {
		out.DeadAt = dl.At.Format(time.RFC3339Nano)
	}
	return out
}

func newDLQCmd(cfg *config) *cobra.Command {
	var limit int64
	list := &cobra.Command{
		Use:   "list",
		Short: "Print the dead letters as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRedis(cmd.Context(), cfg, func(rdb *redis.Client) error {
				return listDeadLetters(cmd.Context(), rdb, cfg.deadStream, limit, cmd.OutOrStdout())
			})
		},
	}
	list.Flags().Int64Var(&limit, "limit", 100, "at most this many")
	return groupOf(&cobra.Command{
		Use:   "dlq",
		Short: "List, retry or drop dead letters",
		Long: `List, retry or drop the entries of --dead-letter-stream. Retry publishes a dead
letter's original fields to --stream as a new entry (after a fix); both remove it from
the dead-letter stream.`,
		Example: "  backend dlq list\n  backend dlq retry 1717171717171-0\n  backend dlq drop --all",
	}, list, newResolveCmd(cfg, "retry", true), newResolveCmd(cfg, "drop", false))
}

// newResolveCmd is dlq retry or dlq drop.
func newResolveCmd(cfg *config, verb string, retry bool) *cobra.Command {
	var all bool
	short := "Drop dead letters"
	if retry {
		short = "Publish dead letters to the stream again, then remove them"
	}
	cmd := &cobra.Command{
		Use:   verb + " ID...|--all",
		Short: short,
		RunE: func(cmd *cobra.Command, ids []string) error {
			if !all && len(ids) == 0 {
				return fmt.Errorf("dlq %s: name the dead-letter IDs or pass --all", verb)
			}
			return withRedis(cmd.Context(), cfg, func(rdb *redis.Client) error {
				return resolveDeadLetters(cmd.Context(), rdb, cfg, ids, all, retry, cmd.OutOrStdout())
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "every dead letter")
	return cmd
}

// withRedis runs f with a connection to cfg's Redis, closed after.
func withRedis(ctx context.Context, cfg *config, f func(*redis.Client) error) error {
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return f(rdb)
}

func listDeadLetters(ctx context.Context, rdb redis.UniversalClient, stream string, limit int64, stdout io.Writer) error {
	msgs, err := rdb.XRangeN(ctx, stream, "-", "+", limit).Result()
	if err != nil {
		return fmt.Errorf("list %s: %w", stream, err)
	}
	out := make([]deadLetter, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, toDeadLetter(m))
	}
	return printJSON(stdout, out)
}

// resolveDeadLetters retries (re-publishes the original fields to the ledger stream as
// a new entry, for after a fix) or drops dead letters, removing them from the
// dead-letter stream once done.
func resolveDeadLetters(ctx context.Context, rdb redis.UniversalClient, cfg *config, ids []string, all, retry bool, stdout io.Writer) error {
	msgs, err := selectDeadLetters(ctx, rdb, cfg.deadStream, ids, all)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		dl := toDeadLetter(m)
		if retry {
			values := make(map[string]any, len(dl.Fields))
			for k, v := range dl.Fields {
				values[k] = v
			}
			newID, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: cfg.stream, Values: values}).Result()
			if err != nil {
				return fmt.Errorf("retry %s: %w", dl.ID, err)
			}
			fmt.Fprintf(stdout, "retried %s (originally %s) as %s\n", dl.ID, dl.OriginalID, newID)
		} else {
			fmt.Fprintf(stdout, "dropped %s (originally %s: %s)\n", dl.ID, dl.OriginalID, dl.Reason)
		}
		if err := rdb.XDel(ctx, cfg.deadStream, dl.ID).Err(); err != nil {
			return fmt.Errorf("remove %s from %s: %w", dl.ID, cfg.deadStream, err)
		}
	}
	return nil
}

func selectDeadLetters(ctx context.Context, rdb redis.UniversalClient, stream string, ids []string, all bool) ([]redis.XMessage, error) {
	if all {
		msgs, err := rdb.XRange(ctx, stream, "-", "+").Result()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, err)
		}
		return msgs, nil
	}
	var out []redis.XMessage
	for _, id := range ids {
		msgs, err := rdb.XRange(ctx, stream, id, id).Result()
		if err != nil {
			return nil, fmt.Errorf("read %s %s: %w", stream, id, err)
		}
		if len(msgs) == 0 {
			return nil, fmt.Errorf("no dead letter %s in %s", strings.TrimSpace(id), stream)
		}
		out = append(out, msgs...)
	}
	return out, nil
}
