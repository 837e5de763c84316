package projector

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
)

// Failing is the batch in hand while it keeps failing: what an operator needs to see a
// stall and tell an outage (infrastructure) from an entry the store cannot take.
type Failing struct {
	Consumer string `json:"consumer"`
	// First is the ID of the first entry of what failed; Count how many entries it held.
	First          string    `json:"firstEntryId"`
	Count          int       `json:"entries"`
	Attempts       int       `json:"attempts"`
	Error          string    `json:"error"`
	Infrastructure bool      `json:"infrastructure"`
	Since          time.Time `json:"since"`
	Last           time.Time `json:"lastAttemptAt"`
}

// failingTTL is how long the failure record in Redis outlives the last failed attempt,
// so a projector that died while failing does not leave it there for good.
const failingTTL = 10 * time.Minute

// FailingKey is the Redis hash where each member of group on stream records, under
// its consumer name, the batch that keeps failing (a Failing as JSON), for `backend
// status`, which runs in another process.
func FailingKey(stream, group string) string { return stream + ":" + group + ":failing" }

// failingState is the failure of the batch in hand, for /readyz.
type failingState struct {
	mu  sync.Mutex
	cur *Failing
	// recorded is whether a failure record is in Redis to remove.
	recorded bool
}

// Failing is the batch in hand while it keeps failing; false once it, or a later one,
// commits and is acknowledged.
func (p *Projector) Failing() (Failing, bool) {
	p.failing.mu.Lock()
	defer p.failing.mu.Unlock()
	if p.failing.cur == nil {
		return Failing{}, false
	}
	return *p.failing.cur, true
}

// failed records one failed attempt: in memory, in Redis, in the log and with
// OnFailure.
func (p *Projector) failed(f store.Failure) {
	now := time.Now()
	p.failing.mu.Lock()
	cur := p.failing.cur
	if cur == nil || cur.First != f.First {
		cur = &Failing{Consumer: p.cfg.Consumer, First: f.First, Since: now}
		p.failing.cur = cur
	}
	cur.Count, cur.Error, cur.Infrastructure, cur.Last = f.Count, f.Err.Error(), f.Infrastructure, now
	cur.Attempts++
	rec := *cur
	p.failing.recorded = true
	p.failing.mu.Unlock()

	p.log.Error("batch failed; retrying", "first", f.First, "count", f.Count, "attempt", rec.Attempts,
		"infrastructure", f.Infrastructure, "err", f.Err, "in", f.Wait)
	if p.OnFailure != nil {
		p.OnFailure(f)
	}
	doc, err := json.Marshal(rec)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	key := FailingKey(p.cfg.Stream, p.cfg.Group)
	pipe := p.rdb.TxPipeline()
	pipe.HSet(ctx, key, rec.Consumer, doc)
	pipe.Expire(ctx, key, failingTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		p.log.Warn("recording the failing batch in Redis", "err", err)
	}
}

// recovered clears the failure once a batch is through.
func (p *Projector) recovered() {
	p.failing.mu.Lock()
	p.failing.cur = nil
	recorded := p.failing.recorded
	p.failing.recorded = false
	p.failing.mu.Unlock()
	if !recorded {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.rdb.HDel(ctx, FailingKey(p.cfg.Stream, p.cfg.Group), p.cfg.Consumer).Err(); err != nil {
		p.log.Warn("removing the failing batch record from Redis", "err", err)
		p.failing.mu.Lock()
		p.failing.recorded = true // try again after the next batch
		p.failing.mu.Unlock()
	}
}

// ReadFailing reads the batches that keep failing in the members of group on stream.
func ReadFailing(ctx context.Context, rdb redis.UniversalClient, stream, group string) ([]Failing, error) {
	key := FailingKey(stream, group)
	m, err := rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	out := make([]Failing, 0, len(m))
	for consumer, doc := range m {
		f := Failing{Consumer: consumer}
		if err := json.Unmarshal([]byte(doc), &f); err != nil {
			f.Error = "unreadable failure record: " + doc
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Failing) int { return strings.Compare(a.Consumer, b.Consumer) })
	return out, nil
}
