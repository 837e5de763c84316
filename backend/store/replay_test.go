package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// TestReplaySinceRebuildsExactlyTheTouchedRecords: records touched at or after the
// point are rebuilt from their whole history (a corrupted one is fixed, a deleted
// message comes back); a record nothing touched since keeps its rows as they were,
// even wrong ones.
func TestReplaySinceRebuildsExactlyTheTouchedRecords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := simEntries(t, 80, 11)
	live := openAt(t, filepath.Join(dir, "live.db"), Options{})
	want := openAt(t, filepath.Join(dir, "want.db"), Options{})
	applyAll(t, live, entries, 150)
	applyAll(t, want, entries, 150)
	since, err := ledger.ParseID(entries[len(entries)*3/4].ID)
	if err != nil {
		t.Fatal(err)
	}
	sel := ReplaySelection{Since: since}
	set, err := live.replaySeeds(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.closeSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	all := column(t, live, "SELECT id FROM conversations ORDER BY last_pos")
	var touched, untouched string
	for _, id := range all {
		if set.convs[id] && touched == "" && len(column(t, live, "SELECT id FROM messages WHERE conversation_id = '"+id+"'")) > 1 {
			touched = id
		}
		if !set.convs[id] && untouched == "" {
			untouched = id
		}
	}
	if touched == "" || untouched == "" {
		t.Fatalf("no touched or untouched conversation: %d of %d in the set", len(set.convs), len(all))
	}
	corrupt(t, live, touched)
	corrupt(t, live, untouched)
	stats, err := live.Replay(ctx, sel, "g", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("replay: %+v of %d conversations", stats, len(all))
	for _, table := range ReadModelTables {
		got, _ := live.Rows(ctx, table)
		exp, _ := want.Rows(ctx, table)
		var diff []string
		for _, r := range got {
			if !slices.Contains(exp, r) {
				diff = append(diff, r)
			}
		}
		wantDiff := 0
		if table == "conversations" || table == "messages" {
			wantDiff = 1 // the untouched one keeps its corrupted rows
		}
		if len(diff) != wantDiff || len(got) != len(exp) {
			t.Errorf("%s: %d rows against %d, %d differ, want %d", table, len(got), len(exp), len(diff), wantDiff)
		}
		if wantDiff == 1 && len(diff) == 1 && !strings.Contains(diff[0], untouched) {
			t.Errorf("%s: the row that differs is not %s's: %.60s", table, untouched, diff[0])
		}
	}
}

// TestReplayConversation rebuilds one conversation, its customer and application.
func TestReplayConversation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := simEntries(t, 60, 13)
	live := openAt(t, filepath.Join(dir, "live.db"), Options{})
	want := openAt(t, filepath.Join(dir, "want.db"), Options{})
	applyAll(t, live, entries, 150)
	applyAll(t, want, entries, 150)
	id := column(t, live, "SELECT id FROM conversations WHERE application_number != '' AND customer_id != '' ORDER BY id LIMIT 1")[0]
	corrupt(t, live, id)
	if _, err := live.g().w.Exec(`UPDATE applications SET doc = '{}', status = 'x' WHERE number = (SELECT application_number FROM conversations WHERE id = ?);
		UPDATE customers SET name = 'Wrong' WHERE id = (SELECT customer_id FROM conversations WHERE id = ?)`, id, id); err != nil {
		t.Fatal(err)
	}
	stats, err := live.Replay(ctx, ReplaySelection{Conversation: id}, "g", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("replay: %+v", stats)
	for _, table := range ReadModelTables {
		got, _ := live.Rows(ctx, table)
		exp, _ := want.Rows(ctx, table)
		if !slices.Equal(got, exp) {
			t.Errorf("%s differs after the replay", table)
		}
	}
}

// corrupt changes a conversation's row, its portal row and its first message's
// document as a faulty reducer might have.
func corrupt(t *testing.T, s *Store, id string) {
	t.Helper()
	if _, err := s.g().w.Exec(`UPDATE conversations SET doc = '{"id":"`+id+`"}', decision = 'WRONG' WHERE id = ?1;
		UPDATE messages SET doc = '{}' WHERE id = (SELECT min(id) FROM messages WHERE conversation_id = ?1)`, id); err != nil {
		t.Fatal(err)
	}
}

// TestReplayConversationBringsItsCustomersOtherConversations: a customer's history
// includes its other conversations, so replaying one conversation rebuilds them too
// (and the customer from all of them).
func TestReplayConversationBringsItsCustomersOtherConversations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := simEntries(t, 400, 17)
	live := openAt(t, filepath.Join(dir, "live.db"), Options{})
	want := openAt(t, filepath.Join(dir, "want.db"), Options{})
	applyAll(t, live, entries, 500)
	applyAll(t, want, entries, 500)
	shared := column(t, live, `SELECT customer_id FROM conversations WHERE customer_id != ''
		GROUP BY customer_id HAVING count(*) > 1 ORDER BY customer_id LIMIT 1`)
	if len(shared) == 0 {
		t.Fatal("no customer with two conversations in the data")
	}
	convs := column(t, live, "SELECT id FROM conversations WHERE customer_id = '"+shared[0]+"' ORDER BY id")
	corrupt(t, live, convs[1])
	if _, err := live.g().w.Exec(`UPDATE customers SET doc = '{}' WHERE id = ?`, shared[0]); err != nil {
		t.Fatal(err)
	}
	stats, err := live.Replay(ctx, ReplaySelection{Conversation: convs[0]}, "g", nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Conversations < 2 {
		t.Errorf("replayed %d conversations, want the customer's %d", stats.Conversations, len(convs))
	}
	for _, table := range ReadModelTables {
		got, _ := live.Rows(ctx, table)
		exp, _ := want.Rows(ctx, table)
		if !slices.Equal(got, exp) {
			t.Errorf("%s differs after the replay", table)
		}
	}
}
