package reader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
)

// GroupConfig names the stream, group and consumer a Group reads as.
type GroupConfig struct {
	Stream   string
	Group    string
	Consumer string
	// Count is the COUNT of each read.
	Count int
	// Block is how long a read waits for new entries.
	Block time.Duration
}

// Group is a Source that reads as the one member of a consumer group holding its
// Lease, for one tenure of that lease: first it claims every entry pending in the
// group, whoever read it (its own previous process, a crashed consumer, a consumer
// under another name), in ID order, then it reads new entries. Every read checks the
// lease in the same transaction, so once the lease is lost nothing more is delivered and
// Next returns ErrLeaseLost (as a permanent error: retrying cannot help). Its entries
// stay pending until Ack, which comes after they are committed.
//
// Why this keeps stream order: entries are applied in the order a holder reads them,
// pending ones are all older than new ones, and every entry a previous holder read
// but did not acknowledge is in the pending list the new holder claims before
// anything else. A previous holder still committing what it read is harmless: it
// commits in the same order, and whatever of it is already archived is skipped.
type Group struct {
	rdb   redis.UniversalClient
	cfg   GroupConfig
	lease *Lease
	log   *slog.Logger

	// claimFrom is where the claim of the group's pending entries goes on; "" once it
	// is done.
	claimFrom string
	claimed   int
}

// NewGroup makes a group member for one tenure of lease; Create makes sure the group
// exists.
func NewGroup(rdb redis.UniversalClient, cfg GroupConfig, lease *Lease, log *slog.Logger) *Group {
	return &Group{rdb: rdb, cfg: cfg, lease: lease, log: log, claimFrom: "0-0"}
}

// Create creates the group at the start of the stream, so history is read, unless it
// exists.
func (g *Group) Create(ctx context.Context) error {
	err := g.rdb.XGroupCreateMkStream(ctx, g.cfg.Stream, g.cfg.Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group %s on %s: %w", g.cfg.Group, g.cfg.Stream, err)
	}
	return nil
}

// Next claims the group's pending entries first, then reads new ones, waiting up to
// Block for some.
func (g *Group) Next(ctx context.Context) ([]ledger.Entry, error) {
	if g.claimFrom != "" {
		return g.claim(ctx)
	}
	entries, last, err := g.readNew(ctx)
	if err != nil || len(entries) > 0 {
		return entries, err
	}
	return nil, g.wait(ctx, last)
}

// fenced runs the commands queue adds in one MULTI/EXEC that Redis executes only if
// the lease still holds this member's token: the key is WATCHed, read, and any change
// to it (a new holder, its expiry) before EXEC aborts the transaction. That is the
// fence: no entry is delivered to a consumer that does not hold the lease. Our own
// renewal also touches the key, so an aborted transaction is tried again.
func (g *Group) fenced(ctx context.Context, queue func(redis.Pipeliner)) ([]redis.Cmder, error) {
	for range 10 {
		var cmds []redis.Cmder
		err := g.rdb.Watch(ctx, func(tx *redis.Tx) error {
			token, err := tx.Get(ctx, g.lease.key).Result()
			switch {
			case errors.Is(err, redis.Nil) || err == nil && token != g.lease.token:
				return backoff.Permanent(ErrLeaseLost)
			case err != nil:
				return err
			}
			cmds, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error { queue(p); return nil })
			if errors.Is(err, redis.Nil) { // a read that found nothing: its command says so
				err = nil
			}
			return err
		}, g.lease.key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		return cmds, err
	}
	return nil, fmt.Errorf("the lease of %s kept changing under the read", g.cfg.Group)
}

// claim takes over the next page of the group's pending entries, whoever holds
// them and however briefly idle, in ID order.
func (g *Group) claim(ctx context.Context) ([]ledger.Entry, error) {
	var claim *redis.Cmd
	_, err := g.fenced(ctx, func(p redis.Pipeliner) {
		claim = p.Do(ctx, "XAUTOCLAIM", g.cfg.Stream, g.cfg.Group, g.cfg.Consumer, 0, g.claimFrom, "COUNT", g.cfg.Count)
	})
	if err != nil {
		return nil, g.wrap("claim pending entries", err)
	}
	entries, next, err := autoClaimReply(claim.Result())
	if err != nil {
		return nil, g.wrap("claim pending entries", err)
	}
	g.claimed += len(entries)
	g.claimFrom = next
	if next == "0-0" || next == "" {
		g.claimFrom = ""
		if g.claimed > 0 {
			g.log.Info("claimed the group's pending entries, applying them first", "count", g.claimed)
		}
	}
	return entries, nil
}

// readNew reads new entries; when there are none, last is the stream's last ID.
func (g *Group) readNew(ctx context.Context) (entries []ledger.Entry, last string, err error) {
	var read *redis.Cmd
	var tail *redis.XMessageSliceCmd
	_, err = g.fenced(ctx, func(p redis.Pipeliner) {
		// No BLOCK: a transaction returns at once.
		read = p.Do(ctx, "XREADGROUP", "GROUP", g.cfg.Group, g.cfg.Consumer, "COUNT", g.cfg.Count,
			"STREAMS", g.cfg.Stream, ">")
		tail = p.XRevRangeN(ctx, g.cfg.Stream, "+", "-", 1)
	})
	if err != nil {
		return nil, "", g.wrap("read "+g.cfg.Stream, err)
	}
	v, err := read.Result()
	if errors.Is(err, redis.Nil) {
		v, err = nil, nil
	}
	if err == nil {
		entries, err = firstStreamEntries(v)
	}
	if err != nil || len(entries) > 0 {
		return entries, "", g.wrap("read "+g.cfg.Stream, err)
	}
	last = "0-0"
	if t, err := tail.Result(); err == nil && len(t) > 0 {
		last = t[0].ID
	}
	return nil, last, nil
}

// wait blocks until an entry after last is added, or Block passes. A transaction
// cannot block, so the waiting is a plain XREAD; the entries come with the next read.
func (g *Group) wait(ctx context.Context, last string) error {
	err := g.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{g.cfg.Stream, last}, Count: 1, Block: g.cfg.Block}).Err()
	if err != nil && !errors.Is(err, redis.Nil) && ctx.Err() == nil {
		return fmt.Errorf("wait for entries on %s: %w", g.cfg.Stream, err)
	}
	return nil
}

func (g *Group) wrap(what string, err error) error {
	if err == nil || errors.Is(err, ErrLeaseLost) {
		return err
	}
	return fmt.Errorf("%s as %s/%s: %w", what, g.cfg.Group, g.cfg.Consumer, err)
}

// Ack acknowledges entries once their effect is committed. It needs no lease: an
// entry acknowledged is committed, whoever holds it now.
func (g *Group) Ack(ctx context.Context, entries []ledger.Entry) error {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	if err := g.rdb.XAck(ctx, g.cfg.Stream, g.cfg.Group, ids...).Err(); err != nil {
		return fmt.Errorf("ack %d entries: %w", len(ids), err)
	}
	return nil
}
