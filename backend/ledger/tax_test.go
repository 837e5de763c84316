package ledger_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// TestTaxRule is the one tax-field rule as every reader meets it: Decode removes the
// tax fields, however they are spelled, and says so, so that the reducer and the
// archive (which keeps Data instead of the raw dat then) agree.
func TestTaxRule(t *testing.T) {
	cases := []struct {
		name        string
		dat         string
		wantData    map[string]any
		wantRemoved bool
	}{
		{"plain key", `{"tax_file_number":"123","ok":1}`, map[string]any{"ok": json.Number("1")}, true},
		{"escaped underscore", `{"tax\u005ffile_number":"123","ok":1}`, map[string]any{"ok": json.Number("1")}, true},
		{"escaped first letter", `{"\u0074ax_country":"AU"}`, map[string]any{}, true},
		{"escaped inside a double encoding", `"{\"tax\\u005fexemption_code\":\"X\",\"ok\":true}"`, map[string]any{"ok": true}, true},
		{"nested in objects and lists", `{"customer":{"foreign_tax_identifier":"F","a":[{"australian_tax_residency_flag":true,"b":1}]}}`,
			map[string]any{"customer": map[string]any{"a": []any{map[string]any{"b": json.Number("1")}}}}, true},
		{"JSON inside a JSON string", `{"d":"{\"tax_file_number\":\"1\",\"ok\":1}"}`, map[string]any{"d": `{"ok":1}`}, true},
		{"JSON inside JSON inside a JSON string", `{"d":"[\"{\\\"tax_country\\\":\\\"AU\\\"}\"]"}`, map[string]any{"d": `["{}"]`}, true},
		{"text naming a tax field in a string", `{"note":"my tax_file_number: 123 456 782, thanks"}`,
			map[string]any{"note": "my tax_file_number: [redacted], thanks"}, true},
		{"a key that is still escaped", `{"tax\\u005ffile_number":"1","ok":1}`, map[string]any{"ok": json.Number("1")}, true},
		{"tax_ only in a value", `{"note":"syntax_error"}`, map[string]any{"note": "syntax_error"}, false},
		{"escape without a tax key", `{"u":"caf\u00e9"}`, map[string]any{"u": "café"}, false},
		{"a look-alike key", `{"tax_file_numbers":"1"}`, map[string]any{"tax_file_numbers": "1"}, false},
		{"no tax at all", `{"u":"hi"}`, map[string]any{"u": "hi"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode("1-1", map[string]string{"agt": "broker", "typ": "custom_assessment", "cid": "c", "dat": tc.dat}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ev.Data, tc.wantData) {
				t.Errorf("Data = %#v, want %#v", ev.Data, tc.wantData)
			}
			if ev.TaxFieldsRemoved != tc.wantRemoved {
				t.Errorf("TaxFieldsRemoved = %v, want %v", ev.TaxFieldsRemoved, tc.wantRemoved)
			}
			if ev.Fields["dat"] != tc.dat {
				t.Errorf("the raw fields changed: %q", ev.Fields["dat"])
			}
		})
	}
}

func TestMayNameTaxField(t *testing.T) {
	cases := []struct {
		raw  string
		want bool
	}{
		{`{"tax_file_number":"1"}`, true},
		{`{"tax\u005ffile_number":"1"}`, true},
		{`"{\"tax\\u005fcountry\":\"AU\"}"`, true},
		{`{"taxes":"1"}`, false},
		{``, false},
	}
	for _, tc := range cases {
		if got := ledger.MayNameTaxField(tc.raw); got != tc.want {
			t.Errorf("MayNameTaxField(%s) = %v, want %v", tc.raw, got, tc.want)
		}
	}
	for _, k := range []string{"australian_tax_residency_flag", "tax_file_number", "tax_exemption_code", "foreign_tax_identifier", "tax_country"} {
		if !ledger.IsTaxField(k) || !ledger.MayNameTaxField(`{"`+k+`":1}`) {
			t.Errorf("%s is not caught", k)
		}
	}
}

// Other agents' payloads are not decoded, so there is nothing to strip.
func TestTaxRuleLeavesOtherAgentsUndecoded(t *testing.T) {
	ev, err := ledger.Decode("1-1", map[string]string{"agt": "fraud_agent", "typ": "x", "dat": `{"tax_file_number":"1"}`}, nil)
	if err != nil || ev.Data != nil || ev.TaxFieldsRemoved {
		t.Errorf("Decode = %+v, %v", ev, err)
	}
}

