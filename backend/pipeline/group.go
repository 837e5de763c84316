package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger/reader"
)

// Group is the ledger stream and a consumer group's place on it, as Redis tells.
type Group struct {
	Length int64
	// FirstID and LastID are the stream's oldest entry (the trim horizon) and newest;
	// empty for an empty or missing stream.
	FirstID, LastID string
	// Lag is the entries not yet delivered to the group; Pending those delivered and
	// not yet acknowledged.
	Lag, Pending    int64
	LastDeliveredID string
	EntriesRead     int64
	Consumers       []Consumer
	// LeaseHolder is the consumer projecting now; the group's other members stand by.
	LeaseHolder string
}

// Behind is how many entries the group has still to apply.
func (g Group) Behind() int64 { return g.Lag + g.Pending }

// Consumer is one member of the group.
type Consumer struct {
	Name    string `json:"name"`
	Pending int64  `json:"pending"`
	IdleMs  int64  `json:"idleMs"`
}

// ReadGroup reads the stream's length and ends, and group's lag, pending entries,
// consumers and lease holder. A missing stream or group is not an error: everything
// in the stream is then behind.
func ReadGroup(ctx context.Context, rdb redis.UniversalClient, stream, group string) (Group, error) {
	var g Group
	info, err := rdb.XInfoStream(ctx, stream).Result()
	switch {
	case err == nil:
		g.Length, g.FirstID, g.LastID = info.Length, info.FirstEntry.ID, info.LastEntry.ID
	case !noSuchKey(err):
		return g, fmt.Errorf("stream %s: %w", stream, err)
	}
	if g.LeaseHolder, err = reader.Holder(ctx, rdb, stream, group); err != nil {
		return g, err
	}
	g.Lag = g.Length // no group yet: everything is behind
	groups, err := rdb.XInfoGroups(ctx, stream).Result()
	if err != nil && !noSuchKey(err) {
		return g, fmt.Errorf("groups of %s: %w", stream, err)
	}
	found := false
	for _, gi := range groups {
		if gi.Name != group {
			continue
		}
		found = true
		g.Pending, g.LastDeliveredID, g.EntriesRead, g.Lag = gi.Pending, gi.LastDeliveredID, gi.EntriesRead, gi.Lag
		if gi.Lag < 0 { // Redis cannot tell after some deletions: count what is left to read
			if g.Lag, err = countAfter(ctx, rdb, stream, gi.LastDeliveredID); err != nil {
				return g, err
			}
		}
	}
	if !found {
		return g, nil
	}
	cs, err := rdb.XInfoConsumers(ctx, stream, group).Result()
	if err != nil {
		return g, fmt.Errorf("consumers of %s on %s: %w", group, stream, err)
	}
	g.Consumers = make([]Consumer, 0, len(cs))
	for _, c := range cs {
		g.Consumers = append(g.Consumers, Consumer{Name: c.Name, Pending: c.Pending, IdleMs: c.Idle.Milliseconds()})
	}
	return g, nil
}

func noSuchKey(err error) bool { return strings.Contains(err.Error(), "no such key") }

func countAfter(ctx context.Context, rdb redis.UniversalClient, stream, id string) (int64, error) {
	msgs, err := rdb.XRangeN(ctx, stream, "("+id, "+", 1_000_000).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("count entries after %s: %w", id, err)
	}
	return int64(len(msgs)), nil
}
