package projector

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
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
