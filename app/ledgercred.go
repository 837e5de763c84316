package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ledgerCredential is this desktop's own Redis user, issued by the backend at
// sign-in: it can only read the ledger stream, and the backend deletes it at sign-out
// or when the account is disabled. It is kept in ledgerName (0600) and used from
// launch instead of the Redis username and password of the settings, which stay as
// the manual setting for a backend that issues none.
type ledgerCredential struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Stream   string `json:"stream"`
}

func loadLedgerCredential(dir string) (*ledgerCredential, error) {
	b, err := readPrivate(filepath.Join(dir, ledgerName))
	if err != nil || b == nil {
		return nil, err
	}
	var l ledgerCredential
	if err := json.Unmarshal(b, &l); err != nil || l.Username == "" {
		return nil, fmt.Errorf("read the ledger credential: unreadable")
	}
	return &l, nil
}

// storeLedgerCredential keeps l, or deletes the stored one when l is nil.
func storeLedgerCredential(dir string, l *ledgerCredential) error {
	path := filepath.Join(dir, ledgerName)
	if l == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete the ledger credential: %w", err)
		}
		return nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("store the ledger credential: %w", err)
	}
	return writePrivate(path, b)
}

// useLedgerCredential stores l (nil: deletes it) and restarts the consumer with it
// when that changes how the desktop connects.
func (a *App) useLedgerCredential(l *ledgerCredential) {
	if err := storeLedgerCredential(a.dir, l); err != nil {
		a.log.Warn("ledger credential", "err", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	prev := a.cfg
	next := prev
	next.ledger = l
	a.cfg = next
	if prev.redisKey() != next.redisKey() {
		if err := a.switchStream(prev, next); err != nil {
			a.log.Error("the ledger could not restart", "err", err)
		}
	}
}
