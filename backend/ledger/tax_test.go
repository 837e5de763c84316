package ledger_test

import (
	"encoding/json"
	"reflect"
	"testing"

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
		{"tax_ only in a value", `{"note":"syntax_error"}`, map[string]any{"note": "syntax_error"}, false},
		{"escape without a tax key", `{"u":"caf\u00e9"}`, map[string]any{"u": "café"}, false},
		{"a look-alike key", `{"tax_file_numbers":"1"}`, map[string]any{"tax_file_numbers": "1"}, false},
		{"no tax at all", `{"u":"hi"}`, map[string]any{"u": "hi"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ledger.Decode("1-1", map[string]string{"agt": "broker", "typ": "custom_assessment", "cid": "c", "dat": tc.dat})
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
	ev, err := ledger.Decode("1-1", map[string]string{"agt": "fraud_agent", "typ": "x", "dat": `{"tax_file_number":"1"}`})
	if err != nil || ev.Data != nil || ev.TaxFieldsRemoved {
		t.Errorf("Decode = %+v, %v", ev, err)
	}
}
