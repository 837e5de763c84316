package app

import (
	"testing"
	"time"
)

// Assessments and the noticeboard belong to the application (contract §3): a second
// conversation about the fixture's application shows the first's, and so does the
// application screen.
func TestSecondConversationShowsTheApplicationsAssessments(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	for _, e := range fixtureEntries(t) {
		xadd(t, rdb, stream, e)
	}
	last := xadd(t, rdb, stream, map[string]any{"agt": "broker", "typ": "conversation_started", "cid": "conv-second",
		"aid": "APP-2026-004217", "uid": "cust-55120", "seq": "1", "tsp": "2026-11-25T09:00:00.000Z", "dat": "{}"})
	backend := newFakeBackend(t)
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}, newEvents())
	caughtUp(t, a, last, 10*time.Second)
	signIn(t, a, backend)

	for _, id := range []string{"conv-7f3a91", "conv-second"} {
		d, err := a.GetConversation(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Assessments) != 3 || len(d.Noticeboard) != 2 || d.Assessments[0].Kind != "identityRisk" {
			t.Errorf("%s: %d assessments, %d topics", id, len(d.Assessments), len(d.Noticeboard))
		}
	}
	ad, err := a.GetApplication("APP-2026-004217")
	if err != nil || len(ad.Assessments) != 3 || len(ad.Noticeboard) != 2 || len(ad.Conversations) != 2 {
		t.Errorf("application: %d assessments, %d topics, %d conversations, %v",
			len(ad.Assessments), len(ad.Noticeboard), len(ad.Conversations), err)
	}
}
