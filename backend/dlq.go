package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

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

func runDLQ(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("dlq", &cfg)
	limit := fs.Int64("limit", 100, "list: at most this many")
	all := fs.Bool("all", false, "retry/drop: every dead letter")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("usage: backend dlq list | retry ID...|--all | drop ID...|--all")
	}
	rdb, err := cfg.openRedis(ctx)
	if err != nil {
		return err
	}
	defer rdb.Close()
	verb, ids := fs.Arg(0), fs.Args()[1:]
	if verb != "list" && !*all && len(ids) == 0 {
		return fmt.Errorf("dlq %s: name the dead-letter IDs or pass --all", verb)
	}
	switch verb {
	case "list":
		return listDeadLetters(ctx, rdb, cfg.deadStream, *limit, stdout)
	case "retry":
		return resolveDeadLetters(ctx, rdb, &cfg, ids, *all, true, stdout)
	case "drop":
		return resolveDeadLetters(ctx, rdb, &cfg, ids, *all, false, stdout)
	}
	return fmt.Errorf("dlq %q: want list, retry or drop", verb)
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
