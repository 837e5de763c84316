package app

// The desktop's stream consumer: the shared ledger reader with a tail source (XREAD,
// not a member of the backend's consumer group) that applies batches to the local
// cache through store.ApplyBatch, which moves the cache's own checkpoint in the same
// transaction. Restarting, or reconnecting after Redis went away, always resumes from
// that checkpoint, so nothing is applied twice and nothing is skipped. What is the
// desktop's own: the connection state the window shows, progress while catching up,
// and noticing entries trimmed away before they were read.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/store"
)

// consumerConfig names the stream and the checkpoint and tunes batching.
type consumerConfig struct {
	Stream     string
	Checkpoint string
	// Count is the COUNT of each XREAD.
	Count int
	// MaxApply bounds one ApplyBatch when reads have queued up, so catch-up commits
	// few large transactions while live updates commit at once.
	MaxApply int
	// Block is how long a read waits for new entries.
	Block time.Duration
	// InfoEvery is how often the stream's length is checked for progress and gaps.
	InfoEvery time.Duration
}

func (c *consumerConfig) defaults() {
	if c.Checkpoint == "" {
		c.Checkpoint = "desktop"
	}
	if c.Count <= 0 {
		c.Count = 1000
	}
	if c.MaxApply <= 0 {
		c.MaxApply = 10000
	}
	if c.Block <= 0 {
		c.Block = time.Second
	}
	if c.InfoEvery <= 0 {
		c.InfoEvery = time.Second
	}
}

// gap is a stretch of the stream that was trimmed (or deleted) before this cache
// read it: entries after From up to To were never applied.
type gap struct {
	From, To ledger.ID
	At       time.Time
}

// consumer reads the stream into the cache until its context ends.
type consumer struct {
	rdb   redis.UniversalClient
	st    *store.Store
	cfg   consumerConfig
	log   *slog.Logger
	track *tracker
	// onApplied is told about every committed batch (the coalescer listens).
	onApplied func(store.Result)
	// onGap is told about entries lost to trimming.
	onGap func(gap)
}

func newConsumer(rdb redis.UniversalClient, st *store.Store, cfg consumerConfig, log *slog.Logger, track *tracker) *consumer {
	cfg.defaults()
	return &consumer{rdb: rdb, st: st, cfg: cfg, log: log, track: track,
		onApplied: func(store.Result) {}, onGap: func(gap) {}}
}

// run consumes until ctx ends, reconnecting with backoff whenever Redis fails.
func (c *consumer) run(ctx context.Context) {
	bo := backoff.WithContext(reader.NewBackoff(), ctx)
	session := func() error {
		c.track.update(func(s *ConnectionState) { s.State = LinkConnecting })
		started := time.Now()
		err := c.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > time.Minute {
			bo.Reset() // a long healthy session earns a quick first retry
		}
		return err
	}
	lost := func(err error, wait time.Duration) {
		msg := err.Error()
		c.log.Warn("ledger connection lost; retrying", "err", msg, "in", wait)
		c.track.update(func(s *ConnectionState) {
			problem := plainProblem(err, s.RedisURL)
			s.State, s.Error, s.Problem, s.CatchingUp = LinkOffline, &msg, &problem, false
		})
	}
	_ = backoff.RetryNotify(session, bo, lost) // it ends only with ctx
}

// progress is what the reader and the applier share to tell how far behind the
// cache is. Redis counts every entry ever added to a stream (entries-added); the
// cache's place in that count is known exactly once it has read everything, and
// estimated before.
type progress struct {
	mu        sync.Mutex
	added     int64 // entries-added at the last XINFO
	readAdded int64 // entries-added up to the reader's position
	inflight  int64 // read but not applied yet
	full      bool  // the last read returned a full COUNT: a backlog is being replayed
	readPos   ledger.ID
	gapUntil  ledger.ID // gaps up to here are recorded
}

func (p *progress) behind() int64 {
	return max(0, p.added-p.readAdded+p.inflight)
}

// session is one connection's life: connect, read and apply until an error.
func (c *consumer) session(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("connect to Redis: %w", err)
	}
	pos, err := c.st.Checkpoint(ctx, c.cfg.Checkpoint)
	if err != nil {
		return fmt.Errorf("read the cache checkpoint: %w", err)
	}
	prog := &progress{readPos: pos, gapUntil: pos}
	if err := c.start(ctx, prog); err != nil {
		return err
	}
	src := &tailSource{c: c, prog: prog, tail: reader.NewTail(c.rdb, c.cfg.Stream, pos, c.cfg.Count, c.cfg.Block),
		nextInfo: time.Now().Add(c.cfg.InfoEvery)}
	apply := func(ctx context.Context, entries []ledger.Entry) error { return c.apply(ctx, prog, entries) }
	return reader.Run(ctx, src, apply, reader.Options{ReadAhead: readAhead, MaxApply: c.cfg.MaxApply,
		ProducerZone: c.st.ProducerZone()})
}

