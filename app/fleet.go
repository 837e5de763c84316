package app

// The desktop fleet: while a supervisor is signed in, the app tells the backend every
// fleetEvery which version it runs, on which host, where its cache is in the stream
// and how far behind it is, so admins see whose view is stale
// (POST /api/desktop/report). A report that fails is logged at debug and otherwise
// ignored: it must never trouble the person at the desk.

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/billie/supervisor/internal/version"
)

// fleetEvery is how often a signed-in desktop reports.
const fleetEvery = 30 * time.Second

// FleetReport is what a desktop reports about itself.
type FleetReport struct {
	Version       string `json:"version"`
	Host          string `json:"host"`
	CachePosition string `json:"cachePosition"`
	Behind        int64  `json:"behind"`
}

// newTicker starts a ticker and returns its channel and its stop; tests hand in one
// they drive themselves.
type newTicker func(d time.Duration) (<-chan time.Time, func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// kickFleet asks for a report now (after a sign-in), without waiting for a tick.
func (a *App) kickFleet() {
	select {
	case a.fleetKick <- struct{}{}:
	default: // one is pending already
	}
}

// runFleet reports at start (when a session was restored), after each sign-in and on
// every tick, until ctx ends.
func (a *App) runFleet(ctx context.Context, tick newTicker) {
	ticks, stop := tick(fleetEvery)
	defer stop()
	select {
	case <-a.ready:
	case <-ctx.Done():
		return
	}
	a.reportFleet(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		case <-a.fleetKick:
		}
		a.reportFleet(ctx)
	}
}

// reportFleet sends one report if someone is signed in at the configured backend.
func (a *App) reportFleet(ctx context.Context) {
	if a.sessions == nil {
		return
	}
	sess := a.sessions.current()
	if sess == nil {
		return
	}
	client := a.backend()
	if sess.BackendURL != client.base {
		return // the session is being ended (see App.session)
	}
	rep := a.fleetReport()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if err := client.authed(ctx, sess, http.MethodPost, "/api/desktop/report", rep, nil); err != nil {
		a.log.Debug("desktop report not delivered", "err", err)
	}
}

// fleetReport is this desktop's state now.
func (a *App) fleetReport() FleetReport {
	host, err := os.Hostname()
	if err != nil {
		host = ""
	}
	rep := FleetReport{Version: version.Get().Version, Host: host}
	if a.track != nil {
		st := a.track.get()
		rep.CachePosition, rep.Behind = st.LastAppliedID, st.Behind
	}
	return rep
}
