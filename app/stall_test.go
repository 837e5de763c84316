package app

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// An entry the cache cannot take (here a trigger refuses its message) is left out
// after a few attempts; the entries after it still reach the cache.
func TestAnEntryTheCacheCannotTakeDoesNotStallIt(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream}
	entries := fixtureEntries(t)
	first := xadd(t, rdb, stream, entries[0])
	a := startApp(t, env, newEvents())
	caughtUp(t, a, first, 30*time.Second)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(a.dir, cacheFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.text = 'poison'
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
	if err != nil {
		t.Fatal(err)
	}
	poison := map[string]any{"agt": "broker", "typ": "user_input", "cid": entries[0]["cid"], "seq": "1000",
		"tsp": "2026-11-24T09:20:00Z", "dat": `{"utterance":"poison"}`}
	xadd(t, rdb, stream, poison)
	var last string
	for _, e := range entries[1:] {
		last = xadd(t, rdb, stream, e)
	}
	caughtUp(t, a, last, 30*time.Second)
	_, _, total := cacheCounts(t, a)
	if total != int64(len(entries)+1) {
		t.Errorf("the cache counted %d entries, want %d", total, len(entries)+1)
	}
	var n int
	if err := cacheDB(t, a).QueryRow("SELECT count(*) FROM messages").Scan(&n); err != nil || n != 12 {
		t.Errorf("%d messages (%v), want the fixture's 12 without the poison", n, err)
	}
}
