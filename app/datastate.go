package app

// What the window needs to tell the truth about its data: since when it is offline,
// up to when the cache is known complete ("as of"), whether a first sync is still
// replaying history, the catch-up's progress and time left, and connection problems
// in plain words.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// syncClock derives the time-dependent fields of ConnectionState from its changes.
// The tracker owns it and calls derive under its lock.
type syncClock struct {
	wasLive  bool      // the cache has been live during this run
	leftLive time.Time // when it last stopped being live (zero while live)

	catchStart time.Time // when the current catch-up began
	catchFrom  int64     // Applied then
}

// derive fills OfflineSince, AsOf, FirstSync, Percent, RatePerSec, EtaSeconds and
// clears Problem with Error, for the state st that follows before.
func (c *syncClock) derive(before, st *ConnectionState, now time.Time) {
	switch st.State {
	case LinkConnected:
		st.OfflineSince = nil
	case LinkOffline:
		if st.OfflineSince == nil {
			t := now.UTC()
			st.OfflineSince = &t
		}
	}
	if st.Error == nil {
		st.Problem = nil
	}

	live := st.State == LinkConnected && !st.CatchingUp
	if live {
		st.AsOf, c.wasLive, c.leftLive = nil, true, time.Time{}
	} else {
		if c.wasLive && c.leftLive.IsZero() {
			c.leftLive = now.UTC()
		}
		asOf := c.leftLive
		if t, ok := idTime(st.LastAppliedID); ok && t.After(asOf) {
			asOf = t
		}
		st.AsOf = nil
		if !asOf.IsZero() {
			st.AsOf = &asOf
		}
	}

	// A replay into an empty cache: nothing applied and no checkpoint when it starts.
	if st.CatchingUp && !before.CatchingUp && st.LastAppliedID == "" && st.Applied == 0 {
		st.FirstSync = true
	}
	if live {
		st.FirstSync = false
	}

	if st.CatchingUp && !before.CatchingUp {
		c.catchStart, c.catchFrom = now, st.Applied
	}
	switch {
	case st.CatchingUp:
		from := c.catchFrom
		if st.FirstSync {
			from = 0
		}
		done := st.Applied - from
		st.Percent = 100
		if total := done + st.Behind; total > 0 {
			st.Percent = float64(done) * 100 / float64(total)
		}
		st.RatePerSec, st.EtaSeconds = 0, nil
		if el := now.Sub(c.catchStart).Seconds(); el >= 1 && st.Applied > c.catchFrom {
			st.RatePerSec = float64(st.Applied-c.catchFrom) / el
			eta := float64(st.Behind) / st.RatePerSec
			st.EtaSeconds = &eta
		}
	case live:
		st.Percent, st.RatePerSec, st.EtaSeconds = 100, 0, nil
	default: // offline or connecting: the last figures stay, without a time left
		st.RatePerSec, st.EtaSeconds = 0, nil
	}
}

// idTime is the Redis clock time of a stream id ("" has none).
func idTime(id string) (time.Time, bool) {
	if id == "" {
		return time.Time{}, false
	}
	p, err := ledger.ParseID(id)
	if err != nil || p.Ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(p.Ms)).UTC(), true
}

// sameState compares two states by value (the pointers' targets, not the pointers).
func sameState(a, b ConnectionState) bool {
	eqT := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	eqF := func(x, y *float64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	if !sameError(a.Error, b.Error) || !sameError(a.Problem, b.Problem) || !eqT(a.OfflineSince, b.OfflineSince) ||
		!eqT(a.AsOf, b.AsOf) || !eqF(a.EtaSeconds, b.EtaSeconds) {
		return false
	}
	a.Error, a.Problem, a.OfflineSince, a.AsOf, a.EtaSeconds = nil, nil, nil, nil, nil
	b.Error, b.Problem, b.OfflineSince, b.AsOf, b.EtaSeconds = nil, nil, nil, nil, nil
	return a == b
}

// plainProblem says what a connection error means for the supervisor, in words; the
// Go error stays in ConnectionState.Error for whoever fixes it.
func plainProblem(err error, redisURL string) string {
	where := "the ledger"
	if redisURL != "" {
		where = "the ledger (Redis at " + strings.TrimPrefix(strings.TrimPrefix(redisURL, "redis://"), "rediss://") + ")"
	}
	msg := strings.ToLower(err.Error())
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("Cannot find %s: the host name is unknown. Check the Redis URL in Settings.", where)
	case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(msg, "connection refused"):
		return fmt.Sprintf("Cannot reach %s: nothing answers there. Redis may be stopped.", where)
	case strings.Contains(msg, "wrongpass") || strings.Contains(msg, "noauth") || strings.Contains(msg, "invalid username-password"):
		return fmt.Sprintf("%s refused the username or password.", capital(where))
	case strings.Contains(msg, "noperm"):
		return fmt.Sprintf("%s does not allow this account to read the stream.", capital(where))
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "timeout") || strings.Contains(msg, "i/o timeout"):
		return fmt.Sprintf("%s does not answer in time. The network may be down.", capital(where))
	case strings.Contains(msg, "tls") || strings.Contains(msg, "certificate"):
		return fmt.Sprintf("Cannot open a secure connection to %s. Check the TLS setting.", where)
	case strings.Contains(msg, "local cache"):
		return "The local copy of the conversations could not be updated. Restart the app; if it stays, tell an administrator."
	}
	return fmt.Sprintf("Lost the connection to %s.", where)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// RetryConnection reconnects to the ledger now instead of waiting out the backoff
// (the offline banner's Retry). It answers without a session: it shows no data.
func (a *App) RetryConnection() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.track == nil || a.base == nil {
		return errors.New("the app has not started")
	}
	if a.track.get().State == LinkConnected {
		return nil
	}
	return a.switchStream(a.cfg, a.cfg)
}

// instant is at, or now when at is null.
func instant(at *time.Time, now func() time.Time) time.Time {
	if at == nil {
		return now()
	}
	return *at
}

// StatusCountsAt counts conversations per status for a search ("" for all) at the
// instant at (null = now), uncached: the grid asks it with the instant its status
// filter is computed at, so the chips and the list agree on every card.
func (a *App) StatusCountsAt(search string, at *time.Time) (map[string]int, error) {
	if at == nil {
		return a.StatusCounts(search)
	}
	var out map[string]int
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		counts, err := st.Supervisor().StatusCounts(ctx, search, *at, c.Thresholds.projection())
		if err != nil {
			return err
		}
		out = make(map[string]int, len(counts))
		for k, v := range counts {
			out[string(k)] = v
		}
		return nil
	})
	return out, err
}
