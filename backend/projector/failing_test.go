package projector

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// stuck is a store whose first batch fails until released.
type stuck struct {
	*store.Store
	once    sync.Once
	release chan struct{}
}

func (s *stuck) ApplyRetrying(ctx context.Context, cp string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error) {
	s.once.Do(func() {
		onFailure(store.Failure{First: entries[0].ID, Count: len(entries), Attempt: 1, Err: errors.New("injected failure")})
		<-s.release
	})
	return s.Store.ApplyRetrying(ctx, cp, entries, bo, onFailure)
}

// start runs p until the test ends.
func start(t *testing.T, p *Projector) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

// While a batch keeps failing the projector says which and why, in memory (for
// /readyz) and in Redis (for `backend status`); once it is through, it says nothing.
func TestFailingBatchIsReportedUntilItIsThrough(t *testing.T) {
	h := newHarness(t)
	t.Cleanup(func() { h.rdb.Del(context.Background(), FailingKey(h.stream, h.cfg.Group)) })
	st := &stuck{Store: h.st, release: make(chan struct{})}
	p := New(h.rdb, st, h.cfg, quiet)
	var failures int
	var mu sync.Mutex
	p.OnFailure = func(store.Failure) { mu.Lock(); failures++; mu.Unlock() }
	ids := h.add(fixture(t)...)
	start(t, p)
	var f Failing
	for ok := false; !ok; _, ok = p.Failing() {
		time.Sleep(5 * time.Millisecond)
	}
	f, _ = p.Failing()
	if f.First != ids[0] || f.Error != "injected failure" || f.Attempts != 1 || f.Consumer != "c1" || f.Since.IsZero() {
		t.Errorf("failing = %+v", f)
	}
	recs, err := ReadFailing(context.Background(), h.rdb, h.stream, h.cfg.Group)
	if err != nil || len(recs) != 1 || recs[0].First != ids[0] || recs[0].Error != "injected failure" || recs[0].Consumer != "c1" {
		t.Errorf("recorded in Redis: %+v, %v", recs, err)
	}
	close(st.release)
	h.waitApplied(ids[len(ids)-1])
	if f, ok := p.Failing(); ok {
		t.Errorf("still failing after the batch went through: %+v", f)
	}
	if recs, err := ReadFailing(context.Background(), h.rdb, h.stream, h.cfg.Group); err != nil || len(recs) != 0 {
		t.Errorf("still recorded in Redis: %+v, %v", recs, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if failures != 1 {
		t.Errorf("OnFailure heard of %d failures, want 1", failures)
	}
}

// A batch that committed but could not be dead-lettered or acknowledged at once is
// not applied again: its entries are counted once, as what they were, not as
// redelivered for every retry.
func TestRetriedAcknowledgementRedeliversNothing(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// A key of the wrong type: sending the dead letter fails until it is removed.
	if err := h.rdb.Set(ctx, h.cfg.DeadLetterStream, "in the way", 0).Err(); err != nil {
		t.Fatal(err)
	}
	ids := h.add(
		map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1", "seq": "1", "dat": "{broken"},
		map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1", "seq": "2", "dat": `{"utterance":"fine"}`},
	)
	cfg := h.cfg
	p := New(h.rdb, h.st, cfg, quiet)
	var mu sync.Mutex
	var batches store.Counts
	p.OnBatch = func(res store.Result, _ time.Duration) { mu.Lock(); batches.Add(res.Counts); mu.Unlock() }
	p.OnFailure = func(f store.Failure) {
		if f.Attempt == 2 {
			h.rdb.Del(ctx, h.cfg.DeadLetterStream)
		}
	}
	start(t, p)
	h.waitApplied(ids[len(ids)-1])
	c := h.counts()
	mu.Lock()
	defer mu.Unlock()
	for _, got := range []store.Counts{c, batches} {
		if got.Redelivered != 0 || got.Applied != 1 || got.DeadLettered != 1 {
			t.Errorf("counts %+v, want 1 applied, 1 dead-lettered, none redelivered", got)
		}
	}
	if n, err := h.rdb.XLen(ctx, h.cfg.DeadLetterStream).Result(); err != nil || n != 1 {
		t.Errorf("dead letters = %d, %v", n, err)
	}
}

// An entry that names its conversation twice, differently, is dead-lettered with
// both names, in the order sent.
func TestRepeatedFieldsReachTheDeadLetterWhole(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	id, err := h.rdb.Do(ctx, "XADD", h.stream, "*", "agt", "broker", "typ", "user_input", "cid", "c1",
		"dat", `{"utterance":"hi"}`, "cid", "c2").Text()
	if err != nil {
		t.Fatal(err)
	}
	start(t, New(h.rdb, h.st, h.cfg, quiet))
	h.waitApplied(id)
	v, err := h.rdb.Do(ctx, "XRANGE", h.cfg.DeadLetterStream, "-", "+").Slice()
	if err != nil || len(v) != 1 {
		t.Fatalf("dead letters: %v, %v", v, err)
	}
	var cids []any
	var reason any
	pairs := v[0].([]any)[1].([]any)
	for i := 0; i+1 < len(pairs); i += 2 {
		switch pairs[i] {
		case "cid":
			cids = append(cids, pairs[i+1])
		case "x_reason":
			reason = pairs[i+1]
		}
	}
	if len(cids) != 2 || cids[0] != "c1" || cids[1] != "c2" || reason != "field cid is given different values" {
		t.Errorf("dead letter keeps cid %v, reason %v", cids, reason)
	}
}
