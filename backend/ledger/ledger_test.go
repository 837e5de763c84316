package ledger_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

const testID = "1732451234567-3"

// idTime is the wall-clock time of testID.
var idTime = time.UnixMilli(1732451234567).UTC()

// broker returns the fields of a broker event with overrides; a value of "\x00"
// removes the field.
func broker(kv ...string) map[string]string {
	f := map[string]string{
		"agt": "broker",
		"typ": "user_input",
		"cid": "conv-1",
		"aid": "APP-1",
		"uid": "cust-1",
		"seq": "7",
		"tsp": "2026-11-24T09:14:02.117Z",
		"dat": `{"utterance":"hi"}`,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			delete(f, kv[i])
			continue
		}
		f[kv[i]] = kv[i+1]
	}
	return f
}

// encode returns v as JSON encoded times extra times as a JSON string.
func encode(v any, times int) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	s := string(b)
	for range times {
		b, _ = json.Marshal(s)
		s = string(b)
	}
	return s
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestDecodeEnvelope(t *testing.T) {
	ev, err := ledger.Decode(testID, broker("agt", " broker ", "cid", " conv-1 ", "extra", "kept"), nil)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := ledger.ID{Ms: 1732451234567, Seq: 3}
	if ev.ID != want {
		t.Errorf("ID = %v, want %v", ev.ID, want)
	}
	if !ev.Projected() || ev.Agent != "broker" {
		t.Errorf("Agent = %q, Projected = %v; want trimmed broker, projected", ev.Agent, ev.Projected())
	}
	if ev.Type != "user_input" || ev.ConversationID != "conv-1" || ev.ApplicationNumber != "APP-1" || ev.CustomerID != "cust-1" {
		t.Errorf("envelope ids = %q %q %q %q", ev.Type, ev.ConversationID, ev.ApplicationNumber, ev.CustomerID)
	}
	if ev.Fields["extra"] != "kept" || ev.Fields["cid"] != " conv-1 " {
		t.Errorf("Fields not kept verbatim: %v", ev.Fields)
	}
	if ev.Data["utterance"] != "hi" {
		t.Errorf("Data = %v", ev.Data)
	}
}

func TestDecodeSeq(t *testing.T) {
	cases := []struct {
		name   string
		seq    string // "\x00" = field missing
		want   int64
		hasSeq bool
	}{
		{"number", "7", 7, true},
		{"zero", "0", 0, true},
		{"padded", " 12 ", 12, true},
		{"large", "9223372036854775807", 9223372036854775807, true},
		{"empty", "", 0, false},
		{"blank", "   ", 0, false},
		{"missing", "\x00", 0, false},
		{"word", "abc", 0, false},
		{"decimal", "3.0", 0, false},
		{"trailing junk", "12a", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode(testID, broker("seq", tc.seq), nil)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if ev.Seq != tc.want || ev.HasSeq != tc.hasSeq {
				t.Errorf("Seq, HasSeq = %d, %v; want %d, %v", ev.Seq, ev.HasSeq, tc.want, tc.hasSeq)
			}
		})
	}
}

