package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

func TestCoalescerTurnsManyBatchesIntoFewEmits(t *testing.T) {
	ev := newEvents()
	var mu sync.Mutex
	enabled := true
	cards := func(_ context.Context, ids []string) ([]ConversationCard, error) {
		out := make([]ConversationCard, len(ids))
		for i, id := range ids {
			out[i] = ConversationCard{ID: id, Status: "Active"}
		}
		return out, nil
	}
	c := newCoalescer(75*time.Millisecond, ev.emit, cards, func() bool { mu.Lock(); defer mu.Unlock(); return enabled }, quiet)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.run(ctx)

	// 400 applied batches over about 400 ms: one conversation, one message each.
	const n = 400
	start := time.Now()
	for i := range n {
		id := fmt.Sprintf("conv-%03d", i%150)
		c.add(store.Changes{
			Conversations: []string{id},
			Messages:      []projection.Message{{ConversationID: id, StreamID: fmt.Sprintf("%d-0", i), Text: "hi", Sender: "customer"}},
			Applications:  []string{fmt.Sprintf("APP-%d", i%7)},
		})
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	waitFor(t, "every message emitted", 2*time.Second, func() bool {
		total := 0
		for _, b := range ev.batches() {
			total += len(b.Messages)
		}
		return total == n
	})
	batches := ev.batches()
	if max := int(elapsed/(75*time.Millisecond)) + 2; len(batches) > max {
		t.Errorf("%d emits for %d batches in %s; want at most %d", len(batches), n, elapsed, max)
	}
	convs, apps, msgs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var prev time.Time
	for _, b := range batches {
		for _, cd := range b.Conversations {
			convs[cd.ID] = true
		}
		for _, a := range b.Applications {
			apps[a] = true
		}
		for _, m := range b.Messages {
			if msgs[m.StreamID] {
				t.Errorf("message %s emitted twice", m.StreamID)
			}
			msgs[m.StreamID] = true
		}
	}
	ev.mu.Lock()
	for _, e := range ev.list {
		if !prev.IsZero() && e.at.Sub(prev) < 70*time.Millisecond {
			t.Errorf("two emits %s apart", e.at.Sub(prev))
		}
		prev = e.at
	}
	ev.mu.Unlock()
	if len(convs) != 150 || len(apps) != 7 {
		t.Errorf("emitted %d conversations and %d applications, want 150 and 7", len(convs), len(apps))
	}

	// Without a session nothing is emitted, and nothing is kept for later.
	mu.Lock()
	enabled = false
	mu.Unlock()
	before := len(ev.batches())
	c.add(store.Changes{Conversations: []string{"secret"}})
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	enabled = true
	mu.Unlock()
	c.add(store.Changes{Conversations: []string{"after"}})
	waitFor(t, "the next emit", time.Second, func() bool { return len(ev.batches()) > before })
	for _, b := range ev.batches()[before:] {
		for _, cd := range b.Conversations {
			if cd.ID == "secret" {
				t.Error("a change made while signed out was emitted later")
			}
		}
	}
}

func TestCoalescerBoundsPayloads(t *testing.T) {
	ev := newEvents()
	cards := func(_ context.Context, ids []string) ([]ConversationCard, error) {
		out := make([]ConversationCard, len(ids))
		for i, id := range ids {
			out[i] = ConversationCard{ID: id}
		}
		return out, nil
	}
	c := newCoalescer(75*time.Millisecond, ev.emit, cards, func() bool { return true }, quiet)
	var ch store.Changes
	for i := range 1000 {
		ch.Conversations = append(ch.Conversations, fmt.Sprintf("c%04d", i))
		ch.Messages = append(ch.Messages, projection.Message{StreamID: fmt.Sprintf("%d-0", i), Text: strings.Repeat("é", 5000),
			Rationale: strings.Repeat("r", 5000), AdditionalData: map[string]any{"blob": strings.Repeat("x", 5000)}})
	}
	c.add(ch)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.run(ctx)
	waitFor(t, "an emit", time.Second, func() bool { return len(ev.batches()) == 1 })
	b := ev.batches()[0]
	if len(b.Conversations) != maxBatchCards || b.Conversations[len(b.Conversations)-1].ID != "c0999" {
		t.Errorf("%d cards, last %s; want the newest %d", len(b.Conversations), b.Conversations[len(b.Conversations)-1].ID, maxBatchCards)
	}
	if len(b.Messages) != maxBatchMessages || b.Messages[len(b.Messages)-1].StreamID != "999-0" {
		t.Errorf("%d messages; want the newest %d", len(b.Messages), maxBatchMessages)
	}
	m := b.Messages[0]
	if len(m.Text) > maxMessageText+len("…") || !utf8.ValidString(m.Text) || len(deref(m.Rationale)) > maxRationale+len("…") ||
		m.AdditionalData != nil {
		t.Errorf("message not cut: text %d bytes, rationale %d, additional %v", len(m.Text), len(deref(m.Rationale)), m.AdditionalData != nil)
	}
}
