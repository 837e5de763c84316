package projection_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/billie/supervisor/backend/projection"
)

// The field readers are the one reading of a stored field for every view.
func TestFieldReaders(t *testing.T) {
	m := obj{
		"s": " text ", "n": 400.5, "jn": json.Number("12"), "b": true, "o": obj{}, "null": nil,
		"yes": "yes", "false": "false", "zero": "0", "empty": "", "one": 1.0, "nought": 0.0,
		"money": "$1,200.50", "numeric": " 42 ", "nan": "NaN", "inf": "Inf", "words": "a lot",
	}
	texts := map[string]string{"s": "text", "n": "400.5", "jn": "12", "b": "", "o": "", "null": "", "absent": ""}
	for k, want := range texts {
		if got := projection.Text(m, k); got != want {
			t.Errorf("Text(%s) = %q, want %q", k, got, want)
		}
	}
	flags := map[string]*bool{"b": ptr(true), "yes": ptr(true), "false": ptr(false), "zero": ptr(false), "empty": ptr(false),
		"one": ptr(true), "nought": ptr(false), "null": nil, "absent": nil}
	for k, want := range flags {
		got := projection.Flag(m, k)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("Flag(%s) = %v, want %v", k, deref(got), deref(want))
		}
	}
	numbers := map[string]*float64{"n": ptr(400.5), "jn": ptr(12.0), "money": ptr(1200.5), "numeric": ptr(42.0),
		"nan": nil, "inf": nil, "words": nil, "b": nil, "null": nil, "absent": nil}
	for k, want := range numbers {
		got := projection.Number(m, k)
		if (got == nil) != (want == nil) || (got != nil && (*got != *want || math.IsNaN(*got))) {
			t.Errorf("Number(%s) = %v, want %v", k, deref(got), deref(want))
		}
	}
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
