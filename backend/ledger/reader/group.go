package reader

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

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
	// ClaimIdle is how long an entry must sit pending with another consumer before
	// this one takes it over; ClaimEvery is how often it looks.
	ClaimIdle  time.Duration
	ClaimEvery time.Duration
}

// Group is a Source that reads as one member of a consumer group: first the entries
// this consumer read before a crash or stop but never acknowledged, then new entries,
// taking over now and then what a dead consumer left pending. Its entries stay
// pending until Ack, which comes after they are committed.
type Group struct {
	rdb redis.UniversalClient
	cfg GroupConfig
	log *slog.Logger

	// pendingAfter is where the next read of this consumer's own pending entries
	// starts; "" once they are all read.
	pendingAfter string
	// claimFrom is where the takeover under way goes on; "" when none is.
	claimFrom string
	nextClaim time.Time
}

// NewGroup makes a group member; Create makes sure the group exists.
func NewGroup(rdb redis.UniversalClient, cfg GroupConfig, log *slog.Logger) *Group {
	return &Group{rdb: rdb, cfg: cfg, log: log, pendingAfter: "0"}
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

// Next reads this consumer's own pending entries first, then takes over entries idle
// with other consumers every ClaimEvery, and otherwise reads new entries.
func (g *Group) Next(ctx context.Context) ([]ledger.Entry, error) {
	if g.pendingAfter != "" {
		return g.ownPending(ctx)
	}
	if g.claimFrom == "" && time.Now().After(g.nextClaim) {
		g.nextClaim = time.Now().Add(g.cfg.ClaimEvery)
		g.claimFrom = "0-0"
	}
	for g.claimFrom != "" {
		msgs, err := g.claim(ctx)
		if err != nil {
			g.claimFrom = ""
			if ctx.Err() == nil {
				g.log.Warn("claiming idle entries failed", "err", err)
			}
			break
		}
		if len(msgs) > 0 {
			return msgs, nil
		}
	}
	return g.read(ctx, ">", g.cfg.Block)
}

// ownPending reads the next page of the entries delivered to this consumer but never
// acknowledged, after the last page it read.
func (g *Group) ownPending(ctx context.Context) ([]ledger.Entry, error) {
	msgs, err := g.read(ctx, g.pendingAfter, 0)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		g.pendingAfter = ""
		return nil, nil
	}
	g.log.Info("reclaiming own pending entries", "count", len(msgs), "first", msgs[0].ID)
	g.pendingAfter = msgs[len(msgs)-1].ID
	return msgs, nil
}

func (g *Group) read(ctx context.Context, from string, block time.Duration) ([]ledger.Entry, error) {
	args := []any{"XREADGROUP", "GROUP", g.cfg.Group, g.cfg.Consumer, "COUNT", g.cfg.Count}
	if block > 0 { // none: return at once
		args = append(args, "BLOCK", block.Milliseconds())
	}
	return readStream(ctx, g.rdb, fmt.Sprintf("read %s as %s/%s", g.cfg.Stream, g.cfg.Group, g.cfg.Consumer),
		append(args, "STREAMS", g.cfg.Stream, from)...)
}

// claim takes over the next page of entries idle for ClaimIdle with any consumer of
// the group.
func (g *Group) claim(ctx context.Context) ([]ledger.Entry, error) {
	msgs, next, err := autoClaim(ctx, g.rdb, g.cfg.Stream, g.cfg.Group, g.cfg.Consumer, g.cfg.ClaimIdle, g.claimFrom, g.cfg.Count)
	if err != nil {
		return nil, fmt.Errorf("autoclaim on %s: %w", g.cfg.Stream, err)
	}
	if len(msgs) > 0 {
		g.log.Warn("took over entries left pending by another consumer", "count", len(msgs), "first", msgs[0].ID)
	}
	g.claimFrom = next
	if next == "0-0" {
		g.claimFrom = ""
	}
	return msgs, nil
}

// Ack acknowledges entries once their effect is committed.
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
