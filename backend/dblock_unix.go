//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errDatabaseLocked says another process holds the database's lock.
var errDatabaseLocked = errors.New("another process holds the database")

// lockDatabase takes the advisory lock beside the database at path (<path>.lock) for
// as long as the process runs or until release: `serve` holds it, and a rebuild or
// replay run in-process takes it first, so it never swaps the file of a serving
// backend (whose operations listener it could not reach) under it.
func lockDatabase(path string) (release func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s.lock)", errDatabaseLocked, path)
		}
		return nil, fmt.Errorf("lock database: %w", err)
	}
	return func() { f.Close() }, nil
}
