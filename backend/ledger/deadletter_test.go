package ledger_test

import (
	"reflect"
	"strings"
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
	values := lastValues(dl.Values())
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

// lastValues is what a client that keeps one value per name reads of pairs.
func lastValues(pairs []any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i].(string)] = pairs[i+1]
	}
	return m
}

// An entry that repeats field names keeps every value in its dead letter, and is bad
// input when it gives an envelope field two values.
func TestRepeatedFieldsKeepEveryValue(t *testing.T) {
	e := entryOfPairs("5-0", "agt", "broker", "typ", "user_input", "cid", "c1",
		"note", "first", "cid", "c2", "note", "second", "dat", `{"utterance":"hi"}`)
	fields, shadowed := e.Fields, e.Shadowed
	if fields["cid"] != "c2" || fields["note"] != "second" || len(shadowed) != 2 {
		t.Fatalf("fields %v, shadowed %v", fields, shadowed)
	}
	_, err := e.Event(nil)
	if !ledger.IsBadInput(err) || !strings.Contains(err.Error(), "cid is given different values") {
		t.Fatalf("Event: %v, want bad input for two cids", err)
	}
	values := ledger.DeadLetter{Entry: e, Reason: "r"}.Values()
	var cids, notes []any
	for i := 0; i+1 < len(values); i += 2 {
		switch values[i] {
		case "cid":
			cids = append(cids, values[i+1])
		case "note":
			notes = append(notes, values[i+1])
		}
	}
	if !reflect.DeepEqual(cids, []any{"c1", "c2"}) || !reflect.DeepEqual(notes, []any{"first", "second"}) {
		t.Errorf("dead letter keeps cid %v, note %v; want every value, the last last", cids, notes)
	}
	// The same value twice, or a repeated field outside the envelope, is no ambiguity.
	if _, err := entryOfPairs("6-0", "agt", "broker", "typ", "user_input", "cid", "c1", "cid", "c1", "x", "1", "x", "2").Event(nil); err != nil {
		t.Errorf("Event: %v", err)
	}
}

// entryOfPairs is the entry of id with the field-value pairs as Redis sends them.
func entryOfPairs(id string, pairs ...string) ledger.Entry {
	e := ledger.Entry{ID: id}
	for i := 0; i+1 < len(pairs); i += 2 {
		e.Add(pairs[i], pairs[i+1])
	}
	return e
}
