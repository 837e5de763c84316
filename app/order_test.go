package app

import (
	"testing"
	"time"
)

// The desktop shows the transcript and the card's last message in stream order: a
// reply stamped at +02:00, two hours before its question in UTC, stays after it and
// keeps its own time.
func TestDesktopFollowsStreamOrder(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	entry := func(typ, seq, dat string) map[string]any {
		return map[string]any{"agt": "broker", "typ": typ, "cid": "conv-z", "aid": "APP-Z", "uid": "cust-z",
			"seq": seq, "tsp": "2026-11-24T10:00:00Z", "dat": dat}
	}
	xadd(t, rdb, stream, entry("user_input", "1", `{"utterance":"may I borrow 500?","created_at":"2026-11-24T10:00:00Z"}`))
	last := xadd(t, rdb, stream, entry("assistant_response", "2", `{"u":"yes","created_at":"2026-11-24T10:00:05+02:00"}`))
	backend := newFakeBackend(t)
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}, newEvents())
	caughtUp(t, a, last, 10*time.Second)
	signIn(t, a, backend)

	d, err := a.GetConversation("conv-z")
	if err != nil {
		t.Fatal(err)
	}
	replyAt := time.Date(2026, 11, 24, 8, 0, 5, 0, time.UTC)
	if len(d.Messages) != 2 || d.Messages[0].Text != "may I borrow 500?" || d.Messages[1].Text != "yes" || !d.Messages[1].At.Equal(replyAt) {
		t.Errorf("transcript %+v", d.Messages)
	}
	if m := d.Conversation.LastMessage; m == nil || m.Text != "yes" || !m.At.Equal(replyAt) {
		t.Errorf("last message %+v", m)
	}
	page, err := a.ListConversations(ConversationQuery{Limit: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].LastMessage == nil || page.Items[0].LastMessage.Text != "yes" {
		t.Errorf("grid %+v %v", page, err)
	}
}
