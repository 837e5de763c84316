package ledger_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/ledger"
)

// fuzzFields are the envelope fields in the order FuzzDecode takes them; bit i of
// the presence mask says whether fuzzFields[i] is in the entry at all.
var fuzzFields = [...]string{"agt", "typ", "cid", "seq", "tsp", "dat", "aid", "uid"}

// FuzzDecode feeds arbitrary entries to Decode. Besides the seeds below, the corpus
// in testdata/fuzz/FuzzDecode holds every line of the conversation-approved fixture.
func FuzzDecode(f *testing.F) {
	const all = 0xff
	obj := `{"utterance":"hi","n":1}`
	seeds := []struct {
		id, agt, typ, cid, seq, tsp, dat string
		present                          uint8
	}{
		{"1732451234567-0", "broker", "user_input", "conv-1", "1", "2026-11-24T09:14:02.117Z", obj, all},
		{"1732451234567-1", "broker", "user_input", "conv-1", "", "2026-11-24T09:14:02.117Z", obj, all},
		{"1732451234567-2", "broker", "user_input", "conv-1", "x", "2026-11-24T09:14:02", obj, all},
		{"1732451234567", "broker", "user_input", "conv-1", "3", "2026-11-24 09:14:02.117+00:00", obj, all},
		{"1732451234567-4", "broker", "user_input", "conv-1", "4", "2026-11-24T19:14:02+1000", obj, all},
		{"1732451234567-5", "broker", "user_input", "conv-1", "5", "", obj, all},
		{"1732451234567-6", "broker", "user_input", "conv-1", "6", "garbage", obj, all},
		{"1732451234567-7", "broker", "user_input", "conv-1", "7", "", obj, all &^ (1 << 4)},
		{"1732451234567-8", "broker", "user_input", "conv-1", "8", "2026-11-24T09:14:02Z", encode(obj, 1), all},
		{"1732451234567-9", "broker", "user_input", "conv-1", "9", "2026-11-24T09:14:02Z", encode(obj, 2), all},
		{"1732451234567-10", "broker", "user_input", "conv-1", "10", "2026-11-24T09:14:02Z", "", all &^ (1 << 5)},
		{"1732451234567-11", "broker", "user_input", "conv-1", "11", "2026-11-24T09:14:02Z", "null", all},
		{"1732451234567-12", "broker", "user_input", "conv-1", "12", "2026-11-24T09:14:02Z", `{"u":`, all},
		{"1732451234567-13", "broker", "user_input", "conv-1", "13", "2026-11-24T09:14:02Z", `[1,2]`, all},
		{"1732451234567-14", "broker", "user_input", "conv-1", "14", "2026-11-24T09:14:02Z", `42`, all},
		{"1732451234567-15", "broker", "user_input", "conv-1", "15", "2026-11-24T09:14:02Z", `{"a":1}}`, all},
		{"1732451234567-16", "broker", "user_input", "conv-1", "16", "2026-11-24T09:14:02Z", `"\"\""`, all},
		{"1732451234567-17", "identity_agent", "agent_heartbeat", "conv-1", "", "2026-11-24T09:14:02Z", `{{{`, all},
		{"1732451234567-18", "broker", "", "conv-1", "18", "2026-11-24T09:14:02Z", obj, all &^ (1 << 1)},
		{"1732451234567-19", "broker", "mystery_type", "", "19", "2026-11-24T09:14:02Z", obj, all},
		{"bad-id", "broker", "user_input", "conv-1", "20", "2026-11-24T09:14:02Z", obj, all},
		{"1732451234567-21", "broker", "user_input", "conv-1", "21", "2026-11-24T09:14:02Z", "\"\xff\xfe\"", all},
		{"1732451234567-22", "broker", "user_input", "conv-1", "22", "2026-11-24T09:14:02Z", `{"customer":{"tax_file_number":"123456782"}}`, all},
		{"1732451234567-23", "identity_agent", "x", "conv-\xff", "", "", "", all},
		{"18446744073709551615-0", "identity_agent", "x", "conv-1", "", "", "", all},
		{"1732451234567-24", "broker", "user_input", "conv-1", "99999999999999999999", "9999-12-31T23:00:00-05:00", `{"a":1e400}`, all},
	}
	for _, s := range seeds {
		f.Add(s.id, s.agt, s.typ, s.cid, s.seq, s.tsp, s.dat, s.present)
	}
	f.Fuzz(func(t *testing.T, id, agt, typ, cid, seq, tsp, dat string, present uint8) {
		values := [...]string{agt, typ, cid, seq, tsp, dat, "APP-1", "cust-1"}
		fields := map[string]string{}
		for i, k := range fuzzFields {
			if present&(1<<i) != 0 {
				fields[k] = values[i]
			}
		}
		ev, err := ledger.Decode(id, fields, nil)
		if err != nil {
			var le *ledger.Error
			if !errors.As(err, &le) || !ledger.IsBadInput(err) {
				t.Fatalf("error %v is a %T, want *ledger.Error", err, err)
			}
			if want, idErr := ledger.ParseID(id); idErr == nil {
				if le.ID != want {
					t.Fatalf("error names entry %v, want %v", le.ID, want)
				}
				if !ev.Projected() && envelopeKept(want, fields) {
					t.Fatalf("error %v for another agent's (%q) event", err, ev.Agent)
				}
			}
			return
		}
		if want := mustID(t, id); ev.ID != want {
			t.Fatalf("ID = %v, want %v", ev.ID, want)
		}
		if !reflect.DeepEqual(ev.Fields, fields) {
			t.Fatalf("Fields changed: %v, want %v", ev.Fields, fields)
		}
		if !ev.HasSeq && ev.Seq != 0 {
			t.Fatalf("Seq = %d without HasSeq", ev.Seq)
		}
		_, tspOK := ledger.ParseTime(fields["tsp"], nil)
		if ev.TimeFromID == tspOK {
			t.Fatalf("TimeFromID = %v for tsp %q", ev.TimeFromID, fields["tsp"])
		}
		if ev.TimeFromID && !ev.Time.Equal(ev.ID.Time()) {
			t.Fatalf("Time = %v, want the ID time %v", ev.Time, ev.ID.Time())
		}
		if !ev.Projected() {
			if ev.Data != nil {
				t.Fatalf("another agent's payload was decoded: %v", ev.Data)
			}
			return
		}
		if ev.Data == nil {
			t.Fatal("broker event without an error has nil Data")
		}
		if ev.Type == "" {
			t.Fatal("broker event without a type was accepted")
		}
		if len(fields["dat"]) > ledger.MaxPayload {
			t.Fatalf("a %d byte dat was accepted", len(fields["dat"]))
		}
		// The payload is an object: encoding it again and decoding gives it back.
		b, err := json.Marshal(ev.Data)
		if err != nil {
			t.Fatalf("Data does not marshal: %v", err)
		}
		again, err := ledger.DecodePayload(string(b))
		if err != nil || !reflect.DeepEqual(again, ev.Data) {
			t.Fatalf("round trip of %s = %v, %v; want %v", b, again, err, ev.Data)
		}
		// Decoding is deterministic.
		ev2, err := ledger.Decode(id, fields, nil)
		if err != nil || !reflect.DeepEqual(ev2.Data, ev.Data) || !ev2.Time.Equal(ev.Time) {
			t.Fatalf("second Decode differs: %v %v", ev2, err)
		}
		if strings.TrimSpace(fields["dat"]) == "" && len(ev.Data) != 0 {
			t.Fatalf("empty dat decoded to %v", ev.Data)
		}
	})
}

// envelopeKept reports whether the store can keep another agent's entry: its ID is in
// the ledger's range and its envelope ids are UTF-8.
func envelopeKept(id ledger.ID, fields map[string]string) bool {
	for _, k := range []string{"agt", "typ", "cid", "aid", "uid"} {
		if !utf8.ValidString(fields[k]) {
			return false
		}
	}
	return ledger.CheckID(id) == nil
}

func mustID(t *testing.T, id string) ledger.ID {
	t.Helper()
	v, err := ledger.ParseID(id)
	if err != nil {
		t.Fatalf("ParseID(%q): %v", id, err)
	}
	return v
}
