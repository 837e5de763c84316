package errs

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestKindAndMessage(t *testing.T) {
	taken := E(Conflict, "an account with this email exists")
	wrapped := E(Op("accounts.Create"), taken)
	for _, tc := range []struct {
		err  error
		kind Kind
		msg  string
		text string
	}{
		{taken, Conflict, "an account with this email exists", "an account with this email exists"},
		{wrapped, Conflict, "an account with this email exists", "accounts.Create: an account with this email exists"},
		{fmt.Errorf("outer: %w", wrapped), Conflict, "an account with this email exists", "outer: accounts.Create: an account with this email exists"},
		{E(Op("x"), Internal, errors.New("disk on fire")), Internal, "disk on fire", "x: disk on fire"},
		{fmt.Errorf("query: %w", context.DeadlineExceeded), Timeout, "query: context deadline exceeded", "query: context deadline exceeded"},
		{context.Canceled, Canceled, "context canceled", "context canceled"},
		{errors.New("plain"), Other, "plain", "plain"},
		{E(NotFound), NotFound, "not found", "not found"},
	} {
		if k := KindOf(tc.err); k != tc.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tc.err, k, tc.kind)
		}
		if m := Message(tc.err); m != tc.msg {
			t.Errorf("Message(%v) = %q, want %q", tc.err, m, tc.msg)
		}
		if s := tc.err.Error(); s != tc.text {
			t.Errorf("Error() = %q, want %q", s, tc.text)
		}
	}
	if !errors.Is(wrapped, taken) {
		t.Error("a wrapped sentinel is not found by errors.Is")
	}
}