// readAhead is how many read batches may wait for the cache.
const readAhead = 4

// start reads the stream's state, records a gap if the stream was trimmed past the
// checkpoint, estimates how far behind the cache is and reports "connected".
func (c *consumer) start(ctx context.Context, prog *progress) error {
	info, ok, err := c.info(ctx)
	if err != nil {
		return err
	}
	prog.mu.Lock()
	prog.added = info.EntriesAdded
	prog.readAdded = info.EntriesAdded - estimateAfter(info, prog.readPos)
	prog.full = prog.behind() > 0
	prog.mu.Unlock()
	if ok {
		c.checkGap(info, prog)
	}
	c.report(prog, func(s *ConnectionState) {
		s.State, s.Error, s.LastAppliedID = LinkConnected, nil, idString(prog.readPos)
	})
	return nil
}

func idString(id ledger.ID) string {
	if id.IsZero() {
		return ""
	}
	return id.String()
}

// estimateAfter is how many entries of the stream come after pos: exact when pos is
// before the first entry or at the end, interpolated by time in between.
func estimateAfter(info *redis.XInfoStream, pos ledger.ID) int64 {
	if info.Length == 0 {
		return 0
	}
	first, err1 := ledger.ParseID(info.FirstEntry.ID)
	last, err2 := ledger.ParseID(info.LastGeneratedID)
	switch {
	case err1 != nil || err2 != nil || pos.Compare(first) < 0:
		return info.Length
	case pos.Compare(last) >= 0:
		return 0
	}
	span := float64(last.Ms-first.Ms) + 1
	return max(1, int64(float64(info.Length)*float64(last.Ms-pos.Ms)/span))
}

