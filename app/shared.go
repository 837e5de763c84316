package app

// The shared settings: fetched from the backend after sign-in and applied, so every
// desktop computes statuses with the same thresholds and reads the same ledger.

import (
	"context"
	"errors"
	"net/http"
)

const sharedSettingsPath = "/api/settings/shared"

// SharedSettings fetches the shared settings from the backend and applies them here
// (thresholds, Redis URL and stream; the Redis username, password and the ledger
// credential issued at sign-in stay this desktop's).
func (a *App) SharedSettings() (SharedSettings, error) {
	var s SharedSettings
	if err := a.sharedCall(http.MethodGet, nil, &s); err != nil {
		return SharedSettings{}, err
	}
	return s, a.applyShared(s)
}

// SaveSharedSettings changes the shared settings for everyone (admins only; the
// backend validates and audits), then applies them here.
func (a *App) SaveSharedSettings(s SharedSettings) (SharedSettings, error) {
	var out SharedSettings
	if err := a.sharedCall(http.MethodPut, s, &out); err != nil {
		return SharedSettings{}, err
	}
	return out, a.applyShared(out)
}

func (a *App) sharedCall(method string, in, out any) error {
	sess, err := a.session()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	err = a.backend().authed(ctx, sess, method, sharedSettingsPath, in, out)
	var api *apiError
	if errors.As(err, &api) {
		switch api.Status {
		case http.StatusUnauthorized:
			if ferr := a.sessions.forget(); ferr != nil {
				a.log.Warn("could not delete the session", "err", ferr)
			}
			return errSessionExpired
		case http.StatusForbidden:
			return errors.New("Only administrators can change the shared settings")
		}
	}
	return err
}

// applyShared makes s this desktop's settings where they differ. An administrator's
// local connection override keeps this desktop's Redis URL and stream; the thresholds
// are always the shared ones.
func (a *App) applyShared(s SharedSettings) error {
	a.mu.RLock()
	cur := a.cfg.public()
	a.mu.RUnlock()
	next := cur
	next.Thresholds = s.Thresholds
	if !cur.ConnectionOverride {
		next.RedisURL, next.Stream = s.RedisURL, s.Stream
	}
	if next.RedisURL == cur.RedisURL && next.Stream == cur.Stream && next.Thresholds == cur.Thresholds {
		return nil
	}
	_, _, err := a.saveSettings(next, bySystem)
	return err
}

var errThresholdsNeedAdmin = errors.New("Only an administrator changes the status thresholds: every desktop shares them")

// syncShared fetches the shared settings and applies them, for a session just made or
// restored: the desktop takes the backend's connection and thresholds itself rather
// than waiting for the window to ask. A backend without shared settings leaves this
// desktop's own.
func (a *App) syncShared() {
	if _, err := a.SharedSettings(); err != nil {
		a.log.Info("shared settings not applied", "err", err)
	}
}
