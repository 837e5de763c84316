package simulator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// PublishOptions control how Publish paces entries.
type PublishOptions struct {
	Rate     float64       // max events per second; 0 means unlimited
	Duration time.Duration // stop after this long; 0 means until the generator is done
	Live     bool          // send entries due in the past at once, then wait for each future entry's At
	Batch    int           // XADDs per pipeline round trip; default 500
}

// Stats report what Publish has sent so far.
type Stats struct {
	Sent          int           // entries written to the stream
	Conversations int           // conversation_started entries among them
	Elapsed       time.Duration // since Publish began
}

// DefaultStream is the producer's stream key, used when neither the stream
// argument nor Options.Stream names one.
const DefaultStream = "chatLedger"

const (
	defaultBatch   = 500
	progressEvery  = time.Second
	flushTimeout   = 30 * time.Second
	ratedBatchesPS = 20 // rate-limited sends per second, for smooth pacing
)

// Publish writes g's entries to stream with pipelined XADD until g is done,
// o.Duration has passed or ctx is cancelled. An empty stream falls back to
// the generator's Options.Stream, then DefaultStream. progress, if not nil,
// is called about once a second and once at the end.
//
// A batch already sent to Redis is always completed, so Stats.Sent is exact
// even when ctx is cancelled; the returned error then wraps ctx.Err().
// Reaching o.Duration is a normal end and returns no error.
func Publish(ctx context.Context, rdb redis.UniversalClient, stream string, g *Generator, o PublishOptions, progress func(Stats)) (Stats, error) {
	if rdb == nil || g == nil {
		return Stats{}, errors.New("publish: redis client and generator are required")
	}
	if o.Rate < 0 || o.Batch < 0 || o.Duration < 0 {
		return Stats{}, fmt.Errorf("publish: negative option in %+v", o)
	}
	p := newPublisher(rdb, streamKey(stream, g), g, o, progress)
	err := p.run(ctx)
	p.stats.Elapsed = time.Since(p.begin)
	if progress != nil {
		progress(p.stats)
	}
	return p.stats, err
}

func streamKey(stream string, g *Generator) string {
	switch {
	case stream != "":
		return stream
	case g.opts.Stream != "":
		return g.opts.Stream
	}
	return DefaultStream
}

// publisher holds one Publish call's state. A producer goroutine generates
// and encodes batches (and does the Live waiting) while the caller's
// goroutine paces and sends them, so generation overlaps Redis round trips;
// batches still go out one at a time and in order.
type publisher struct {
	rdb      redis.UniversalClient
	stream   string
	g        *Generator
	o        PublishOptions
	progress func(Stats)
	begin    time.Time
	deadline time.Time // zero: none

	// owned by the sending goroutine
	stats    Stats
	reported time.Time
	bucket   tokenBucket

	// owned by the producer goroutine
	held *Entry // next entry, read but not yet batched
}

// batch is a run of encoded XADD commands.
type batch struct {
	args   [][]any
	starts []bool // entry i is a conversation_started
}

func newPublisher(rdb redis.UniversalClient, stream string, g *Generator, o PublishOptions, progress func(Stats)) *publisher {
	if o.Batch == 0 {
		o.Batch = defaultBatch
	}
	now := time.Now()
	p := &publisher{rdb: rdb, stream: stream, g: g, o: o, progress: progress, begin: now, reported: now}
	if o.Duration > 0 {
		p.deadline = now.Add(o.Duration)
	}
	if o.Rate > 0 {
		// Small batches at ~20 sends a second keep the stream smooth.
		p.o.Batch = max(1, min(o.Batch, int(o.Rate/ratedBatchesPS)))
		p.bucket = tokenBucket{rate: o.Rate, capacity: float64(p.o.Batch), tokens: float64(p.o.Batch), last: now}
	}
	return p
}

func (p *publisher) run(ctx context.Context) error {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 2)
	produced := make(chan error, 1)
	go func() {
		defer close(batches)
		produced <- p.produce(pctx, batches)
	}()
	err := p.consume(ctx, batches)
	cancel()
	for range batches { // let the producer finish before returning
	}
	if perr := <-produced; err == nil && perr != nil && ctx.Err() != nil {
		err = perr
	}
	return err
}

// consume paces and sends batches until the producer is done, the deadline
// passes, ctx is cancelled or Redis fails; it also reports progress.
func (p *publisher) consume(ctx context.Context, batches <-chan batch) error {
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("publish stopped: %w", ctx.Err())
		case now := <-tick.C:
			p.report(now)
		case b, ok := <-batches:
			if !ok || p.expired(time.Now()) {
				return nil
			}
			if stop, err := p.pace(ctx, len(b.args)); stop || err != nil {
				return err
			}
			if err := p.send(ctx, b); err != nil {
				return err
			}
			p.report(time.Now())
		}
	}
}

