// Package archtest holds no code: its tests state the module's import rules and fail
// when a change breaks one (see rules_test.go). The rules keep the layout that the
// README describes true as the code grows: the domain at the centre, SQLite behind the
// store, the desktop on the shared reader rather than the backend's projector, the two
// mains the only places that open a store or read the environment.
package archtest
