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

// publisher holds one Publish call's state.
type publisher struct {
	rdb      redis.UniversalClient
	stream   string
	g        *Generator
	o        PublishOptions
	progress func(Stats)
	stats    Stats
	begin    time.Time
	deadline time.Time // zero: none
	reported time.Time
	held     *Entry // next entry, read but not yet sent
	batch    []Entry
	bucket   tokenBucket
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
	p.batch = make([]Entry, 0, p.o.Batch)
	return p
}

func (p *publisher) run(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("publish stopped: %w", err)
		}
		if p.expired(time.Now()) {
			return nil
		}
		done, err := p.fill(ctx)
		if err != nil {
			return err
		}
		if err := p.flush(ctx); err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

func (p *publisher) expired(now time.Time) bool {
	return !p.deadline.IsZero() && !now.Before(p.deadline)
}

// fill collects the next batch. In Live mode it stops at the first entry in
// the future and, if nothing is collected yet, waits for it. done reports
// that the generator has no more entries.
func (p *publisher) fill(ctx context.Context) (done bool, err error) {
	for len(p.batch) < p.o.Batch {
		if p.held == nil {
			e, ok := p.g.Next()
			if !ok {
				return true, nil
			}
			p.held = &e
		}
		if p.o.Live && p.held.At.After(time.Now()) {
			if len(p.batch) > 0 {
				return false, nil
			}
			if stop, err := p.sleepUntil(ctx, p.held.At); stop || err != nil {
				return stop, err
			}
			continue
		}
		p.batch = append(p.batch, *p.held)
		p.held = nil
	}
	return false, nil
}

// flush paces and sends the collected batch.
func (p *publisher) flush(ctx context.Context) error {
	if len(p.batch) == 0 {
		return nil
	}
	if p.o.Rate > 0 {
		if stop, err := p.sleepUntil(ctx, p.bucket.take(len(p.batch), time.Now())); stop || err != nil {
			p.bucket.refund(len(p.batch))
			return err
		}
	}
	err := p.send(ctx)
	p.batch = p.batch[:0]
	p.report(time.Now())
	return err
}

// send writes the batch in one pipeline. It runs detached from ctx's
// cancellation so a batch on the wire finishes and Sent stays exact.
func (p *publisher) send(ctx context.Context) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	pipe := p.rdb.Pipeline()
	for _, e := range p.batch {
		pipe.XAdd(sctx, &redis.XAddArgs{Stream: p.stream, Values: values(e.Fields)})
	}
	cmds, err := pipe.Exec(sctx)
	for i, cmd := range cmds {
		if cmd.Err() == nil {
			p.count(p.batch[i])
		}
	}
	if err != nil {
		return fmt.Errorf("publish: xadd batch of %d to %s: %w", len(p.batch), p.stream, err)
	}
	return nil
}

func (p *publisher) count(e Entry) {
	p.stats.Sent++
	if e.Fields["typ"] == "conversation_started" {
		p.stats.Conversations++
	}
}

// sleepUntil waits for t, reporting progress meanwhile. stop is true when the
// Duration deadline came first; err is set when ctx was cancelled.
func (p *publisher) sleepUntil(ctx context.Context, t time.Time) (stop bool, err error) {
	for {
		now := time.Now()
		if p.expired(now) {
			return true, nil
		}
		if !now.Before(t) {
			return false, nil
		}
		wake := earliest(t, p.reported.Add(progressEvery), p.deadline)
		timer := time.NewTimer(wake.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return true, fmt.Errorf("publish stopped: %w", ctx.Err())
		case now = <-timer.C:
		}
		p.report(now)
	}
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

// values lays out fields in the producer's order, then any others sorted, so
// the stream content is deterministic.
func values(f map[string]string) []string {
	envelopeOrder := [...]string{"agt", "typ", "cid", "aid", "uid", "seq", "tsp", "dat"}
	out := make([]string, 0, 2*len(f))
	seen := 0
	for _, k := range envelopeOrder {
		if v, ok := f[k]; ok {
			out = append(out, k, v)
			seen++
		}
	}
	if seen == len(f) {
		return out
	}
	var extra []string
	for k := range f {
		if !slices.Contains(envelopeOrder[:], k) {
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
