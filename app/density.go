package app

// The conversation grid's density: a supervisor's own preference, kept on this
// computer per account (the email, lower case) in density.json (mode 0600), so two
// supervisors sharing one computer account each keep theirs. It is a personal
// preference, not a shared setting: any signed-in account may change its own.

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

const densityName = "density.json"

// defaultDensity is every account's until it chooses.
const defaultDensity = "comfortable"

// isDensity tells the grid's densities: cards with a preview ("comfortable"), shorter
// cards ("compact"), and small tiles for watching 40 or more live conversations on one
// screen ("wall").
func isDensity(d string) bool {
	switch d {
	case "comfortable", "compact", "wall":
		return true
	}
	return false
}

// densityFile is density.json: each account's density.
type densityFile struct {
	Accounts map[string]string `json:"accounts"`
}

// densityAccount is the signed-in account's key in density.json.
func (a *App) densityAccount() (string, error) {
	<-a.ready // the stored session is checked at start
	if a.sessions == nil {
		return "", a.openErr
	}
	sess, err := a.session()
	if err != nil {
		return "", err
	}
	return strings.ToLower(strings.TrimSpace(sess.User.Email)), nil
}

func (a *App) readDensities() (densityFile, error) {
	f := densityFile{Accounts: map[string]string{}}
	b, err := readPrivate(filepath.Join(a.dir, densityName))
	if err != nil || b == nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		a.log.Warn("unreadable density file; starting from the default", "err", err)
		return densityFile{Accounts: map[string]string{}}, nil
	}
	if f.Accounts == nil {
		f.Accounts = map[string]string{}
	}
	return f, nil
}

// Density is the signed-in supervisor's grid density; "comfortable" until they choose.
func (a *App) Density() (string, error) {
	user, err := a.densityAccount()
	if err != nil {
		return "", err
	}
	a.densityMu.Lock()
	defer a.densityMu.Unlock()
	f, err := a.readDensities()
	if err != nil {
		return "", err
	}
	if d := f.Accounts[user]; isDensity(d) {
		return d, nil
	}
	return defaultDensity, nil
}

// SaveDensity stores the signed-in supervisor's grid density.
func (a *App) SaveDensity(d string) (string, error) {
	if !isDensity(d) {
		return "", fmt.Errorf("Unknown density %q: choose comfortable, compact or wall", d)
	}
	user, err := a.densityAccount()
	if err != nil {
		return "", err
	}
	a.densityMu.Lock()
	defer a.densityMu.Unlock()
	f, err := a.readDensities()
	if err != nil {
		return "", err
	}
	f.Accounts[user] = d
	b, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("store the density: %w", err)
	}
	if err := writePrivate(filepath.Join(a.dir, densityName), b); err != nil {
		return "", err
	}
	return d, nil
}
