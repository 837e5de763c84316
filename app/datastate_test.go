package app

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A tracker on a settable clock, recording what it emits.
func clockTracker(t *testing.T) (*tracker, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	tr := newTracker("redis://127.0.0.1:6379/0", func() time.Time { return now }, func(ConnectionState) {})
	t.Cleanup(tr.stop)
	return tr, &now
}

func TestFirstSyncProgressAndTimeLeft(t *testing.T) {
	tr, now := clockTracker(t)
	// Connected to a stream of 10,000 entries with an empty cache.
	tr.update(func(s *ConnectionState) { s.State, s.Behind, s.CatchingUp = LinkConnected, 10_000, true })
	st := tr.get()
	if !st.FirstSync || st.Percent != 0 || st.EtaSeconds != nil || st.AsOf != nil {
		t.Fatalf("start of a first sync: %+v", st)
	}
	*now = now.Add(2 * time.Second)
	tr.update(func(s *ConnectionState) { s.Applied, s.Behind, s.LastAppliedID = 2_000, 8_000, "1764511200000-0" })
	st = tr.get()
	if st.Percent != 20 || st.RatePerSec != 1000 || st.EtaSeconds == nil || *st.EtaSeconds != 8 {
		t.Fatalf("after 2 s at 1,000 entries/s: percent %v rate %v eta %v", st.Percent, st.RatePerSec, st.EtaSeconds)
	}
	if !st.FirstSync || !st.Stale || st.AsOf == nil || !st.AsOf.Equal(time.UnixMilli(1764511200000)) {
		t.Fatalf("during the first sync the data is as of the last applied entry: %+v", st)
	}
	// Redis stops half-way: still a first sync (no status final), no time left.
	*now = now.Add(time.Second)
	tr.update(func(s *ConnectionState) {
		msg := "dial tcp 127.0.0.1:6379: connect: connection refused"
		s.State, s.Error, s.CatchingUp = LinkOffline, &msg, false
	})
	st = tr.get()
	if !st.FirstSync || st.EtaSeconds != nil || st.Percent != 20 || st.OfflineSince == nil || !st.OfflineSince.Equal(*now) {
		t.Fatalf("offline during the first sync: %+v", st)
	}
	since := *st.OfflineSince
	*now = now.Add(10 * time.Second)
	tr.update(func(s *ConnectionState) { s.State, s.Error = LinkConnecting, nil })
	if st = tr.get(); st.OfflineSince == nil || !st.OfflineSince.Equal(since) {
		t.Fatalf("a reconnect attempt keeps the offline time: %+v", st)
	}
	tr.update(func(s *ConnectionState) { s.State, s.Behind, s.CatchingUp = LinkConnected, 8_000, true })
	if st = tr.get(); st.Percent != 20 || !st.FirstSync || st.OfflineSince != nil {
		t.Fatalf("resuming the first sync keeps its percent over the whole stream: %+v", st)
	}
	tr.update(func(s *ConnectionState) { s.Applied, s.Behind, s.CatchingUp = 10_000, 0, false })
	if st = tr.get(); st.FirstSync || st.Stale || st.Percent != 100 || st.AsOf != nil || st.EtaSeconds != nil {
		t.Fatalf("caught up: %+v", st)
	}
}

func TestOfflineAsOfIsWhenTheDataWasLastLive(t *testing.T) {
	tr, now := clockTracker(t)
	tr.update(func(s *ConnectionState) { s.State, s.LastAppliedID = LinkConnected, "1764500000000-0" })
	if st := tr.get(); st.FirstSync || st.AsOf != nil || st.Stale {
		t.Fatalf("live: %+v", st)
	}
	*now = now.Add(time.Minute)
	wentDown := *now
	tr.update(func(s *ConnectionState) {
		msg := "EOF"
		s.State, s.Error = LinkOffline, &msg
	})
	st := tr.get()
	if st.AsOf == nil || !st.AsOf.Equal(wentDown) || st.OfflineSince == nil || !st.OfflineSince.Equal(wentDown) {
		t.Fatalf("offline after being live: as of %v, since %v, want %v", st.AsOf, st.OfflineSince, wentDown)
	}
	*now = now.Add(5 * time.Minute)
	tr.update(func(s *ConnectionState) { s.State = LinkConnecting })
	if st := tr.get(); !st.AsOf.Equal(wentDown) {
		t.Fatalf("as of moved while still not live: %v", st.AsOf)
	}
}

func TestPlainProblem(t *testing.T) {
	url := "redis://127.0.0.1:6390/0"
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("connect to Redis: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), "nothing answers there"},
		{fmt.Errorf("connect to Redis: %w", &net.DNSError{Err: "no such host", Name: "ledger.invalid"}), "host name is unknown"},
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), "refused the username or password"},
		{errors.New("NOPERM User u has no permissions to run the 'xread' command"), "does not allow this account"},
		{errors.New("read tcp 127.0.0.1:1->127.0.0.1:6390: i/o timeout"), "does not answer in time"},
		{errors.New("EOF"), "Lost the connection"},
	} {
		got := plainProblem(tc.err, url)
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "127.0.0.1:6390") {
			t.Errorf("plainProblem(%v) = %q, want it to say %q and where", tc.err, got, tc.want)
		}
		if strings.Contains(got, "dial tcp") || strings.Contains(got, "WRONGPASS") {
			t.Errorf("plainProblem(%v) = %q shows the Go error", tc.err, got)
		}
	}
}
