// Package projector owns the backend's consumer-group loop over the chatLedger: it
// reads entries in batches, has the store apply each batch in one transaction, sends
// dead letters to the dead-letter stream and only then acknowledges.
package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
)

// Config names the stream, group and consumer, and tunes batching.
type Config struct {
	Stream           string
	Group            string
	Consumer         string
	DeadLetterStream string
	// BatchSize is the COUNT of each read (default 2000).
	BatchSize int
	// MaxTransaction caps how many entries already read are applied in one
	// transaction when the applier falls behind the reader (default 5 × BatchSize).
	MaxTransaction int
	// Block is how long a read waits for new entries (default 2s).
	Block time.Duration
	// ClaimIdle is how long an entry must sit pending with another consumer before
	// this one takes it over (default 1m); ClaimEvery is how often it looks (default 30s).
	ClaimIdle  time.Duration
	ClaimEvery time.Duration
}

func (c *Config) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 2000
	}
	if c.MaxTransaction < c.BatchSize {
		c.MaxTransaction = 5 * c.BatchSize
	}
	if c.Block <= 0 {
		c.Block = 2 * time.Second
	}
	if c.ClaimIdle <= 0 {
		c.ClaimIdle = time.Minute
	}
	if c.ClaimEvery <= 0 {
		c.ClaimEvery = 30 * time.Second
	}
}

// Applier applies a batch of entries exactly once; *store.Store is one.
type Applier interface {
	ApplyBatch(ctx context.Context, checkpoint string, entries []store.Entry) (store.Result, error)
}

// Projector is one member of the consumer group.
type Projector struct {
	rdb redis.UniversalClient
	st  Applier
	cfg Config
	log *slog.Logger
	// OnBatch, when set, is told about every committed and acknowledged batch.
	OnBatch func(res store.Result, took time.Duration)
}

// New makes a projector; Run starts it.
func New(rdb redis.UniversalClient, st Applier, cfg Config, log *slog.Logger) *Projector {
	cfg.defaults()
	return &Projector{rdb: rdb, st: st, cfg: cfg, log: log}
}

// Run projects until ctx is cancelled, then finishes the batch in hand, commits,
// acknowledges and returns nil. Entries read but not yet applied stay pending and are
// reclaimed by the next start.
func (p *Projector) Run(ctx context.Context) error {
	if err := p.ensureGroup(ctx); err != nil {
		return err
	}
	if err := p.drainOwnPending(ctx); err != nil {
		return nilIfCancelled(ctx, err)
	}
	batches := make(chan batch, readAhead)
	readErr := make(chan error, 1)
	go func() { readErr <- p.read(ctx, batches) }()
	for b := range batches {
		if ctx.Err() != nil {
			break // what is still queued stays pending for the next start
		}
		b = p.coalesce(b, batches)
		if err := p.handleDecoded(ctx, b); err != nil {
			return nilIfCancelled(ctx, err)
		}
	}
	return nilIfCancelled(ctx, <-readErr)
}

func nilIfCancelled(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// ensureGroup creates the group at the start of the stream, so history is projected.
func (p *Projector) ensureGroup(ctx context.Context) error {
	err := p.rdb.XGroupCreateMkStream(ctx, p.cfg.Stream, p.cfg.Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group %s on %s: %w", p.cfg.Group, p.cfg.Stream, err)
	}
	return nil
}

// drainOwnPending applies what this consumer read before a crash or stop but never
// acknowledged.
func (p *Projector) drainOwnPending(ctx context.Context) error {
	for {
		msgs, err := p.readGroup(ctx, "0", 0)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		p.log.Info("reclaiming own pending entries", "count", len(msgs), "first", msgs[0].ID)
		if err := p.handle(ctx, msgs); err != nil {
			return err
		}
	}
}

// read feeds batches to the applier, so reading overlaps applying. It also takes over
// entries a dead consumer left pending.
func (p *Projector) read(ctx context.Context, out chan<- batch) error {
	defer close(out)
	bo := newBackoff()
	nextClaim := time.Now()
	for ctx.Err() == nil {
		if time.Now().After(nextClaim) {
			nextClaim = time.Now().Add(p.cfg.ClaimEvery)
			if err := p.claim(ctx, out); err != nil && ctx.Err() == nil {
				p.log.Warn("claiming idle entries failed", "err", err)
			}
		}
		msgs, err := p.readGroup(ctx, ">", p.cfg.Block)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			wait := bo.NextBackOff()
			p.log.Warn("reading the stream failed; retrying", "err", err, "in", wait)
			sleep(ctx, wait)
			continue
		}
		bo.Reset()
		if err := send(ctx, out, msgs); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (p *Projector) readGroup(ctx context.Context, from string, block time.Duration) ([]redis.XMessage, error) {
	args := &redis.XReadGroupArgs{
		Group: p.cfg.Group, Consumer: p.cfg.Consumer, Streams: []string{p.cfg.Stream, from},
		Count: int64(p.cfg.BatchSize), Block: block,
	}
	if block == 0 {
		args.Block = -1 // no BLOCK argument: return at once
	}
	res, err := p.rdb.XReadGroup(ctx, args).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s as %s/%s: %w", p.cfg.Stream, p.cfg.Group, p.cfg.Consumer, err)
	}
	if len(res) == 0 {
		return nil, nil
	}
	return res[0].Messages, nil
}

func (p *Projector) claim(ctx context.Context, out chan<- batch) error {
	start := "0-0"
	for {
		msgs, next, err := p.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: p.cfg.Stream, Group: p.cfg.Group, Consumer: p.cfg.Consumer,
			MinIdle: p.cfg.ClaimIdle, Start: start, Count: int64(p.cfg.BatchSize),
		}).Result()
		if err != nil {
			return fmt.Errorf("autoclaim on %s: %w", p.cfg.Stream, err)
		}
		if len(msgs) > 0 {
			p.log.Warn("took over entries left pending by another consumer", "count", len(msgs), "first", msgs[0].ID)
			if err := send(ctx, out, msgs); err != nil {
				return err
			}
		}
		if next == "0-0" || next == "" {
			return nil
		}
		start = next
	}
}

