package ledger_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// A dead letter reads back as it was written; the original fields stay apart from
// the dead-letter stream's own.
func TestDeadLetterRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 14, 2, 117000000, time.UTC)
	dl := ledger.DeadLetter{
		Entry:  ledger.Entry{ID: "1732451234567-3", Fields: map[string]string{"agt": "broker", "dat": "{broken", "x_other": "kept"}},
		Reason: "dat is not JSON", Consumer: "c1", At: at,
	}
	values := dl.Values()
	for k, want := range map[string]string{"x_original_id": "1732451234567-3", "x_reason": "dat is not JSON",
		"x_consumer": "c1", "x_dead_at": "2026-11-24T09:14:02.117Z", "dat": "{broken", "x_other": "kept"} {
		if values[k] != want {
			t.Errorf("%s = %v, want %q", k, values[k], want)
		}
	}
	back := ledger.ParseDeadLetter(values)
	if back.Entry.ID != dl.Entry.ID || back.Reason != dl.Reason || back.Consumer != dl.Consumer || !back.At.Equal(at) ||
		!reflect.DeepEqual(back.Entry.Fields, dl.Entry.Fields) {
		t.Errorf("read back %+v, want %+v", back, dl)
	}
	if odd := ledger.ParseDeadLetter(map[string]any{"x_dead_at": "yesterday", "seq": int64(7)}); !odd.At.IsZero() || odd.Entry.Fields["seq"] != "7" {
		t.Errorf("odd dead letter read as %+v", odd)
	}
}
