package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

// failingStore fails every attempt, as a batch that cannot get through does, until
// its context ends.
type failingStore struct{}

func (failingStore) ApplyRetrying(ctx context.Context, _ string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error) {
	err := errors.New("save message: injected failure")
	for attempt := 1; ; attempt++ {
		wait := bo.NextBackOff()
		onFailure(store.Failure{First: entries[0].ID, Count: len(entries), Attempt: attempt, Err: err, Wait: wait})
		if wait == backoff.Stop {
			return store.Result{}, err
		}
		time.Sleep(min(wait, 20*time.Millisecond))
	}
}

// While a batch keeps failing, /readyz says not ready and why, /metrics counts the
// failed attempts and `backend status` names the entry and the error.
func TestHealthTellsOfAFailingBatch(t *testing.T) {
	rs, d, _ := testRouters(t, "", serverLimits{})
	h := rs.ops // /readyz and /metrics are the operators'
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	t.Cleanup(func() { rdb.Close() })
	stream := fmt.Sprintf("test:health:%d", rand.Uint64())
	t.Cleanup(func() { rdb.Del(context.Background(), stream, stream+":dead", projector.FailingKey(stream, "g")) })
	d.rdb, d.cfg.stream, d.cfg.deadStream = rdb, stream, stream+":dead"
	if rec := get(h, "/readyz", ""); rec.Code != http.StatusOK {
		t.Fatalf("/readyz before: %d %s", rec.Code, rec.Body)
	}
	id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: map[string]any{"agt": "broker", "typ": "user_input", "cid": "c1"}}).Result()
	if err != nil {
		t.Fatal(err)
	}

	p := projector.New(rdb, failingStore{}, projector.Config{Stream: stream, Group: "g", Consumer: "c9",
		DeadLetterStream: stream + ":dead", Block: 20 * time.Millisecond}, d.log)
	d.failing = p.Failing
	p.OnFailure = func(f store.Failure) {
		for _, o := range d.onFailure {
			o(f)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	for f, _ := p.Failing(); f.Attempts < 3; f, _ = p.Failing() {
		time.Sleep(5 * time.Millisecond)
	}

	rec := get(h, "/readyz", "")
	var hr health
	if err := json.Unmarshal(rec.Body.Bytes(), &hr); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || hr.Ready || hr.Failing == nil ||
		!strings.Contains(hr.Reason, id) || !strings.Contains(hr.Reason, "injected failure") {
		t.Errorf("/readyz while failing: %d %s", rec.Code, rec.Body)
	}

	m := get(h, "/metrics", "").Body.String()
	var n float64
	if _, err := fmt.Sscan(after(m, `billie_projector_apply_failures_total{kind="data"} `), &n); err != nil || n < 3 {
		t.Errorf("failures counted: %v, %v in\n%s", n, err, after(m, "billie_projector_apply_failures_total"))
	}

	cfg := &config{redisURL: "redis://127.0.0.1:6379/0", db: filepath.Join(t.TempDir(), "status.db"), stream: stream, group: "g", deadStream: stream + ":dead"}
	// A dead letter sent to the stream by some earlier run: the stream counts it, the
	// database (where dead letters wait for a retry or drop) has none.
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream + ":dead", Values: map[string]any{"x_reason": "old"}}).Err(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runStatus(ctx, cfg, &out); err != nil {
		t.Fatal(err)
	}
	var rep statusReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Failing) != 1 || rep.Failing[0].First != id || rep.Failing[0].Consumer != "c9" ||
		!strings.Contains(rep.Failing[0].Error, "injected failure") || rep.Failing[0].Attempts < 3 {
		t.Errorf("status: %s", out.String())
	}
	if rep.Length != 1 || rep.Pending != 1 || rep.Consumers != 1 || rep.LeaseHolder != "c9" || rep.DeadLetterStreamLength != 1 || rep.DeadLetters != 0 {
		t.Errorf("status: %s", out.String())
	}
}

// after is what follows the first occurrence of s in text, or "".
func after(text, s string) string {
	if i := strings.Index(text, s); i >= 0 {
		return text[i+len(s):]
	}
	return ""
}
