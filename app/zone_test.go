package app

import (
	"context"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/store"
)

// The desktop reads times written without a zone in the producer's zone it was
// given, and a cache read in another zone is read again.
func TestDesktopReadsTimesInTheProducersZone(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	last := xadd(t, rdb, stream, map[string]any{"agt": "broker", "typ": "user_input", "cid": "conv-z", "seq": "1",
		"tsp": "2026-11-24 20:14:02", "dat": `{"utterance":"hi","created_at":"2026-11-24T20:14:03.5"}`})
	backend := newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zone           *time.Location
		started, msgAt time.Time
	}{
		{sydney, time.Date(2026, 11, 24, 9, 14, 2, 0, time.UTC), time.Date(2026, 11, 24, 9, 14, 3, 5e8, time.UTC)},
		{nil, time.Date(2026, 11, 24, 20, 14, 2, 0, time.UTC), time.Date(2026, 11, 24, 20, 14, 3, 5e8, time.UTC)},
	} {
		a := newApp(options{defaults: env.defaults(), open: store.Open, now: time.Now, log: quiet, zone: tc.zone,
			consumer: consumerConfig{Count: 100, MaxApply: 300, Block: 100 * time.Millisecond, InfoEvery: 100 * time.Millisecond}})
		a.start(context.Background(), newEvents().emit)
		caughtUp(t, a, last, 10*time.Second)
		signIn(t, a, backend)
		d, err := a.GetConversation("conv-z")
		if err != nil {
			t.Fatal(err)
		}
		if !d.Conversation.StartedAt.Equal(tc.started) || len(d.Messages) != 1 || !d.Messages[0].At.Equal(tc.msgAt) {
			t.Errorf("in %v: started %v, messages %+v; want %v, %v", tc.zone, d.Conversation.StartedAt, d.Messages, tc.started, tc.msgAt)
		}
		a.Shutdown(context.Background())
	}
}
