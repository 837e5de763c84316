package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestCatchUpFromZeroWithVisibleProgress(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	stats, last := publish(t, rdb, stream, 60, 1)
	ev := newEvents()
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream}, ev)
	caughtUp(t, a, last, 60*time.Second)

	_, redelivered, total := cacheCounts(t, a)
	if total != int64(stats.Sent) || redelivered != 0 {
		t.Errorf("cache counted %d entries (%d redelivered), the stream has %d", total, redelivered, stats.Sent)
	}
	var sawProgress bool
	for _, s := range ev.states() {
		if s.CatchingUp && s.Behind > 0 && s.Stale && s.State == LinkConnected {
			sawProgress = true
		}
	}
	if !sawProgress {
		t.Errorf("no ledger:connection event showed catch-up progress: %+v", ev.states())
	}
	// Progress events are throttled: the last one comes a moment later.
	waitFor(t, "a final state that is fresh with every entry applied", 2*time.Second, func() bool {
		st := ev.states()
		final := st[len(st)-1]
		return !final.Stale && final.Applied == int64(stats.Sent) && final.Behind == 0 && final.Error == nil
	})
	if len(ev.batches()) != 0 {
		t.Errorf("%d ledger:batch events before anyone signed in", len(ev.batches()))
	}
}

// Entries deleted from the stream's end still count in entries-added: a cache that
// resumes and reads every entry left is caught up, not forever some entries behind.
func TestCaughtUpWhenTheNewestEntriesWereDeleted(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	entries := fixtureEntries(t)
	half := len(entries) / 2
	add := func(ms int64, values []map[string]any) (ids []string) {
		for i, v := range values {
			id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: fmt.Sprintf("%d-%d", ms, i), Values: v}).Result()
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	first := add(1_000, entries[:half])
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream}
	a := startApp(t, env, newEvents())
	caughtUp(t, a, first[len(first)-1], 30*time.Second)
	a.Shutdown(ctx)

	// Far later in time, so the resumed cache's first estimate of what is left is off.
	second := add(9_000_000, entries[half:])
	if err := rdb.XDel(ctx, stream, second[len(second)-3:]...).Err(); err != nil {
		t.Fatal(err)
	}
	b := startApp(t, env, newEvents())
	caughtUp(t, b, second[len(second)-4], 30*time.Second)
}

// fixtureEntries are the contract's fixture conversation, one map per entry.
func fixtureEntries(t *testing.T) []map[string]any {
	t.Helper()
	f, err := os.Open("../backend/store/testdata/conversation-approved.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func xadd(t *testing.T, rdb *redis.Client, stream string, values map[string]any) string {
	t.Helper()
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: values}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLiveTailReachesTheWindowAsCoalescedBatches(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	backend := newFakeBackend(t)
	ev := newEvents()
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}, ev)
	waitFor(t, "connected to an empty stream", 10*time.Second, func() bool {
		s, _ := a.Connection()
		return s.State == LinkConnected && !s.Stale
	})
	signIn(t, a, backend)

	entries := fixtureEntries(t)
	var last string
	for _, e := range entries {
		last = xadd(t, rdb, stream, e)
		time.Sleep(2 * time.Millisecond)
	}
	caughtUp(t, a, last, 10*time.Second)
	waitFor(t, "the last message in a batch", 5*time.Second, func() bool {
		for _, b := range ev.batches() {
			for _, m := range b.Messages {
				if m.StreamID == last || strings.Contains(m.Text, "All done, Priya") {
					return true
				}
			}
		}
		return false
	})
	batches := ev.batches()
	if len(batches) >= len(entries) {
		t.Errorf("%d batches for %d entries: not coalesced", len(batches), len(entries))
	}
	msgs := map[string]bool{}
	var card *ConversationCard
	for _, b := range batches {
		for _, m := range b.Messages {
			if msgs[m.StreamID] {
				t.Errorf("message %s sent twice", m.StreamID)
			}
			msgs[m.StreamID] = true
		}
		for i, c := range b.Conversations {
			if c.ID == "conv-7f3a91" {
				card = &b.Conversations[i]
			}
		}
	}
	if len(msgs) != 12 {
		t.Errorf("%d live messages, want the fixture's 12", len(msgs))
	}
	if card == nil || card.Status != "Approved" || deref(card.CustomerName) != "Priya Anjali Raman" ||
		deref(card.ApplicationNumber) != "APP-2026-004217" || card.MessageCount != 12 || card.LastMessage == nil {
		t.Errorf("last card %+v", card)
	}
}

func TestRestartResumesFromCheckpointWithoutDuplicates(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream}
	first, last := publish(t, rdb, stream, 25, 1)
	a := startApp(t, env, newEvents())
	caughtUp(t, a, last, 60*time.Second)
	a.Shutdown(context.Background())

	second, last := publish(t, rdb, stream, 25, 2)
	b := startApp(t, env, newEvents())
	caughtUp(t, b, last, 60*time.Second)
	applied, redelivered, total := cacheCounts(t, b)
	if want := int64(first.Sent + second.Sent); total != want || redelivered != 0 {
		t.Errorf("after restart the cache counted %d entries (%d applied, %d redelivered), want %d once each",
			total, applied, redelivered, want)
	}
	checkMessagesOnce(t, b, rdb, stream)
}