// pace waits for rate tokens. stop is true when the deadline or ctx came first.
func (p *publisher) pace(ctx context.Context, n int) (stop bool, err error) {
	if p.o.Rate <= 0 {
		return false, nil
	}
	stop, err = sleepUntil(ctx, p.bucket.take(n, time.Now()), p.deadline)
	if stop {
		p.bucket.refund(n)
	}
	return stop, err
}

func (p *publisher) expired(now time.Time) bool {
	return !p.deadline.IsZero() && !now.Before(p.deadline)
}

// produce generates batches until the generator is done, the deadline passes
// or ctx is cancelled. In Live mode a batch ends at the first entry in the
// future, which is then waited for.
func (p *publisher) produce(ctx context.Context, out chan<- batch) error {
	for {
		b, done, err := p.fill(ctx)
		if len(b.args) > 0 {
			select {
			case out <- b:
			case <-ctx.Done():
				return fmt.Errorf("publish stopped: %w", ctx.Err())
			}
		}
		if done || err != nil {
			return err
		}
	}
}

func (p *publisher) fill(ctx context.Context) (b batch, done bool, err error) {
	b = batch{args: make([][]any, 0, p.o.Batch), starts: make([]bool, 0, p.o.Batch)}
	for len(b.args) < p.o.Batch {
		if p.held == nil {
			e, ok := p.g.Next()
			if !ok {
				return b, true, nil
			}
			p.held = &e
		}
		if p.o.Live && p.held.At.After(time.Now()) {
			if len(b.args) > 0 {
				return b, false, nil
			}
			if stop, err := sleepUntil(ctx, p.held.At, p.deadline); stop || err != nil {
				return b, true, err
			}
			continue
		}
		b.args = append(b.args, xaddArgs(p.stream, p.held.Fields))
		b.starts = append(b.starts, p.held.Fields["typ"] == "conversation_started")
		p.held = nil
	}
	return b, p.expired(time.Now()), nil
}

// send writes a batch in one pipeline. It runs detached from ctx's
// cancellation so a batch on the wire finishes and Sent stays exact.
func (p *publisher) send(ctx context.Context, b batch) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	pipe := p.rdb.Pipeline()
	for _, args := range b.args {
		pipe.Do(sctx, args...)
	}
	cmds, err := pipe.Exec(sctx)
	for i, cmd := range cmds {
		if cmd.Err() == nil {
			p.stats.Sent++
			if b.starts[i] {
				p.stats.Conversations++
			}
		}
	}
	if err != nil {
		return fmt.Errorf("publish: xadd batch of %d to %s: %w", len(b.args), p.stream, err)
	}
	return nil
}

// sleepUntil waits for t. stop is true when the deadline (if not zero) comes
// first or ctx is cancelled; err is set in the latter case.
func sleepUntil(ctx context.Context, t, deadline time.Time) (stop bool, err error) {
	wake := earliest(t, deadline)
	if d := time.Until(wake); d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return true, fmt.Errorf("publish stopped: %w", ctx.Err())
		case <-timer.C:
		}
	}
	return wake.Before(t), nil
}

func (p *publisher) report(now time.Time) {
	if p.progress == nil || now.Sub(p.reported) < progressEvery {
		return
	}
	p.reported = now
	p.stats.Elapsed = now.Sub(p.begin)
	p.progress(p.stats)
}

// earliest returns the earliest non-zero time.
func earliest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}

// xaddArgs encodes XADD stream * with the fields in the producer's order,
// then any others sorted, so the stream content is deterministic.
func xaddArgs(stream string, f map[string]string) []any {
	order := [...]string{"agt", "typ", "cid", "aid", "uid", "seq", "tsp", "dat"}
	out := make([]any, 0, 3+2*len(f))
	out = append(out, "XADD", stream, "*")
	for _, k := range order {
		if v, ok := f[k]; ok {
			out = append(out, k, v)
		}
	}
	if len(out) == 3+2*len(f) {
		return out
	}
	var extra []string
	for k := range f {
		if !slices.Contains(order[:], k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		out = append(out, k, f[k])
	}
	return out
}

// tokenBucket paces sends: tokens accrue at rate per second up to capacity,
// so at most capacity + rate*elapsed entries are ever sent.
type tokenBucket struct {
	rate, capacity, tokens float64
	last                   time.Time
}

// take reserves n tokens and returns when they are available.
func (b *tokenBucket) take(n int, now time.Time) time.Time {
	b.tokens = min(b.capacity, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens -= float64(n)
	if b.tokens >= 0 {
		return now
	}
	return now.Add(time.Duration(-b.tokens / b.rate * float64(time.Second)))
}

// refund returns tokens reserved for a batch that was not sent.
func (b *tokenBucket) refund(n int) { b.tokens += float64(n) }