func TestDecodeTime(t *testing.T) {
	cases := []struct {
		name     string
		tsp      string // "\x00" = field missing
		want     time.Time
		fromID   bool
		timeOnly bool
	}{
		{"zulu with millis", "2026-11-24T09:14:02.117Z", mustTime("2026-11-24T09:14:02.117Z"), false, false},
		{"zulu no fraction", "2026-11-24T09:14:02Z", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"offset with micros", "2026-11-24T19:14:02.117000+10:00", mustTime("2026-11-24T09:14:02.117Z"), false, false},
		{"offset no colon", "2026-11-24T19:14:02+1000", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"no zone is UTC", "2026-11-24T09:14:02", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"no zone with fraction", "2026-11-24T09:14:02.117000", mustTime("2026-11-24T09:14:02.117Z"), false, false},
		{"space form with zone", "2026-11-24 09:14:02.117+00:00", mustTime("2026-11-24T09:14:02.117Z"), false, false},
		{"space form no zone", "2026-11-24 09:14:02", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"space form zulu", "2026-11-24 09:14:02Z", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"surrounding blanks", "  2026-11-24T09:14:02Z ", mustTime("2026-11-24T09:14:02Z"), false, false},
		{"missing", "\x00", idTime, true, false},
		{"empty", "", idTime, true, false},
		{"garbage", "yesterday", idTime, true, false},
		{"impossible date", "2026-13-45T00:00:00Z", idTime, true, false},
		{"epoch number", "1732451234", idTime, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode(testID, broker("tsp", tc.tsp), nil)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !ev.Time.Equal(tc.want) || ev.TimeFromID != tc.fromID {
				t.Errorf("Time, TimeFromID = %v, %v; want %v, %v", ev.Time, ev.TimeFromID, tc.want, tc.fromID)
			}
			if ev.Time.Location() != time.UTC {
				t.Errorf("Time is in %v, want UTC", ev.Time.Location())
			}
		})
	}
}

