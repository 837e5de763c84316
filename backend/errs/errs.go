// Package errs gives errors a kind: what went wrong, in terms a caller can act on
// (the input is invalid, the thing is not there, the caller is not signed in ...),
// in the manner of upspin's errors.E(op, kind, err). Services return kinded errors;
// the HTTP layer (package web) turns a kind into a status code in one place, so no
// service knows about HTTP and no handler re-decides what an error means.
package errs

import (
	"context"
	"errors"
	"strings"
)

// Kind is the class of an error.
type Kind uint8

// Kinds. Other is an error of no particular kind: a failure the caller cannot fix.
const (
	Other            Kind = iota
	Invalid               // the request's values are unusable
	NotFound              // the thing asked for does not exist
	Unauthenticated       // the caller is not (or no longer, or wrongly) signed in
	PermissionDenied      // the caller may not do this
	Conflict              // the change clashes with what is stored
	RateLimited           // too many attempts; try again later
	Unavailable           // the service cannot serve now
	Timeout               // the work took longer than it was allowed
	Canceled              // the caller went away
	Internal              // a fault of ours
)

var kindNames = [...]string{
	Other: "other", Invalid: "invalid", NotFound: "not found", Unauthenticated: "unauthenticated",
	PermissionDenied: "permission denied", Conflict: "conflict", RateLimited: "rate limited",
	Unavailable: "unavailable", Timeout: "timeout", Canceled: "canceled", Internal: "internal",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Op names the operation an error happened in, e.g. "accounts.Create".
type Op string

// Error is an error with its operation and kind.
type Error struct {
	Op   Op
	Kind Kind
	Err  error
}

// E builds an *Error from its arguments, in any order: an Op, a Kind, an error, and a
// string (which becomes the wrapped error's text). A kind left out is the wrapped
// error's own, so wrapping with an Op keeps what the inner error means.
func E(args ...any) error {
	e := &Error{}
	for _, a := range args {
		switch a := a.(type) {
		case Op:
			e.Op = a
		case Kind:
			e.Kind = a
		case error:
			e.Err = a
		case string:
			e.Err = errors.New(a)
		}
	}
	return e
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(string(e.Op))
	}
	if e.Err != nil {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	if b.Len() == 0 {
		return e.Kind.String()
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf is the kind of err: the outermost kind an *Error in its chain names; for a
// context error, Timeout or Canceled; else Other.
func KindOf(err error) Kind {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ke, ok := e.(*Error); ok && ke.Kind != Other {
			return ke.Kind
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.Is(err, context.Canceled):
		return Canceled
	}
	return Other
}

// Message is err's text without the operations that wrapped it: what a person
// needs to know to fix their request (the text of the innermost *Error's cause).
func Message(err error) string {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ke, ok := e.(*Error); ok {
			if ke.Err == nil {
				return ke.Kind.String()
			}
			msg = ke.Err.Error()
		}
	}
	return msg
}
