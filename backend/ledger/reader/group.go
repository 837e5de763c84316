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
// lease in the same script, so once the lease is lost nothing more is delivered and
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
	msgs, last, err := g.readNew(ctx)
	if err != nil || len(msgs) > 0 {
		return entriesOf(msgs), err
	}
	return nil, g.wait(ctx, last)
}

// leaseLost is the error prefix the scripts answer with when the token is not the
// lease's.
const leaseLost = "LEASELOST"

const checkLease = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('` + leaseLost + ` lease held by another consumer')
end
`

// claimScript takes over the next page of pending entries of every consumer,
// however briefly idle, for the lease's holder.
var claimScript = redis.NewScript(checkLease + `
return redis.call('XAUTOCLAIM', KEYS[2], ARGV[2], ARGV[3], 0, ARGV[4], 'COUNT', ARGV[5])
`)

// readScript reads new entries for the lease's holder; when there are none it
// answers the stream's last ID, after which the caller waits for more.
var readScript = redis.NewScript(checkLease + `
local r = redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4], 'STREAMS', KEYS[2], '>')
if r then
  return {r[1][2], ''}
end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last > 0 then
  return {{}, last[1][1]}
end
return {{}, '0-0'}
`)

func (g *Group) keys() []string { return []string{g.lease.key, g.cfg.Stream} }

// claim takes over the next page of the group's pending entries, in ID order.
func (g *Group) claim(ctx context.Context) ([]ledger.Entry, error) {
	res, err := claimScript.Run(ctx, g.rdb, g.keys(), g.lease.token, g.cfg.Group, g.cfg.Consumer,
		g.claimFrom, g.cfg.Count).Slice()
	if err != nil {
		return nil, g.scriptErr("claim pending entries", err)
	}
	if len(res) < 2 {
		return nil, fmt.Errorf("claim pending entries of %s: reply of %d parts", g.cfg.Group, len(res))
	}
	next, _ := res[0].(string)
	msgs, err := messagesOf(res[1])
	if err != nil {
		return nil, fmt.Errorf("claim pending entries of %s: %w", g.cfg.Group, err)
	}
	g.claimed += len(msgs)
	g.claimFrom = next
	if next == "0-0" || next == "" {
		g.claimFrom = ""
		if g.claimed > 0 {
			g.log.Info("claimed the group's pending entries, applying them first", "count", g.claimed)
		}
	}
	return entriesOf(msgs), nil
}

// readNew reads new entries; when there are none, last is the stream's last ID.
func (g *Group) readNew(ctx context.Context) (msgs []redis.XMessage, last string, err error) {
	res, err := readScript.Run(ctx, g.rdb, g.keys(), g.lease.token, g.cfg.Group, g.cfg.Consumer, g.cfg.Count).Slice()
	if err != nil {
		return nil, "", g.scriptErr("read "+g.cfg.Stream, err)
	}
	if len(res) < 2 {
		return nil, "", fmt.Errorf("read %s: reply of %d parts", g.cfg.Stream, len(res))
	}
	last, _ = res[1].(string)
	msgs, err = messagesOf(res[0])
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", g.cfg.Stream, err)
	}
	return msgs, last, nil
}

// wait blocks until an entry after last is added, or Block passes. A script cannot
// block, so the waiting is a plain XREAD; the entries come with the next read.
func (g *Group) wait(ctx context.Context, last string) error {
	err := g.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{g.cfg.Stream, last}, Count: 1, Block: g.cfg.Block}).Err()
	if err != nil && !errors.Is(err, redis.Nil) && ctx.Err() == nil {
		return fmt.Errorf("wait for entries on %s: %w", g.cfg.Stream, err)
	}
	return nil
}

func (g *Group) scriptErr(what string, err error) error {
	if strings.HasPrefix(err.Error(), leaseLost) {
		return backoff.Permanent(ErrLeaseLost)
	}
	return fmt.Errorf("%s as %s/%s: %w", what, g.cfg.Group, g.cfg.Consumer, err)
}

// messagesOf reads the entries of a script's reply: [[id, [field, value, ...]], ...],
// where an entry deleted from the stream has no fields.
func messagesOf(v any) ([]redis.XMessage, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("entries: unexpected %T", v)
	}
	msgs := make([]redis.XMessage, 0, len(list))
	for _, item := range list {
		pair, ok := item.([]any)
		if !ok || len(pair) == 0 {
			return nil, fmt.Errorf("entry: unexpected %T", item)
		}
		id, ok := pair[0].(string)
		if !ok {
			return nil, fmt.Errorf("entry id: unexpected %T", pair[0])
		}
		m := redis.XMessage{ID: id}
		if len(pair) > 1 {
			fv, _ := pair[1].([]any)
			m.Values = make(map[string]any, len(fv)/2)
			for i := 0; i+1 < len(fv); i += 2 {
				k, _ := fv[i].(string)
				m.Values[k] = fv[i+1]
			}
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
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
