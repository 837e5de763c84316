//go:build !unix

package main

import "errors"

var errDatabaseLocked = errors.New("another process holds the database")

// lockDatabase does nothing where there is no flock: the backend serves on Linux; a
// rebuild run in-process there relies on the operations listener and lease checks.
func lockDatabase(string) (func(), error) { return func() {}, nil }
