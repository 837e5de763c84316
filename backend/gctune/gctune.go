// Package gctune sets the garbage collector's target and soft memory limit for a
// process that allocates per event, while leaving the operator the last word.
//
// It exists because both binaries (the backend and the desktop app) decode and
// encode JSON for every ledger entry, and with Go's default GOGC of 100 the
// collector takes a large share of their CPU. Each main chooses its own numbers;
// this package holds the one rule that must not drift between them: GOGC and
// GOMEMLIMIT, when set, win. The runtime applies those variables itself at start,
// so the main passes their values in and a set one leaves its knob alone.
package gctune

import "runtime/debug"

// Tuning is what a process asks the collector for.
type Tuning struct {
	// Percent is the collector's target: collect when the heap has grown by this
	// percentage of the live heap (debug.SetGCPercent).
	Percent int
	// MemoryLimit is the soft limit in bytes (debug.SetMemoryLimit).
	MemoryLimit int64
}

// Apply sets t, except the target when gogc is not empty and the limit when
// gomemlimit is not empty: the values of the GOGC and GOMEMLIMIT environment
// variables, which the main reads.
func Apply(t Tuning, gogc, gomemlimit string) {
	if gogc == "" {
		debug.SetGCPercent(t.Percent)
	}
	if gomemlimit == "" {
		debug.SetMemoryLimit(t.MemoryLimit)
	}
}
