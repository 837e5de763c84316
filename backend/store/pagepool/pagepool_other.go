//go:build !linux

package pagepool

// configure does nothing: the pool relies on Linux's anonymous mappings and huge
// pages, and SQLite's default page cache serves elsewhere.
func configure(int) error { return nil }