// TestTextWithoutTax is the rule for one piece of text: JSON at any level of encoding
// loses its tax fields; other text keeps everything but the value after a tax field's
// name, which becomes ledger.Redacted. Applying it again changes nothing.
func TestTextWithoutTax(t *testing.T) {
	cases := []struct{ in, want string }{
		// JSON, encoded once or more.
		{`{"tax_file_number":"1","ok":1}`, `{"ok":1}`},
		{`{"tax\u005ffile_number":"1"}`, `{}`},
		{`"{\"tax_country\":\"AU\",\"a\":\"<b>&\"}"`, `"{\"a\":\"<b>&\"}"`},
		{`[{"x":{"foreign_tax_identifier":"F"}}]`, `[{"x":{}}]`},
		{`{"ok":1}`, `{"ok":1}`},
		{`{"u":"caf\u00e9"}`, `{"u":"caf\u00e9"}`},
		{`{"tax_file_numbers":"1"}`, `{"tax_file_numbers":"1"}`},
		// Not JSON: quoted values keep their quotes.
		{`{"u":"K", "tax_file_number": "123", broken`, `{"u":"K", "tax_file_number": "[redacted]", broken`},
		{`{"u":"K","tax\u005ffile_number":"123"`, `{"u":"K","tax\u005ffile_number":"[redacted]"`},
		{`{"tax_file_number":"12\"34","u":"K"`, `{"tax_file_number":"[redacted]","u":"K"`},
		{`"{\"u\":\"K\",\"tax_file_number\":\"123\""`, `"{\"u\":\"K\",\"tax_file_number\":\"[redacted]\""`},
		{`{'tax_country': 'AU', 'u': 'K'`, `{'tax_country': '[redacted]', 'u': 'K'`},
		{`{"tax_file_number":"123"}x`, `{"tax_file_number":"[redacted]"}x`},
		{`{"tax_file_number":"123"`, `{"tax_file_number":"[redacted]"`},
		{`{"tax_file_number":"123`, `{"tax_file_number":"[redacted]`},
		// Not JSON: unquoted values, objects and lists.
		{`u=K; tax_file_number=123 456 782; tax_country = AU`, `u=K; tax_file_number=[redacted]; tax_country = [redacted]`},
		{"tax_exemption_code: X1\nu: K", "tax_exemption_code: [redacted]\nu: K"},
		{`{"australian_tax_residency_flag": true, "u": [1`, `{"australian_tax_residency_flag": [redacted], "u": [1`},
		{`{"tax_file_number": {"value": "123"}, "u": 1`, `{"tax_file_number": [redacted], "u": 1`},
		{`{"tax_file_number": [1, [2]], "u": 1`, `{"tax_file_number": [redacted], "u": 1`},
		{`tax_file_number []0, u`, `tax_file_number [redacted], u`},
		{`<tax_file_number>123</tax_file_number>`, `<tax_file_number>[redacted]</tax_file_number>`},
		{`tax_file_number 123 456`, `tax_file_number [redacted]`},
		{`previous_tax_country=NZ,`, `previous_tax_country=[redacted],`},
		{`tax_country: Cote d'Ivoire; u=K`, `tax_country: [redacted]; u=K`},
		{`tax_file_number=[redacted]123,u=K`, `tax_file_number=[redacted],u=K`},
		{`tax_file_numbers=1, tax_file_number,`, `tax_file_numbers=1, tax_file_number,`},
		{`syntax_error at 1`, `syntax_error at 1`},
	}
	for _, tc := range cases {
		got, changed := ledger.TextWithoutTax(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("TextWithoutTax(%s)\n = %s, %v\nwant %s", tc.in, got, changed, tc.want)
		}
		if again, changed := ledger.TextWithoutTax(got); changed || again != got {
			t.Errorf("TextWithoutTax(%s) again = %s, %v", got, again, changed)
		}
	}
}

// An entry's fields: a field named as a tax field goes, however spelled; every other
// value goes through the text rule; fields that name no tax field are the same map.
func TestEntryFieldsWithoutTax(t *testing.T) {
	in := map[string]string{
		"agt": "fraud_agent", "tax_file_number": "1", `tax\u005fcountry`: "AU",
		"dat": `{"tax_exemption_code":"X","ok":1}`, "x_note": "tax_country=AU",
	}
	got, changed := ledger.EntryFieldsWithoutTax(in)
	want := map[string]string{"agt": "fraud_agent", "dat": `{"ok":1}`, "x_note": "tax_country=[redacted]"}
	if !changed || !reflect.DeepEqual(got, want) {
		t.Errorf("EntryFieldsWithoutTax = %v, %v; want %v", got, changed, want)
	}
	if len(in) != 5 {
		t.Errorf("the entry's own fields changed: %v", in)
	}
	clean := map[string]string{"agt": "broker", "dat": `{"u":"caf\u00e9"}`}
	if got, changed := ledger.EntryFieldsWithoutTax(clean); changed || reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(clean).UnsafePointer() {
		t.Errorf("clean fields came back changed or copied: %v, %v", got, changed)
	}
}

