package projector

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/store"
)

// readAs reads the next new entries as consumer and never acknowledges them: a
// consumer that crashed, or ran under a name the next start does not use.
func (h *harness) readAs(consumer string, count int) []ledger.Entry {
	h.t.Helper()
	ctx := context.Background()
	if err := h.rdb.XGroupCreateMkStream(ctx, h.stream, h.cfg.Group, "0").Err(); err != nil && err.Error() != "BUSYGROUP Consumer Group name already exists" {
		h.t.Fatal(err)
	}
	res, err := h.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: h.cfg.Group, Consumer: consumer, Streams: []string{h.stream, ">"}, Count: int64(count), Block: -1,
	}).Result()
	if err != nil || len(res) == 0 {
		h.t.Fatalf("read as %s: %v", consumer, err)
	}
	entries := make([]ledger.Entry, len(res[0].Messages))
	for i, m := range res[0].Messages {
		entries[i] = ledger.Entry{ID: m.ID, Fields: ledger.FieldsOf(m.Values)}
	}
	return entries
}

func amountChanged(amount string) map[string]string {
	return map[string]string{"agt": "broker", "typ": "applicationDetail_changed", "cid": "conv-order", "aid": "APP-ORDER",
		"tsp": "2026-11-30T10:00:00Z", "dat": `{"applicationNumber":"APP-ORDER","loanAmount":` + amount + `}`}
}

// The minimal case: an entry left pending by a consumer that crashed (or was
// renamed) is applied before the later entry, not over it.
func TestEntryLeftPendingByAnotherConsumerIsAppliedBeforeLaterOnes(t *testing.T) {
	h := newHarness(t)
	h.add(amountChanged("500"))
	if got := h.readAs("crashed", 100); len(got) != 1 {
		t.Fatalf("crashed consumer read %d entries", len(got))
	}
	ids := h.add(amountChanged("900"))
	cfg := h.cfg
	cfg.Consumer = "live"
	stop := h.run(cfg)
	h.waitApplied(ids[0])
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	app, err := h.st.Application(context.Background(), "APP-ORDER")
	if err != nil || app == nil {
		t.Fatalf("application: %v, %v", app, err)
	}
	if got := app.Detail["loanAmount"]; got != 900.0 {
		t.Errorf("loanAmount = %v, want 900: the later entry must win", got)
	}
}

// failingApplier fails every attempt while fail is set, as a store whose disk is
// gone does, retrying as the store would until the backoff stops.
type failingApplier struct {
	Applier
	fail     atomic.Bool
	attempts atomic.Int64
}

func (f *failingApplier) ApplyRetrying(ctx context.Context, checkpoint string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error) {
	for attempt := 1; f.fail.Load(); attempt++ {
		f.attempts.Add(1)
		err := errors.New("disk on fire")
		wait := bo.NextBackOff()
		onFailure(store.Failure{First: entries[0].ID, Count: len(entries), Attempt: attempt, Err: err, Infrastructure: true, Wait: wait})
		if wait == backoff.Stop {
			return store.Result{}, err
		}
		time.Sleep(min(wait, 20*time.Millisecond))
	}
	return f.Applier.ApplyRetrying(ctx, checkpoint, entries, bo, onFailure)
}

// watchLog is a logger that tells lost about the projector's message on losing the
// lease.
func watchLog(lost chan<- struct{}) *slog.Logger {
	return slog.New(handlerFunc(func(r slog.Record) {
		if strings.HasPrefix(r.Message, "lost the group's lease") {
			select {
			case lost <- struct{}{}:
			default:
			}
		}
	}))
}

type handlerFunc func(slog.Record)

func (f handlerFunc) Enabled(context.Context, slog.Level) bool { return true }
func (f handlerFunc) Handle(_ context.Context, r slog.Record) error {
	f(r)
	return nil
}
func (f handlerFunc) WithAttrs([]slog.Attr) slog.Handler { return f }
func (f handlerFunc) WithGroup(string) slog.Handler      { return f }

// A holder that loses the lease while a batch keeps failing stands by instead of
// ending with the batch's error, and projects again once it gets the lease back.
func TestLosingTheLeaseDuringARetriedBatchStandsBy(t *testing.T) {
	h := newHarness(t)
	ids := h.add(fixture(t)...)
	ctx := context.Background()
	fa := &failingApplier{Applier: h.st}
	fa.fail.Store(true)
	lost := make(chan struct{}, 1)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- New(h.rdb, fa, h.cfg, watchLog(lost)).Run(runCtx) }()
	for fa.attempts.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// Another consumer takes the lease over, as after an expiry.
	key := reader.LeaseKey(h.stream, h.cfg.Group)
	defer h.rdb.Del(ctx, key)
	h.rdb.Del(ctx, key)
	other := reader.NewLease(h.rdb, h.stream, h.cfg.Group, "other", time.Hour)
	if ok, err := other.Acquire(ctx, false); !ok || err != nil {
		t.Fatalf("other: %v, %v", ok, err)
	}
	select {
	case err := <-done:
		t.Fatalf("Run ended with %v after losing the lease; want it standing by", err)
	case <-lost:
	}
	fa.fail.Store(false)
	if err := other.Release(ctx); err != nil {
		t.Fatal(err)
	}
	h.waitApplied(ids[len(ids)-1])
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	h.checkFixture()
}