// info is XINFO STREAM; ok is false when the stream does not exist yet.
func (c *consumer) info(ctx context.Context) (*redis.XInfoStream, bool, error) {
	info, err := c.rdb.XInfoStream(ctx, c.cfg.Stream).Result()
	if err != nil && strings.Contains(err.Error(), "no such key") {
		return &redis.XInfoStream{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("XINFO STREAM %s: %w", c.cfg.Stream, err)
	}
	if info.EntriesAdded == 0 && info.Length > 0 {
		info.EntriesAdded = info.Length // Redis before 7 does not count; trims then skew progress
	}
	return info, true, nil
}

// checkGap records entries removed from the stream after the reader's position
// before it read them. XREAD itself goes on from the first entry still there.
func (c *consumer) checkGap(info *redis.XInfoStream, prog *progress) {
	prog.mu.Lock()
	from := prog.readPos
	if prog.gapUntil.Compare(from) > 0 {
		from = prog.gapUntil
	}
	to, ok := lostAfter(info, from)
	if ok {
		prog.gapUntil = to
	}
	prog.mu.Unlock()
	if !ok {
		return
	}
	g := gap{From: from, To: to, At: time.Now()}
	c.log.Warn("the stream lost entries this cache never read; continuing from the first entry left",
		"stream", c.cfg.Stream, "after", idString(g.From), "before", g.To.String())
	c.onGap(g)
}

// lostAfter tells whether entries after pos were removed unread, and up to where.
// Redis 7.0 records single deletions (max-deleted-entry-id) but not trims; a trim
// shows as entries-added exceeding the length with the first entry past pos. That
// is also what a trim ending exactly at pos looks like, so such a gap is possible
// rather than certain.
func lostAfter(info *redis.XInfoStream, pos ledger.ID) (ledger.ID, bool) {
	first, err := ledger.ParseID(info.FirstEntry.ID)
	if err != nil || info.Length == 0 {
		first = ledger.ID{}
	}
	if deleted, err := ledger.ParseID(info.MaxDeletedEntryID); err == nil && deleted.Compare(pos) > 0 {
		if first.Compare(deleted) > 0 {
			return first, true
		}
		return deleted, true
	}
	if info.EntriesAdded > info.Length && !first.IsZero() && pos.Compare(first) < 0 {
		return first, true
	}
	return ledger.ID{}, false
}

// tailSource is the tail of the stream plus the desktop's bookkeeping around each
// read: progress figures kept fresh and gaps noticed.
type tailSource struct {
	c        *consumer
	prog     *progress
	tail     *reader.Tail
	nextInfo time.Time
}

func (s *tailSource) Next(ctx context.Context) ([]ledger.Entry, error) {
	c := s.c
	if time.Now().After(s.nextInfo) {
		s.nextInfo = time.Now().Add(c.cfg.InfoEvery)
		if err := c.refresh(ctx, s.prog); err != nil {
			return nil, err
		}
	}
	entries, err := s.tail.Next(ctx)
	if err != nil {
		return nil, err
	}
	if len(entries) < c.cfg.Count {
		if err := c.caughtUp(ctx, s.prog, entries); err != nil {
			return nil, err
		}
	}
	if len(entries) > 0 {
		c.advance(s.prog, entries)
	}
	return entries, nil
}

func (c *consumer) advance(prog *progress, entries []ledger.Entry) {
	last, _ := ledger.ParseID(entries[len(entries)-1].ID) // the tail read it
	prog.mu.Lock()
	prog.readPos = last
	prog.readAdded += int64(len(entries))
	prog.inflight += int64(len(entries))
	if len(entries) == c.cfg.Count {
		prog.full = true
	}
	prog.mu.Unlock()
}

// caughtUp resynchronises the progress figures after a read that drained the
// stream: if nothing was added since, the reader is exactly at entries-added. The
// newest entry left counts as the end too: entries deleted after it were added but
// can never be read.
func (c *consumer) caughtUp(ctx context.Context, prog *progress, entries []ledger.Entry) error {
	info, ok, err := c.info(ctx)
	if err != nil {
		return err
	}
	prog.mu.Lock()
	prog.full = false
	prog.added = info.EntriesAdded
	at := prog.readPos.String()
	if len(entries) > 0 {
		at = entries[len(entries)-1].ID
	}
	if !ok || info.LastGeneratedID == at || info.LastEntry.ID == at {
		prog.readAdded = info.EntriesAdded - int64(len(entries)) // advance adds these back
	}
	prog.mu.Unlock()
	if ok {
		c.checkGap(info, prog)
	}
	c.report(prog, nil)
	return nil
}

// refresh updates the stream's entry count and looks for gaps.
func (c *consumer) refresh(ctx context.Context, prog *progress) error {
	info, ok, err := c.info(ctx)
	if err != nil {
		return err
	}
	prog.mu.Lock()
	prog.added = max(prog.added, info.EntriesAdded)
	prog.mu.Unlock()
	if ok {
		c.checkGap(info, prog)
	}
	c.report(prog, nil)
	return nil
}

// apply commits one batch, retrying in place as the backend's projector does: a batch
// that keeps failing with a data error is narrowed down to the entry at fault, which
// is left out, so one entry never stalls the cache; the retries stop with ctx. Once
// started, an attempt finishes even if ctx ends, so a stop keeps the batch in hand
// (the transaction makes this optional, not necessary).
func (c *consumer) apply(ctx context.Context, prog *progress, entries []ledger.Entry) error {
	failed := func(f store.Failure) {
		c.log.Warn("applying to the local cache failed; retrying", "first", f.First, "count", f.Count,
			"attempt", f.Attempt, "infrastructure", f.Infrastructure, "err", f.Err, "in", f.Wait)
	}
	res, err := c.st.ApplyRetrying(context.WithoutCancel(ctx), c.cfg.Checkpoint, entries,
		backoff.WithContext(reader.NewBackoff(), ctx), failed)
	if err != nil {
		return fmt.Errorf("apply to the local cache: %w", err)
	}
	n := int64(len(entries))
	prog.mu.Lock()
	prog.inflight -= n
	prog.mu.Unlock()
	c.onApplied(res)
	c.report(prog, func(s *ConnectionState) { s.Applied += n; s.LastAppliedID = idString(res.Last) })
	return nil
}

// report publishes the progress figures, plus whatever f changes.
func (c *consumer) report(prog *progress, f func(*ConnectionState)) {
	prog.mu.Lock()
	behind, full := prog.behind(), prog.full
	prog.mu.Unlock()
	c.track.update(func(s *ConnectionState) {
		if f != nil {
			f(s)
		}
		s.Behind = behind
		s.CatchingUp = full || behind >= int64(c.cfg.Count)
	})
}