// The archive's fields: a decoded payload as Decode left it, everything else by the
// entry rule.
func TestStoredFields(t *testing.T) {
	cases := []struct {
		name   string
		fields map[string]string
		want   map[string]string
	}{
		{"broker, tax removed", map[string]string{"agt": "broker", "typ": "t", "dat": `"{\"tax_country\":\"AU\",\"a\":\"<\"}"`},
			map[string]string{"agt": "broker", "typ": "t", "dat": `{"a":"<"}`}},
		{"broker, tax in another field", map[string]string{"agt": "broker", "typ": "t", "dat": `{"a":1}`, "tax_country": "AU"},
			map[string]string{"agt": "broker", "typ": "t", "dat": `{"a":1}`}},
		{"broker, clean", map[string]string{"agt": "broker", "typ": "t", "dat": `{"a":1}`},
			map[string]string{"agt": "broker", "typ": "t", "dat": `{"a":1}`}},
		{"another agent", map[string]string{"agt": "fraud_agent", "dat": `{"tax_file_number":"1","a":1}`},
			map[string]string{"agt": "fraud_agent", "dat": `{"a":1}`}},
		{"another agent, not JSON", map[string]string{"agt": "fraud_agent", "dat": `tax_file_number=1`},
			map[string]string{"agt": "fraud_agent", "dat": `tax_file_number=[redacted]`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode("1-1", tc.fields, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.StoredFields(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("StoredFields = %v, want %v", got, tc.want)
			}
		})
	}
}

// A dead letter keeps what an operator needs to repair and retry it, minus tax
// values, in its fields, its reason and the stream's values, whoever made it.
func TestDeadLetterWithoutTax(t *testing.T) {
	e := ledger.Entry{ID: "1-1", Fields: map[string]string{
		"agt": "broker", "typ": "user_input", "tax_file_number": "TFN1",
		"dat": `{"u":"K", "tax_file_number": "TFN2", broken`,
	}}
	want := map[string]string{"agt": "broker", "typ": "user_input", "dat": `{"u":"K", "tax_file_number": "[redacted]", broken`}
	dl := ledger.NewDeadLetter(e, "bad: tax_country=TFN3", time.Unix(1, 0))
	if !reflect.DeepEqual(dl.Entry.Fields, want) || dl.Reason != "bad: tax_country=[redacted]" {
		t.Errorf("NewDeadLetter = %+v", dl)
	}
	shadowed := e
	shadowed.Shadowed = []ledger.Field{{Name: "tax_file_number", Value: "TFN4"}, {Name: "note", Value: "tax_country=TFN5"}}
	raw := ledger.DeadLetter{Entry: shadowed, Reason: "tax_country=TFN3"}
	vals := raw.Values()
	for i := 0; i+1 < len(vals); i += 2 {
		if k, v := vals[i].(string), vals[i+1].(string); strings.Contains(k+"="+v, "TFN") {
			t.Errorf("the stream would get %s=%v", k, v)
		}
	}
	if e.Fields["tax_file_number"] != "TFN1" {
		t.Error("the entry itself changed")
	}
}

// FuzzTextWithoutTax: the rule is idempotent, and JSON stays JSON without tax fields.
func FuzzTextWithoutTax(f *testing.F) {
	for _, s := range []string{
		`{"tax_file_number":"1"}`, `"{\"tax\\u005fcountry\":1}"`, `tax_country = 'AU'`,
		`{"a":"tax_file_number: [1, {2}]"}`, `tax_file_number="\\"`, `\u0074ax_country:"x`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := ledger.TextWithoutTax(s)
		if again, changed := ledger.TextWithoutTax(out); changed {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("JSON %q became %q: %v", s, out, err)
		}
		if hasTaxKey(v) {
			t.Fatalf("%q -> %q keeps a tax field", s, out)
		}
	})
}

func hasTaxKey(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if ledger.IsTaxField(k) || hasTaxKey(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if hasTaxKey(c) {
				return true
			}
		}
	case string:
		var inner any
		if json.Unmarshal([]byte(t), &inner) == nil && t != "" {
			return hasTaxKey(inner)
		}
	}
	return false
}
