// Package projector is the backend's member of the chatLedger consumer group: it reads
// entries with the shared ledger reader, has the store apply each batch in one
// transaction, sends dead letters to the dead-letter stream and only then
// acknowledges.
package projector

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/projection"
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
	// LeaseTTL is how long the group's lease outlives its holder's last renewal: how
	// long a standby waits before it takes over from a holder that died without
	// releasing it (default 10s).
	LeaseTTL time.Duration
	// ProducerZone is the store's producer time zone, for decoding ahead.
	ProducerZone *time.Location
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
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 10 * time.Second
	}
}

// Applier applies a batch of entries exactly once, retrying as bo says and narrowing
// a batch that keeps failing with a data error down to the entry at fault;
// *store.Store is one.
type Applier interface {
	ApplyRetrying(ctx context.Context, checkpoint string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error)
}

// Projector is one member of the consumer group.
type Projector struct {
	rdb   redis.UniversalClient
	st    Applier
	cfg   Config
	log   *slog.Logger
	lease *reader.Lease
	// group is the member of the group for the current tenure of the lease.
	group *reader.Group
	// OnBatch, when set, is told about every committed and acknowledged batch.
	OnBatch func(res store.Result, took time.Duration)
	// OnFailure, when set, is told about every failed attempt to apply, dead-letter or
	// acknowledge a batch.
	OnFailure func(store.Failure)
	failing   failingState
}

// New makes a projector; Run starts it.
func New(rdb redis.UniversalClient, st Applier, cfg Config, log *slog.Logger) *Projector {
	cfg.defaults()
	lease := reader.NewLease(rdb, cfg.Stream, cfg.Group, cfg.Consumer, cfg.LeaseTTL)
	p := &Projector{rdb: rdb, st: st, cfg: cfg, log: log, lease: lease}
	p.group = p.newGroup()
	return p
}

func (p *Projector) newGroup() *reader.Group {
	return reader.NewGroup(p.rdb, reader.GroupConfig{
		Stream: p.cfg.Stream, Group: p.cfg.Group, Consumer: p.cfg.Consumer, Count: p.cfg.BatchSize, Block: p.cfg.Block,
	}, p.lease, p.log)
}

// readAhead is how many read batches may wait for the applier. During catch-up they
// are applied together in one transaction of up to MaxTransaction entries: fewer,
// larger transactions write each touched conversation once for many of its events.
const readAhead = 8

// Run projects until ctx is cancelled, then finishes the batch in hand, commits,
// acknowledges, gives the lease up and returns nil. Only the holder of the group's
// lease projects; another projector of the group stands by until it can take the
// lease (see lease.go). Entries read but not yet applied stay pending and are claimed
// again, first, by the next holder.
func (p *Projector) Run(ctx context.Context) error {
	if err := p.group.Create(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return p.runLeased(ctx)
}

// apply applies, dead-letters and acknowledges one batch, retrying failures with
// backoff; the store narrows a batch that keeps failing with a data error down to the
// entry at fault and dead-letters it, so only infrastructure errors retry for long.
// Once started it finishes even if ctx is cancelled, so a stop never leaves a
// committed batch unacknowledged for long.
func (p *Projector) apply(ctx context.Context, entries []ledger.Entry) error {
	work := store.WithConsumer(context.WithoutCancel(ctx), p.cfg.Consumer)
	started := time.Now()
	// Retries stop with ctx, but the first attempt always runs to its end.
	res, err := p.st.ApplyRetrying(work, p.cfg.Group, entries, backoff.WithContext(reader.NewBackoff(), ctx), p.failed)
	if err != nil {
		return fmt.Errorf("batch from %s: %w", entries[0].ID, err)
	}
	// Committed: only sending and acknowledging are retried, never the apply, whose
	// second run would count every entry of the batch as redelivered.
	attempt := 0
	finish := func() error { return p.finish(work, res, entries) }
	notify := func(err error, wait time.Duration) {
		attempt++
		p.failed(store.Failure{First: entries[0].ID, Count: len(entries), Attempt: attempt, Err: err, Infrastructure: true, Wait: wait})
	}
	if err := reader.Retry(ctx, finish, notify); err != nil {
		return fmt.Errorf("batch from %s: %w", entries[0].ID, err)
	}
	p.recovered()
	took := time.Since(started)
	if p.log.Enabled(ctx, slog.LevelDebug) {
		attrs := []any{"first", entries[0].ID, "last", entries[len(entries)-1].ID, "took", took}
		for _, o := range projection.Outcomes() {
			attrs = append(attrs, o.String(), res.Of(o))
		}
		p.log.Debug("batch applied", attrs...)
	}
	if p.OnBatch != nil {
		p.OnBatch(res, took)
	}
	return nil
}

// finish sends dead letters, then acknowledges the batch.
func (p *Projector) finish(ctx context.Context, res store.Result, entries []ledger.Entry) error {
	if len(res.DeadLetters) > 0 {
		if err := p.sendDeadLetters(ctx, res.DeadLetters); err != nil {
			return err
		}
	}
	return p.group.Ack(ctx, entries)
}

// sendDeadLetters adds the dead letters, without tax values, to the dead-letter
// stream. Whoever made them, neither the stream nor the log gets a tax value.
func (p *Projector) sendDeadLetters(ctx context.Context, dls []ledger.DeadLetter) error {
	pipe := p.rdb.Pipeline()
	for _, dl := range dls {
		dl = dl.WithoutTax()
		dl.Consumer = p.cfg.Consumer
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: p.cfg.DeadLetterStream, Values: dl.Values()})
		p.log.Warn("dead-lettered an entry", "id", dl.Entry.ID, "reason", dl.Reason)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("send %d dead letters to %s: %w", len(dls), p.cfg.DeadLetterStream, err)
	}
	return nil
}
