package ledger_test

import (
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// TestDecodeRejectsWhatTheStoreCannotKeep: each entry is bad input with its reason,
// and the one just inside each limit is not.
func TestDecodeRejectsWhatTheStoreCannotKeep(t *testing.T) {
	nested := func(n int) string { return strings.Repeat(`{"a":`, n-1) + "{}" + strings.Repeat("}", n-1) }
	cases := []struct {
		name   string
		id     string
		fields map[string]string
		reason string // "" = accepted
	}{
		{"cid not UTF-8", testID, broker("cid", "conv-\xff"), "cid is not valid UTF-8"},
		{"aid not UTF-8", testID, broker("aid", "APP-\xc3"), "aid is not valid UTF-8"},
		{"uid not UTF-8", testID, broker("uid", "\xfe"), "uid is not valid UTF-8"},
		{"typ not UTF-8", testID, broker("typ", "user\xff"), "typ is not valid UTF-8"},
		{"another agent's cid not UTF-8", testID, broker("agt", "identity_agent", "cid", "\xff"), "cid is not valid UTF-8"},
		{"UTF-8 cid", testID, broker("cid", "conv-é"), ""},
		{"tsp after 9999 in UTC", testID, broker("tsp", "9999-12-31T23:00:00-05:00"), "tsp is in the year 10000"},
		{"tsp before 0 in UTC", testID, broker("tsp", "0000-01-01T01:00:00+05:00"), "tsp is in the year -1"},
		{"tsp at the end of 9999", testID, broker("tsp", "9999-12-31T23:59:59.999Z"), ""},
		{"seq beyond int64", testID, broker("seq", "9223372036854775808"), "seq 9223372036854775808 is beyond"},
		{"seq below int64", testID, broker("seq", "-9223372036854775809"), "is beyond"},
		{"seq not a number stays without seq", testID, broker("seq", "x"), ""},
		{"number beyond float64", testID, broker("dat", `{"a":[1e400]}`), "beyond the range of a float64"},
		{"negative number beyond float64", testID, broker("dat", `{"a":-1e400}`), "beyond the range of a float64"},
		{"tiny number", testID, broker("dat", `{"a":1e-400}`), ""},
		{"nesting at the limit", testID, broker("dat", nested(ledger.MaxDepth)), ""},
		{"nesting beyond the limit", testID, broker("dat", nested(ledger.MaxDepth+1)), "nests deeper than 64"},
		{"arrays beyond the limit", testID, broker("dat", `{"a":`+strings.Repeat("[", ledger.MaxDepth)+strings.Repeat("]", ledger.MaxDepth)+`}`), "nests deeper"},
		{"largest id", "8796093022207-1048575", broker(), ""},
		{"id time beyond the archive", "8796093022208-0", broker(), "beyond the ledger's range"},
		{"id sequence beyond the archive", "1-1048576", broker(), "beyond the ledger's range"},
		{"another agent's id beyond the archive", "18446744073709551615-0", broker("agt", "identity_agent"), "beyond the ledger's range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledger.Decode(tc.id, tc.fields, nil)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			if !ledger.IsBadInput(err) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want bad input saying %q", err, tc.reason)
			}
		})
	}
}