func TestDecodePayload(t *testing.T) {
	obj := map[string]any{"utterance": "about $400", "n": 1}
	wantObj := map[string]any{"utterance": "about $400", "n": json.Number("1")}
	big := `{"pad":"` + strings.Repeat("x", ledger.MaxPayload-len(`{"pad":""}`)) + `"}`
	cases := []struct {
		name    string
		dat     string // "\x00" = field missing
		want    map[string]any
		wantErr string // substring of the reason; "" = no error
	}{
		{"object", encode(obj, 0), wantObj, ""},
		{"double encoded", encode(obj, 1), wantObj, ""},
		{"triple encoded", encode(obj, 2), wantObj, ""},
		{"quadruple encoded", encode(obj, 3), wantObj, ""},
		{"padded object", "  " + encode(obj, 0) + "\n", wantObj, ""},
		{"missing", "\x00", map[string]any{}, ""},
		{"empty", "", map[string]any{}, ""},
		{"blank", " \t\n", map[string]any{}, ""},
		{"null", "null", map[string]any{}, ""},
		{"encoded null", `"null"`, map[string]any{}, ""},
		{"encoded empty string", `""`, map[string]any{}, ""},
		{"empty object", "{}", map[string]any{}, ""},
		{"exactly the limit", big, map[string]any{"pad": strings.Repeat("x", ledger.MaxPayload-len(`{"pad":""}`))}, ""},
		{"not JSON", `{"utterance":`, nil, "not JSON"},
		{"python repr", `{'utterance': 'hi'}`, nil, "not JSON"},
		{"bare word", `hello`, nil, "not JSON"},
		{"two objects", `{} {}`, nil, "not JSON"},
		{"trailing brace", `{"a":1}}`, nil, "not JSON"},
		{"trailing bracket", `{"a":1}]`, nil, "not JSON"},
		{"encoded with trailing brace", encode(`{"a":1}}`, 0), nil, "not JSON"},
		{"encoded garbage", encode("not json", 0), nil, "not JSON"},
		{"array", `[{"a":1}]`, nil, "array"},
		{"encoded array", encode([]any{1, 2}, 1), nil, "array"},
		{"number", `42`, nil, "number"},
		{"boolean", `true`, nil, "boolean"},
		{"over the limit", big + " ", nil, "limit"},
		{"far over the limit", `{"pad":"` + strings.Repeat("x", 2<<20) + `"}`, nil, "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode(testID, broker("dat", tc.dat), nil)
			if tc.wantErr != "" {
				var le *ledger.Error
				if !errors.As(err, &le) {
					t.Fatalf("err = %v (%T), want a *ledger.Error", err, err)
				}
				if !ledger.IsBadInput(err) {
					t.Errorf("IsBadInput(%v) = false", err)
				}
				if le.ID != (ledger.ID{Ms: 1732451234567, Seq: 3}) {
					t.Errorf("error ID = %v, want %s", le.ID, testID)
				}
				if !strings.Contains(le.Reason, tc.wantErr) {
					t.Errorf("reason %q does not mention %q", le.Reason, tc.wantErr)
				}
				if !strings.Contains(err.Error(), testID) {
					t.Errorf("Error() = %q, want it to name the entry", err.Error())
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if ev.Data == nil {
				t.Fatal("Data is nil for a broker event")
			}
			if !reflect.DeepEqual(ev.Data, tc.want) {
				t.Errorf("Data = %v, want %v", ev.Data, tc.want)
			}
		})
	}
}

func TestDecodePayloadKeepsNumbersExact(t *testing.T) {
	ev, err := ledger.Decode(testID, broker("dat", `{"id":12345678901234567890,"amount":400.10}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Data["id"] != json.Number("12345678901234567890") || ev.Data["amount"] != json.Number("400.10") {
		t.Errorf("numbers = %#v %#v, want exact json.Number", ev.Data["id"], ev.Data["amount"])
	}
}

func TestDecodeOtherAgents(t *testing.T) {
	cases := []struct {
		name   string
		fields map[string]string
	}{
		{"broken dat", broker("agt", "identity_agent", "dat", `{{{`)},
		{"array dat", broker("agt", "identity_agent", "dat", `[1]`)},
		{"huge dat", broker("agt", "fraud_agent", "dat", strings.Repeat("x", 2<<20))},
		{"missing typ", broker("agt", "identity_agent", "typ", "\x00")},
		{"missing cid", broker("agt", "identity_agent", "cid", "\x00")},
		{"missing agt", broker("agt", "\x00")},
		{"capitalised broker", broker("agt", "Broker", "dat", `nope`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode(testID, tc.fields, nil)
			if err != nil {
				t.Fatalf("Decode: %v, want no error for another agent", err)
			}
			if ev.Projected() {
				t.Error("Projected() = true")
			}
			if ev.Data != nil {
				t.Errorf("Data = %v, want nil (payload not decoded)", ev.Data)
			}
			if ev.ID.String() != testID || !maps.Equal(ev.Fields, tc.fields) {
				t.Errorf("envelope not kept: %v %v", ev.ID, ev.Fields)
			}
		})
	}
}

func TestDecodeBadEnvelope(t *testing.T) {
	cases := []struct {
		name   string
		id     string
		fields map[string]string
	}{
		{"missing typ", testID, broker("typ", "\x00")},
		{"blank typ", testID, broker("typ", "  ")},
		{"bad stream id", "not-an-id", broker()},
		{"empty stream id", "", broker()},
		{"bad id from another agent", "x", broker("agt", "identity_agent")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledger.Decode(tc.id, tc.fields, nil)
			var le *ledger.Error
			if !errors.As(err, &le) {
				t.Fatalf("err = %v (%T), want a *ledger.Error", err, err)
			}
		})
	}
}

func TestDecodeNilFields(t *testing.T) {
	ev, err := ledger.Decode(testID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Projected() || !ev.TimeFromID || !ev.Time.Equal(idTime) {
		t.Errorf("got %+v", ev)
	}
}

func TestIsBadInput(t *testing.T) {
	le := &ledger.Error{Reason: "x"}
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("disk full"), false},
		{le, true},
		{fmt.Errorf("batch: %w", le), true},
	}
	for _, tc := range cases {
		if got := ledger.IsBadInput(tc.err); got != tc.want {
			t.Errorf("IsBadInput(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestParseID(t *testing.T) {
	cases := []struct {
		in      string
		want    ledger.ID
		wantErr bool
		str     string
	}{
		{"1732451234567-0", ledger.ID{Ms: 1732451234567}, false, "1732451234567-0"},
		{"1732451234567-15", ledger.ID{Ms: 1732451234567, Seq: 15}, false, "1732451234567-15"},
		{"1732451234567", ledger.ID{Ms: 1732451234567}, false, "1732451234567-0"},
		{"0-0", ledger.ID{}, false, "0-0"},
		{"0", ledger.ID{}, false, "0-0"},
		{"18446744073709551615-18446744073709551615", ledger.ID{Ms: 1<<64 - 1, Seq: 1<<64 - 1}, false, "18446744073709551615-18446744073709551615"},
		{"", ledger.ID{}, true, ""},
		{"-", ledger.ID{}, true, ""},
		{"-1", ledger.ID{}, true, ""},
		{"1-", ledger.ID{}, true, ""},
		{"abc-0", ledger.ID{}, true, ""},
		{"1-x", ledger.ID{}, true, ""},
		{"1-2-3", ledger.ID{}, true, ""},
		{" 1-0", ledger.ID{}, true, ""},
		{"+1-0", ledger.ID{}, true, ""},
		{"18446744073709551616-0", ledger.ID{}, true, ""},
		{"*", ledger.ID{}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ledger.ParseID(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseID(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseID(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseID(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if got.String() != tc.str {
				t.Errorf("String() = %q, want %q", got.String(), tc.str)
			}
			back, err := ledger.ParseID(got.String())
			if err != nil || back != got {
				t.Errorf("ParseID(String()) = %v, %v; want %v", back, err, got)
			}
			if got.IsZero() != (tc.want == ledger.ID{}) {
				t.Errorf("IsZero() = %v", got.IsZero())
			}
		})
	}
}

func TestIDCompare(t *testing.T) {
	id := func(s string) ledger.ID {
		v, err := ledger.ParseID(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		a, b string
		want int
	}{
		{"1-0", "1-0", 0},
		{"1-0", "1-1", -1},
		{"1-1", "1-0", 1},
		{"1-9", "2-0", -1},
		{"2-0", "1-9", 1},
		{"9-0", "10-0", -1}, // numeric, not lexical
		{"1-10", "1-9", 1},  // numeric, not lexical
		{"0-0", "0-1", -1},  // zero is before everything
		{"5", "5-0", 0},     // bare ms is sequence 0
		{"1732451234567-0", "1732451234566-99", 1},
	}
	for _, tc := range cases {
		if got := id(tc.a).Compare(id(tc.b)); got != tc.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := id(tc.b).Compare(id(tc.a)); got != -tc.want {
			t.Errorf("%s.Compare(%s) = %d, want %d (antisymmetry)", tc.b, tc.a, got, -tc.want)
		}
	}
}

func TestIDTime(t *testing.T) {
	id := ledger.ID{Ms: 1732451234567, Seq: 9}
	if !id.Time().Equal(idTime) || id.Time().Location() != time.UTC {
		t.Errorf("Time() = %v, want %v UTC", id.Time(), idTime)
	}
}

func TestParseTime(t *testing.T) {
	sydney, err := time.LoadLocation("Australia/Sydney") // +11:00 in November
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in   string
		zone *time.Location // the producer's; nil is UTC
		want string         // RFC 3339; "" = not parsable
	}{
		{"2026-11-24T09:14:02.117Z", nil, "2026-11-24T09:14:02.117Z"},
		{"2026-11-24T09:14:02Z", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T09:14:02.123456789Z", nil, "2026-11-24T09:14:02.123456789Z"},
		{"2026-11-24T09:14:02.1234567891234Z", nil, "2026-11-24T09:14:02.123456789Z"},
		{"2026-11-24T09:14:02,5Z", nil, "2026-11-24T09:14:02.5Z"},
		{"2026-11-24T09:14:02+00:00", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T20:14:02+11:00", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T04:14:02-05:00", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T20:14:02+1100", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T20:14:02+11", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T09:14:02", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24T09:14:02.5", nil, "2026-11-24T09:14:02.5Z"},
		{"2026-11-24 09:14:02", nil, "2026-11-24T09:14:02Z"},
		{"2026-11-24 09:14:02.117000", nil, "2026-11-24T09:14:02.117Z"},
		{"2026-11-24 20:14:02.117+11:00", nil, "2026-11-24T09:14:02.117Z"},
		{"2026-11-24 20:14:02.117123+1100", nil, "2026-11-24T09:14:02.117123Z"},
		{"2026-11-24", nil, "2026-11-24T00:00:00Z"},
		{" 2026-11-24T09:14:02Z\n", nil, "2026-11-24T09:14:02Z"},
		// Without a zone, the time is the producer's wall clock.
		{"2026-11-24T20:14:02", sydney, "2026-11-24T09:14:02Z"},
		{"2026-11-24 20:14:02.117", sydney, "2026-11-24T09:14:02.117Z"},
		{"2026-06-24T19:14:02", sydney, "2026-06-24T09:14:02Z"}, // +10:00 in June
		{"2026-11-24", sydney, "2026-11-23T13:00:00Z"},
		{"2026-11-24T20:14:02", time.FixedZone("", 11*3600), "2026-11-24T09:14:02Z"},
		// With a zone, the time's own counts, whatever the producer's.
		{"2026-11-24T09:14:02Z", sydney, "2026-11-24T09:14:02Z"},
		{"2026-11-24T04:14:02-05:00", sydney, "2026-11-24T09:14:02Z"},
		{"2026-11-24 09:14:02+00:00", sydney, "2026-11-24T09:14:02Z"},
		{"", nil, ""},
		{"   ", nil, ""},
		{"now", nil, ""},
		{"24/11/2026", nil, ""},
		{"2026-02-30T00:00:00Z", nil, ""},
		{"2026-11-24T25:00:00Z", nil, ""},
		{"2026-11-24T09:14", nil, ""},
		{"2026-11-24  09:14:02", nil, ""},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s in %v", tc.in, tc.zone), func(t *testing.T) {
			got, ok := ledger.ParseTime(tc.in, tc.zone)
			if tc.want == "" {
				if ok {
					t.Errorf("ParseTime(%q) = %v, want not parsable", tc.in, got)
				}
				return
			}
			if !ok {
				t.Fatalf("ParseTime(%q) not parsable", tc.in)
			}
			if want := mustTime(tc.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) = %v, want %v UTC", tc.in, got, want)
			}
		})
	}
}

// The producer's zone reaches the event's time, its payload's times, and the
// decoding done ahead, which is redone for another zone.
func TestDecodeInTheProducersZone(t *testing.T) {
	plus11 := time.FixedZone("", 11*3600)
	fields := broker("tsp", "2026-11-24 20:14:02.117")
	want := mustTime("2026-11-24T09:14:02.117Z")
	ev, err := ledger.Decode(testID, fields, plus11)
	if err != nil || !ev.Time.Equal(want) || ev.TimeFromID {
		t.Fatalf("Decode = %v (from id %v), %v; want %v", ev.Time, ev.TimeFromID, err, want)
	}
	if got, ok := ev.ParseTime("2026-11-24T21:14:02"); !ok || !got.Equal(want.Add(time.Hour-117*time.Millisecond)) {
		t.Errorf("ev.ParseTime = %v, %v", got, ok)
	}
	entries := []ledger.Entry{{ID: testID, Fields: fields}}
	ledger.DecodeEntries(entries, plus11)
	for _, tc := range []struct {
		zone *time.Location
		want time.Time
	}{{plus11, want}, {nil, want.Add(11 * time.Hour)}} {
		if ev, err := entries[0].Event(tc.zone); err != nil || !ev.Time.Equal(tc.want) {
			t.Errorf("Event(%v) = %v, %v; want %v", tc.zone, ev.Time, err, tc.want)
		}
	}
}
