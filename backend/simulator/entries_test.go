package simulator

import (
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

func TestStreamIDs(t *testing.T) {
	at := time.UnixMilli(1_000)
	var ids StreamIDs
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{at, "1000-0"},
		{at, "1000-1"},                        // the same millisecond: the next sequence
		{at.Add(-time.Millisecond), "1000-2"}, // an earlier time never goes back
		{at.Add(time.Millisecond), "1001-0"},
	} {
		if got := ids.Next(tc.at); got != tc.want {
			t.Errorf("Next(%d) = %s, want %s", tc.at.UnixMilli(), got, tc.want)
		}
	}
}

// Entries come in stream order: every ID after the one before it.
func TestEntriesInStreamOrder(t *testing.T) {
	entries, err := Entries(Options{Conversations: 30, Seed: 3, Messy: true, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), History: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 300 {
		t.Fatalf("%d entries of 30 conversations", len(entries))
	}
	var prev ledger.ID
	for i, e := range entries {
		id, err := ledger.ParseID(e.ID)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if i > 0 && prev.Compare(id) >= 0 {
			t.Fatalf("entry %d: %s does not follow %s", i, e.ID, entries[i-1].ID)
		}
		prev = id
	}
}
