package simulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testStream connects to the local Redis and returns a fresh stream key that
// is deleted when the test ends.
func testStream(t *testing.T) (*redis.Client, string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at 127.0.0.1:6379 not reachable (scripts/ensure-redis.sh starts one): %v", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	stream := "test:sim:" + hex.EncodeToString(b)
	t.Cleanup(func() {
		rdb.Del(context.Background(), stream)
		rdb.Close()
	})
	return rdb, stream
}

func newGen(t *testing.T, o Options) *Generator {
	t.Helper()
	if o.Start.IsZero() {
		o.Start = anchor
	}
	g, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

func TestPublishWritesEveryEntryInOrder(t *testing.T) {
	rdb, stream := testStream(t)
	o := Options{Conversations: 40, Seed: 41, Messy: true, History: 2 * time.Hour}
	want := generate(t, o)
	progressCalls := 0
	stats, err := Publish(context.Background(), rdb, stream, newGen(t, o), PublishOptions{Batch: 64},
		func(Stats) { progressCalls++ })
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if stats.Sent != len(want) || stats.Conversations != 40 || progressCalls == 0 {
		t.Fatalf("stats %+v (progress calls %d), want %d sent, 40 conversations", stats, progressCalls, len(want))
	}
	got, err := rdb.XRange(context.Background(), stream, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("stream has %d entries, want %d", len(got), len(want))
	}
	for i, msg := range got {
		fields := map[string]string{}
		for k, v := range msg.Values {
			fields[k] = v.(string)
		}
		if !reflect.DeepEqual(fields, want[i].Fields) {
			t.Fatalf("entry %d: got %v, want %v", i, fields, want[i].Fields)
		}
	}
}

func TestPublishStreamDefaults(t *testing.T) {
	tests := []struct {
		name, arg, opt, want string
	}{
		{"argument wins", "a", "b", "a"},
		{"options stream", "", "b", "b"},
		{"contract default", "", "", DefaultStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGen(t, Options{Stream: tt.opt})
			if got := streamKey(tt.arg, g); got != tt.want {
				t.Fatalf("streamKey = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPublishRateLimited(t *testing.T) {
	rdb, stream := testStream(t)
	const rate = 400.0
	o := PublishOptions{Rate: rate, Duration: 1500 * time.Millisecond}
	stats, err := Publish(context.Background(), rdb, stream, newGen(t, Options{Conversations: 500, Seed: 42}), o, nil)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	n, err := rdb.XLen(context.Background(), stream).Result()
	if err != nil {
		t.Fatalf("XLEN: %v", err)
	}
	burst := rate / ratedBatchesPS
	if int(n) != stats.Sent || stats.Sent == 0 || float64(stats.Sent) > burst+rate*stats.Elapsed.Seconds() {
		t.Fatalf("sent %d (stream %d) in %s at rate %.0f/s, burst %.0f", stats.Sent, n, stats.Elapsed, rate, burst)
	}
}

func TestPublishLiveWaitsForFutureEntries(t *testing.T) {
	rdb, stream := testStream(t)
	now := time.Now()
	// Half an hour of history, and conversations starting up to a day ahead.
	g := newGen(t, Options{Conversations: 60, Seed: 43, Start: now, History: 30 * time.Minute, Spread: 24 * time.Hour})
	stats, err := Publish(context.Background(), rdb, stream, g, PublishOptions{Live: true, Duration: 700 * time.Millisecond}, nil)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	all := generate(t, Options{Conversations: 60, Seed: 43, Start: now, History: 30 * time.Minute, Spread: 24 * time.Hour})
	due := 0
	for _, e := range all {
		if !e.At.After(now) {
			due++
		}
	}
	deadline := now.Add(stats.Elapsed)
	late := 0
	for _, e := range all[:stats.Sent] {
		if e.At.After(deadline) {
			late++
		}
	}
	if stats.Sent < due || stats.Sent >= len(all) || late > 0 {
		t.Fatalf("sent %d of %d (%d due at start, %d not due before stopping)", stats.Sent, len(all), due, late)
	}
}

func TestPublishStopsOnCancel(t *testing.T) {
	rdb, stream := testStream(t)
	ctx, cancel := context.WithCancel(context.Background())
	progress := func(s Stats) {
		if s.Sent > 0 {
			cancel()
		}
	}
	g := newGen(t, Options{Conversations: 2000, Seed: 44})
	stats, err := Publish(ctx, rdb, stream, g, PublishOptions{Rate: 2000}, progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	n, _ := rdb.XLen(context.Background(), stream).Result()
	if int(n) != stats.Sent || stats.Sent == 0 {
		t.Fatalf("stats.Sent = %d, stream has %d", stats.Sent, n)
	}
}

func TestTokenBucket(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := tokenBucket{rate: 10, capacity: 5, tokens: 5, last: t0}
	steps := []struct {
		n    int
		now  time.Duration
		wait time.Duration
	}{
		{5, 0, 0},                      // initial burst
		{5, 0, 500 * time.Millisecond}, // must wait for 5 tokens at 10/s
		{5, 500 * time.Millisecond, 500 * time.Millisecond},
		{1, 10 * time.Second, 0}, // idle refills, capped at capacity
	}
	for i, s := range steps {
		at := t0.Add(s.now)
		if got := b.take(s.n, at).Sub(at); got != s.wait {
			t.Fatalf("step %d: wait %s, want %s", i, got, s.wait)
		}
	}
}

func TestXAddArgs(t *testing.T) {
	tests := []struct {
		name string
		f    map[string]string
		want []any
	}{
		{"envelope order", map[string]string{"dat": "{}", "agt": "broker", "typ": "t", "seq": ""},
			[]any{"XADD", "s", "*", "agt", "broker", "typ", "t", "seq", "", "dat", "{}"}},
		{"extra fields sorted last", map[string]string{"zz": "1", "agt": "broker", "extra": "x"},
			[]any{"XADD", "s", "*", "agt", "broker", "extra", "x", "zz", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := xaddArgs("s", tt.f); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("xaddArgs = %v, want %v", got, tt.want)
			}
		})
	}
}
