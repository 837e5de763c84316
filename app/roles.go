package app

// Who may change which settings on this desktop. The ledger connection (Redis and
// stream) and the status thresholds belong to administrators: they come from the
// backend, one set for everyone (shared.go), and only an administrator may override
// the connection on one desktop. A supervisor keeps only personal preferences. The
// rule is enforced here rather than in the window, because the bound methods are all
// a hostile frontend can call.

import "errors"

// changer is who asks for a settings change.
type changer int

const (
	// bySystem is the desktop itself applying the shared settings from the backend.
	bySystem changer = iota
	bySignedOut
	bySupervisor
	byAdmin
)

var (
	errConnectionNeedsAdmin = errors.New("Only an administrator changes the ledger connection (Redis and stream): " +
		"it comes from the backend for everyone")
	errBackendNeedsSignOut = errors.New("Sign out to change where you sign in: supervisors cannot change the connection " +
		"while signed in")
	errOverrideNeedsFlag = errors.New("To use another Redis or stream on this desktop only, turn on the local " +
		"connection; the shared connection is changed under \"Shared by every desktop\"")
)

// whoChanges is the signed-in account's part in a settings change.
func (a *App) whoChanges() changer {
	if a.sessions == nil {
		return bySignedOut
	}
	sess, err := a.session()
	switch {
	case err != nil || sess == nil:
		return bySignedOut
	case sess.User.Role == "admin":
		return byAdmin
	default:
		return bySupervisor
	}
}

// ledgerConnection is every setting that says where and as whom this desktop reads
// the ledger (the backend-issued credential aside, which the backend gives).
type ledgerConnection struct {
	URL, Username, Password string
	TLS                     bool
	Stream                  string
	Override                bool
}

func (c config) connection() ledgerConnection {
	return ledgerConnection{URL: c.RedisURL, Username: c.RedisUsername, Password: c.RedisPassword,
		TLS: c.RedisTLS, Stream: c.Stream, Override: c.ConnectionOverride}
}

// checkChange says whether who may turn prev into next.
//
//   - The desktop applying the shared settings may change anything.
//   - An administrator may change anything; a Redis URL or stream other than the
//     shared ones only with the local override on, so that the next sign-in does
//     not silently put the shared ones back. Turning the override off brings the
//     shared ones back (SaveSettings applies them).
//   - Signed out, only the backend URL may change (the sign-in screen must be able to
//     fix it); nobody is known, so nothing of the ledger connection.
//   - A signed-in supervisor may change nothing here.
func checkChange(who changer, prev, next config) error {
	switch who {
	case bySystem:
		return nil
	case byAdmin:
		// Turning the override off is always allowed: the shared connection follows.
		if !prev.ConnectionOverride && !next.ConnectionOverride && (prev.RedisURL != next.RedisURL || prev.Stream != next.Stream) {
			return errOverrideNeedsFlag
		}
		return nil
	}
	if prev.connection() != next.connection() {
		return errConnectionNeedsAdmin
	}
	if prev.Thresholds != next.Thresholds {
		if who == bySignedOut {
			return errThresholdsNeedSession
		}
		return errThresholdsNeedAdmin
	}
	if who == bySupervisor && prev.BackendURL != next.BackendURL {
		return errBackendNeedsSignOut
	}
	return nil
}
