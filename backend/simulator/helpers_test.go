package simulator

import (
	"encoding/json"
	"testing"
	"time"
)

// anchor is a fixed "now" so that runs are reproducible.
var anchor = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func generate(t testing.TB, o Options) []Entry {
	t.Helper()
	if o.Start.IsZero() {
		o.Start = anchor
	}
	g, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): %v", o, err)
	}
	var out []Entry
	for {
		e, ok := g.Next()
		if !ok {
			return out
		}
		out = append(out, e)
	}
}

// decode returns dat as an object, following double encoding, or nil.
func decode(dat string) map[string]any {
	var v any
	if json.Unmarshal([]byte(dat), &v) != nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return decode(s)
	}
	m, _ := v.(map[string]any)
	return m
}
