package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

// questionAndReply is a question and its reply whose time, at +02:00, is two hours
// before the question's in UTC: the stream puts the reply after the question.
func questionAndReply() []ledger.Entry {
	entry := func(id, typ, seq, dat string) ledger.Entry {
		return ledger.Entry{ID: id, Fields: map[string]string{"agt": "broker", "typ": typ, "cid": "conv-z",
			"aid": "APP-Z", "uid": "cust-z", "seq": seq, "tsp": "2026-11-24T10:00:00Z", "dat": dat}}
	}
	return []ledger.Entry{
		entry("1764000000000-0", "user_input", "1", `{"utterance":"may I borrow 500?","created_at":"2026-11-24T10:00:00Z"}`),
		entry("1764000000001-0", "assistant_response", "2", `{"u":"yes","created_at":"2026-11-24T10:00:05+02:00"}`),
	}
}

// TestTranscriptFollowsStreamOrder: the stored transcript, the supervisor card's last
// message and the portal's last message follow the stream, not the messages' times,
// whether the two arrive in one batch or two.
func TestTranscriptFollowsStreamOrder(t *testing.T) {
	ctx := context.Background()
	replyAt := time.Date(2026, 11, 24, 8, 0, 5, 0, time.UTC)
	for _, size := range []int{1, 2} {
		s := openAt(t, t.TempDir()+"/order.db", Options{SupervisorQueries: true})
		for _, b := range chunks(questionAndReply(), size) {
			if _, err := s.ApplyBatch(ctx, "test", b); err != nil {
				t.Fatal(err)
			}
		}
		msgs, err := s.Messages(ctx, "conv-z")
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range msgs {
			texts = append(texts, m.Text)
		}
		if strings.Join(texts, "|") != "may I borrow 500?|yes" || !msgs[1].At.Equal(replyAt) {
			t.Errorf("batches of %d: transcript %q, reply at %v", size, texts, msgs[len(msgs)-1].At)
		}
		cards, err := s.Supervisor().CardsByID(ctx, []string{"conv-z"}, replyAt, projection.DefaultThresholds)
		if err != nil || len(cards) != 1 {
			t.Fatalf("card: %v %v", cards, err)
		}
		if m := cards[0].LastMessage; m == nil || m.Text != "yes" || !m.At.Equal(replyAt) {
			t.Errorf("batches of %d: card's last message %+v", size, m)
		}
		r, err := s.PortalReader(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := r.Conversations(ctx, "cust-z", nil, 10)
		r.Close()
		if err != nil || len(rows) != 1 {
			t.Fatalf("portal conversations: %v %v", rows, err)
		}
		var p projection.PortalConversation
		if err := json.Unmarshal(rows[0].Doc, &p); err != nil {
			t.Fatal(err)
		}
		if p.LastMessage != "yes" || p.LastMessageAt == nil || !p.LastMessageAt.Equal(replyAt) {
			t.Errorf("batches of %d: portal's last message %q at %v", size, p.LastMessage, p.LastMessageAt)
		}
	}
}
