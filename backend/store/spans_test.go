package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// twoConversations is the fixture conversation interleaved with a copy of it under
// another conversation id, ending with another agent's entry for the first one.
func twoConversations(t *testing.T) (entries []ledger.Entry, first []string) {
	t.Helper()
	for i, e := range fixtureEntries(t) {
		e.ID = ledgerID(2*i, 0)
		if e.Fields["cid"] == "conv-7f3a91" {
			first = append(first, e.ID)
		}
		other := ledger.Entry{ID: ledgerID(2*i+1, 0), Fields: map[string]string{}}
		for k, v := range e.Fields {
			other.Fields[k] = v
		}
		other.Fields["cid"] = "conv-other"
		entries = append(entries, e, other)
	}
	late := ledger.Entry{ID: ledgerID(len(entries), 0), Fields: map[string]string{
		"agt": "risk_agent", "typ": "note", "cid": "conv-7f3a91", "dat": "{}",
	}}
	return append(entries, late), append(first, late.ID)
}

func ledgerID(ms, seq int) string {
	return idAt(int64(1764000000000+ms)<<seqBits | int64(seq)).String()
}

func TestRawEventsAreTheConversationsOwn(t *testing.T) {
	ctx := context.Background()
	entries, want := twoConversations(t)
	tests := []struct {
		name    string
		batches [][]ledger.Entry
	}{
		{"one batch", [][]ledger.Entry{entries}},
		{"batches of 3", chunks(entries, 3)},
		// The second half first: the first half is then applied out of order, as
		// when a dead consumer's pending entries are taken over.
		{"out of order", [][]ledger.Entry{entries[20:], entries[:20]}},
		// The last batch holds only the other agent's entry.
		{"other agent alone", [][]ledger.Entry{entries[:len(entries)-1], entries[len(entries)-1:]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			for _, b := range tt.batches {
				if _, err := s.ApplyBatch(ctx, "test", b); err != nil {
					t.Fatal(err)
				}
			}
			checkRawEvents(t, s, "conv-7f3a91", want)
			checkMessageSpans(t, s)
		})
	}
}

// checkMessageSpans compares each conversation's span of message ids with its
// messages.
func checkMessageSpans(t *testing.T, s *Store) {
	t.Helper()
	got := column(t, s, `SELECT id || ' ' || first_message || ' ' || last_message FROM conversations
		WHERE first_message IS NOT NULL ORDER BY id`)
	want := column(t, s, `SELECT conversation_id || ' ' || min(id) || ' ' || max(id) FROM messages
		GROUP BY conversation_id ORDER BY conversation_id`)
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("message spans %v, want %v (two conversations)", got, want)
	}
}

func checkRawEvents(t *testing.T, s *Store, cid string, want []string) {
	t.Helper()
	events, err := s.RawEvents(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.ID)
		if e.Fields["cid"] != cid {
			t.Errorf("raw event %s belongs to %s", e.ID, e.Fields["cid"])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("raw events of %s:\n got %v\nwant %v", cid, got, want)
	}
}

// A database from before the spans existed gets them from its archive and messages.
func TestSpansMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, want := twoConversations(t)
	if _, err := s.ApplyBatch(ctx, "test", entries); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"ALTER TABLE conversations DROP COLUMN first_pos",
		"ALTER TABLE conversations DROP COLUMN last_pos",
		"ALTER TABLE conversations DROP COLUMN first_message",
		"ALTER TABLE conversations DROP COLUMN last_message",
		"CREATE INDEX events_conversation ON events (cid)",
		"PRAGMA user_version = 2",
	} {
		if _, err := s.g().w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path, Options{})
	checkRawEvents(t, s, "conv-7f3a91", want)
	checkMessageSpans(t, s)
}
