package store

import (
	"context"
	"testing"
)

// ApplyTime grows by the time each batch holds the apply lock (an online rebuild
// paces itself by it), and a store that applied nothing reports none.
func TestApplyTimeCountsBatches(t *testing.T) {
	s := openTemp(t)
	if got := s.ApplyTime(); got != 0 {
		t.Fatalf("ApplyTime before any batch = %v, want 0", got)
	}
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(context.Background(), "test", entries[:len(entries)/2]); err != nil {
		t.Fatal(err)
	}
	first := s.ApplyTime()
	if first <= 0 {
		t.Fatalf("ApplyTime after a batch = %v, want > 0", first)
	}
	if _, err := s.ApplyBatch(context.Background(), "test", entries[len(entries)/2:]); err != nil {
		t.Fatal(err)
	}
	if got := s.ApplyTime(); got <= first {
		t.Fatalf("ApplyTime after a second batch = %v, want > %v", got, first)
	}
}