// checkMessagesOnce compares the cache's messages with the stream's message entries.
func checkMessagesOnce(t *testing.T, a *App, rdb *redis.Client, stream string) {
	t.Helper()
	msgs, err := rdb.XRange(context.Background(), stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range msgs {
		if typ := m.Values["typ"]; (typ == "user_input" || typ == "assistant_response") && m.Values["agt"] == "broker" {
			want++
		}
	}
	var got, distinct int
	a.mu.RLock()
	err = cacheDB(t, a).QueryRow("SELECT count(*), count(DISTINCT stream_id) FROM messages").Scan(&got, &distinct)
	a.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	if got != want || distinct != got {
		t.Errorf("cache holds %d messages (%d distinct), the stream %d", got, distinct, want)
	}
}

func TestReconnectsAfterItsConnectionIsKilled(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	name := fmt.Sprintf("billie-desktop-test-%d", time.Now().UnixNano())
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, clientName: name}
	_, last := publish(t, rdb, stream, 10, 1)
	a := startApp(t, env, newEvents())
	caughtUp(t, a, last, 30*time.Second)

	for round := range 3 {
		killed := killClients(t, rdb, name)
		if killed == 0 {
			t.Fatalf("round %d: no connection named %s to kill", round, name)
		}
		_, last = publish(t, rdb, stream, 5, int64(10+round))
		caughtUp(t, a, last, 30*time.Second)
	}
	checkMessagesOnce(t, a, rdb, stream)
	_, redelivered, _ := cacheCounts(t, a)
	if redelivered != 0 {
		t.Errorf("%d entries were read twice", redelivered)
	}
}

// killClients kills every Redis connection with the given client name.
func killClients(t *testing.T, rdb *redis.Client, name string) int {
	t.Helper()
	list, err := rdb.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if err := rdb.Do(context.Background(), "CLIENT", "KILL", "ID", id).Err(); err == nil {
					n++
				}
			}
		}
	}
	return n
}

// ownRedis is a redis-server this test starts and stops, persisting to dir.
type ownRedis struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T, port int, dir string) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is needed for this test: %v", err)
	}
	r := &ownRedis{t: t, port: port, dir: dir}
	r.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.kill)
	rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer rdb.Close()
	waitFor(t, "own redis-server", 10*time.Second, func() bool { return rdb.Ping(context.Background()).Err() == nil })
	return r
}

func (r *ownRedis) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

// shutdown saves the data and stops the server, as a restart would.
func (r *ownRedis) shutdown() {
	rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer rdb.Close()
	_ = rdb.Do(context.Background(), "SHUTDOWN", "SAVE").Err() // the connection drops: no reply
	_ = r.cmd.Wait()
}

func (r *ownRedis) kill() {
	if r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestReconnectsAfterRedisRestarts(t *testing.T) {
	dir := t.TempDir()
	srv := startOwnRedis(t, freePort(t), dir)
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr()})
	defer rdb.Close()
	stream := "chatLedger"
	_, last := publish(t, rdb, stream, 10, 1)
	ev := newEvents()
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + srv.addr(), stream: stream}, ev)
	caughtUp(t, a, last, 30*time.Second)

	srv.shutdown()
	waitFor(t, "offline and stale", 15*time.Second, func() bool {
		s, _ := a.Connection()
		return s.State != LinkConnected && s.Stale
	})
	s, _ := a.Connection()
	if s.Error == nil {
		t.Errorf("offline without an error: %+v", s)
	}
	srv = startOwnRedis(t, srv.port, dir)
	_, last = publish(t, rdb, stream, 10, 2)
	caughtUp(t, a, last, 30*time.Second)
	checkMessagesOnce(t, a, rdb, stream)

	var offline, reconnected bool
	for _, st := range ev.states() {
		if st.State == LinkOffline {
			offline = true
		}
		if offline && st.State == LinkConnected {
			reconnected = true
		}
	}
	if !offline || !reconnected {
		t.Errorf("states did not go offline and back: %+v", ev.states())
	}
}

func TestTrimmedStreamContinuesFromFirstEntryAndRecordsTheGap(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream}
	_, last := publish(t, rdb, stream, 10, 1)
	a := startApp(t, env, newEvents())
	caughtUp(t, a, last, 30*time.Second)
	a.Shutdown(context.Background())

	// While the app is closed, the producer trims past its checkpoint.
	_, last = publish(t, rdb, stream, 20, 2)
	if err := rdb.XTrimMaxLen(context.Background(), stream, 50).Err(); err != nil {
		t.Fatal(err)
	}
	b := startApp(t, env, newEvents())
	caughtUp(t, b, last, 30*time.Second)
	gaps, err := os.ReadFile(filepath.Join(env.dir, gapsName))
	if err != nil {
		t.Fatalf("no gap recorded: %v", err)
	}
	if lines := strings.Count(string(gaps), "\n"); lines != 1 {
		t.Errorf("gaps.log has %d lines, want 1:\n%s", lines, gaps)
	}
	fi, err := os.Stat(filepath.Join(env.dir, gapsName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("gaps.log mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}
