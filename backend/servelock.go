package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The serve lock: `backend serve` holds a shared lock on <db>.lock for as long as it
// runs (several may serve one database: the group's lease picks the one that
// projects), and `backend restore` takes it exclusively, so it never replaces the
// files under a running server and no server starts while it does. The lock is the
// operating system's: it goes with the process, however that ends.

// errLocked says that another process holds the lock.
var errLocked = errors.New("locked by another process")

// serveLockPath is the lock file of the database at db.
func serveLockPath(db string) string { return db + ".lock" }

// lockServe takes the shared serve lock of db, and writes this process's id into it
// for the messages of a refused restore.
func lockServe(db string) (release func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		return nil, err
	}
	f, err := lockFile(serveLockPath(db), false)
	if err != nil {
		return nil, fmt.Errorf("serve lock %s: %w", serveLockPath(db), err)
	}
	if f.Truncate(0) == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f.Close, nil
}

// lockRestore takes the serve lock of db exclusively: errLocked, with the process
// that wrote into it last, while a backend serves it.
func lockRestore(db string) (release func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		return nil, err
	}
	f, err := lockFile(serveLockPath(db), true)
	if errors.Is(err, errLocked) {
		b, _ := os.ReadFile(serveLockPath(db))
		if pid := strings.TrimSpace(string(b)); pid != "" {
			return nil, fmt.Errorf("backend serve (process %s) has %s open: %w; stop every serve of it first", pid, db, err)
		}
		return nil, fmt.Errorf("backend serve has %s open: %w; stop every serve of it first", db, err)
	}
	if err != nil {
		return nil, fmt.Errorf("serve lock %s: %w", serveLockPath(db), err)
	}
	return f.Close, nil
}