// readAhead is how many read batches may wait for the applier. During catch-up they
// are applied together in one transaction of up to MaxTransaction entries: fewer,
// larger transactions write each touched conversation once for many of its events.
const readAhead = 8

// coalesce appends batches already waiting to b, up to MaxTransaction entries.
func (p *Projector) coalesce(b batch, queued <-chan batch) batch {
	for len(b.entries) < p.cfg.MaxTransaction {
		select {
		case more, ok := <-queued:
			if !ok {
				return b
			}
			b.msgs = append(b.msgs, more.msgs...)
			b.entries = append(b.entries, more.entries...)
		default:
			return b
		}
	}
	return b
}

// batch is what the reader hands the applier: the messages, and their entries
// already decoded, so decoding overlaps the previous batch's write.
type batch struct {
	msgs    []redis.XMessage
	entries []store.Entry
}

func send(ctx context.Context, out chan<- batch, msgs []redis.XMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	entries := Entries(msgs)
	store.Decode(entries)
	select {
	case out <- batch{msgs: msgs, entries: entries}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Projector) handle(ctx context.Context, msgs []redis.XMessage) error {
	return p.handleDecoded(ctx, batch{msgs: msgs, entries: Entries(msgs)})
}

// handleDecoded applies, dead-letters and acknowledges one batch, retrying failures
// with backoff. Once started it finishes even if ctx is cancelled, so a stop never
// leaves a committed batch unacknowledged for long.
func (p *Projector) handleDecoded(ctx context.Context, b batch) error {
	work := context.WithoutCancel(ctx)
	msgs, entries := b.msgs, b.entries
	started := time.Now()
	var res store.Result
	op := func() error {
		var err error
		res, err = p.st.ApplyBatch(work, p.cfg.Group, entries)
		if err != nil {
			return err
		}
		return p.finish(work, res, msgs)
	}
	notify := func(err error, wait time.Duration) {
		p.log.Error("batch failed; retrying", "first", msgs[0].ID, "count", len(msgs), "err", err, "in", wait)
	}
	// Retries stop with ctx, but the first attempt always runs to its end.
	if err := backoff.RetryNotify(op, backoff.WithContext(newBackoff(), ctx), notify); err != nil {
		return fmt.Errorf("batch from %s: %w", msgs[0].ID, err)
	}
	took := time.Since(started)
	p.log.Debug("batch applied", "first", msgs[0].ID, "last", msgs[len(msgs)-1].ID, "applied", res.Applied,
		"skipped", res.Skipped, "dead", res.DeadLettered, "redelivered", res.Redelivered, "took", took)
	if p.OnBatch != nil {
		p.OnBatch(res, took)
	}
	return nil
}

// finish sends dead letters, then acknowledges the batch.
func (p *Projector) finish(ctx context.Context, res store.Result, msgs []redis.XMessage) error {
	if len(res.DeadLetters) > 0 {
		if err := p.sendDeadLetters(ctx, res.DeadLetters); err != nil {
			return err
		}
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if err := p.rdb.XAck(ctx, p.cfg.Stream, p.cfg.Group, ids...).Err(); err != nil {
		return fmt.Errorf("ack %d entries: %w", len(ids), err)
	}
	return nil
}

func (p *Projector) sendDeadLetters(ctx context.Context, dls []store.DeadLetter) error {
	pipe := p.rdb.Pipeline()
	for _, dl := range dls {
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: p.cfg.DeadLetterStream, Values: DeadLetterFields(dl, p.cfg.Consumer)})
		p.log.Warn("dead-lettered an entry", "id", dl.Entry.ID, "reason", dl.Reason)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("send %d dead letters to %s: %w", len(dls), p.cfg.DeadLetterStream, err)
	}
	return nil
}

// DeadLetterFields are the fields of a dead-letter entry: the original fields as they
// came, plus the original ID, the reason, the consumer and the time under an "x_" prefix.
func DeadLetterFields(dl store.DeadLetter, consumer string) map[string]any {
	v := make(map[string]any, len(dl.Entry.Fields)+4)
	for k, f := range dl.Entry.Fields {
		v[k] = f
	}
	v["x_original_id"] = dl.Entry.ID
	v["x_reason"] = dl.Reason
	v["x_consumer"] = consumer
	v["x_dead_at"] = dl.At.UTC().Format(time.RFC3339Nano)
	return v
}

// Entries turns stream messages into store entries; any reader of the ledger
// (the backend's group member, the desktop's XREAD) hands these to store.ApplyBatch.
func Entries(msgs []redis.XMessage) []store.Entry {
	out := make([]store.Entry, len(msgs))
	for i, m := range msgs {
		fields := make(map[string]string, len(m.Values))
		for k, v := range m.Values {
			if s, ok := v.(string); ok {
				fields[k] = s
			} else {
				fields[k] = fmt.Sprint(v)
			}
		}
		out[i] = store.Entry{ID: m.ID, Fields: fields}
	}
	return out
}

func newBackoff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	b.MaxInterval = 10 * time.Second
	b.MaxElapsedTime = 0
	return b
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
