package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// deadLetterAt rejects entries[k] while applying entries under checkpoint "test": its
// fields are good, so only the reason given keeps it out (as a dead letter written by
// an older reducer, or for a store error since fixed).
func deadLetterAt(t *testing.T, s *Store, entries []ledger.Entry, k int) ledger.ID {
	t.Helper()
	reject := map[string]string{entries[k].ID: "a reason that no longer holds"}
	res, err := s.applyBatch(context.Background(), "test", entries, batchOptions{reject: reject})
	if err != nil {
		t.Fatal(err)
	}
	if res.DeadLettered != 1 {
		t.Fatalf("dead-lettered %d, want 1", res.DeadLettered)
	}
	id, err := ledger.ParseID(entries[k].ID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func isArchived(t *testing.T, s *Store, id ledger.ID) bool {
	t.Helper()
	pos, err := position(id)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.g().r.QueryRow("SELECT count(*) FROM events WHERE pos = ?", pos).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestRetryAppliesAnEntryWhoseReasonNoLongerHolds(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	last := len(entries) - 1
	id := deadLetterAt(t, s, entries, last)
	before, _ := s.Counters(ctx)
	ckpt, _ := s.Checkpoint(ctx, "test")
	if isArchived(t, s, id) {
		t.Fatal("the dead letter is archived before its retry")
	}

	got, err := s.RetryDeadLetter(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Applied || len(got.Changes.Conversations) != 1 {
		t.Errorf("retry = %+v, want applied with its conversation changed", got)
	}
	if _, err := s.DeadLetter(ctx, id); !errors.Is(err, ErrNoDeadLetter) {
		t.Errorf("dead letter after a successful retry: %v, want ErrNoDeadLetter", err)
	}
	if !isArchived(t, s, id) {
		t.Error("the retried entry is not archived")
	}
	// The last entry applied late is the stream applied in order: the whole projection.
	checkFixtureProjection(t, s)
	after, _ := s.Counters(ctx)
	if after != before {
		t.Errorf("counters moved by a retry: %+v -> %+v", before, after)
	}
	if c, _ := s.Checkpoint(ctx, "test"); c != ckpt {
		t.Errorf("checkpoint moved by a retry: %s -> %s", ckpt, c)
	}
	if _, err := s.RetryDeadLetter(ctx, id); !errors.Is(err, ErrNoDeadLetter) {
		t.Errorf("second retry: %v, want ErrNoDeadLetter", err)
	}
}

func TestRetryOfABadEntryKeepsItDead(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	bad := ledger.Entry{ID: "5-0", Fields: map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1",
		"dat": `{"tax_file_number": "123 456 782", broken`}}
	if _, err := s.ApplyBatch(ctx, "test", []ledger.Entry{bad}); err != nil {
		t.Fatal(err)
	}
	id := ledger.ID{Ms: 5}
	first, err := s.DeadLetter(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if first.Retries != 0 || !first.LastRetryAt.IsZero() || first.Type != "user_input" || first.ConversationID != "c1" || first.Consumer != "test" {
		t.Errorf("new dead letter = %+v", first)
	}
	for i := 1; i <= 2; i++ {
		got, err := s.RetryDeadLetter(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Applied || !strings.Contains(got.Reason, "not JSON") {
			t.Errorf("retry %d = %+v, want still dead as not JSON", i, got)
		}
		dl, err := s.DeadLetter(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Retries != i || dl.LastRetryAt.IsZero() || !dl.At.Equal(first.At) || dl.Reason != got.Reason {
			t.Errorf("after retry %d: %+v", i, dl)
		}
	}
	if isArchived(t, s, id) {
		t.Error("a dead letter still bad is archived")
	}
	dl, _ := s.DeadLetter(ctx, id)
	for _, f := range dl.Fields {
		if strings.Contains(f.Value, "123 456 782") {
			t.Errorf("field %s holds the tax value: %q", f.Name, f.Value)
		}
	}
}

// A name the entry repeats keeps every value, in order, as the stream had them.
func TestDeadLetterKeepsRepeatedNames(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var e ledger.Entry
	e.ID = "7-0"
	for _, f := range [][2]string{{"agt", "broker"}, {"typ", "user_input"}, {"cid", "c1"}, {"cid", "c2"}, {"dat", `{"utterance":"hi"}`}} {
		e.Add(f[0], f[1])
	}
	if _, err := s.ApplyBatch(ctx, "test", []ledger.Entry{e}); err != nil {
		t.Fatal(err)
	}
	dl, err := s.DeadLetter(ctx, ledger.ID{Ms: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Field{{Name: "cid", Value: "c1"}, {Name: "agt", Value: "broker"}, {Name: "cid", Value: "c2"},
		{Name: "dat", Value: `{"utterance":"hi"}`}, {Name: "typ", Value: "user_input"}}
	if !slices.Equal(dl.Fields, want) {
		t.Errorf("fields = %v, want %v", dl.Fields, want)
	}
	// Retried as it came: both values, so still the same bad input.
	got, err := s.RetryDeadLetter(ctx, ledger.ID{Ms: 7})
	if err != nil || got.Applied {
		t.Errorf("retry = %+v, %v; want still dead", got, err)
	}
}

// The projector's record cache sees a retry another process committed on the same
// file: its next batch for the same conversation builds on the retried entry.
func TestRetryByAnotherProcessReachesTheProjectorsCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	projector, cli := openAt(t, path, Options{}), openAt(t, path, Options{})
	entries := fixtureEntries(t)
	k := len(entries) - 3 // the final decision
	id := deadLetterAt(t, projector, entries[:k+1], k)
	if projector.g().cache.Conversations() != 1 {
		t.Fatal("the projector's cache holds no conversation")
	}
	if got, err := cli.RetryDeadLetter(ctx, id); err != nil || !got.Applied {
		t.Fatalf("retry = %+v, %v", got, err)
	}
	if _, err := projector.ApplyBatch(ctx, "test", entries[k+1:]); err != nil {
		t.Fatal(err)
	}
	checkFixtureProjection(t, projector)
}

func TestDeadLettersListFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	base := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var entries []ledger.Entry
	for i := 1; i <= 7; i++ {
		typ := "user_input"
		if i%2 == 0 {
			typ = "assistant_response"
		}
		f := map[string]string{"agt": "broker", "typ": typ, "cid": "c1", "dat": "{broken"}
		if i == 7 {
			f["dat"] = `{"utterance":"hi"}`
			delete(f, "cid") // another reason
		}
		entries = append(entries, ledger.Entry{ID: fmt.Sprintf("%d-0", i), Fields: f})
	}
	if _, err := s.ApplyBatch(ctx, "test", entries); err != nil {
		t.Fatal(err)
	}
	// One dead letter a minute, the first at base; 3 and 4 in the same minute.
	for i := 1; i <= 7; i++ {
		at := base.Add(time.Duration(min(i, 4)) * time.Minute)
		if _, err := s.g().w.Exec("UPDATE dead_letters SET at = ? WHERE ms = ?", at.UnixMilli(), i); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(items []DeadLetterRecord) []string {
		var out []string
		for _, r := range items {
			out = append(out, r.ID.String())
		}
		return out
	}
	all := func(f DeadLetterFilter, limit int) ([]string, int) {
		var out []string
		var after *DeadLetterKey
		total := -1
		for range 20 {
			p, err := s.DeadLetters(ctx, f, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if total >= 0 && p.Total != total {
				t.Errorf("total changed between pages: %d, %d", total, p.Total)
			}
			total = p.Total
			out = append(out, ids(p.Items)...)
			if p.Next == nil {
				return out, total
			}
			after = p.Next
		}
		t.Fatal("paging does not end")
		return nil, 0
	}
	cases := []struct {
		name  string
		f     DeadLetterFilter
		limit int
		want  []string
	}{
		{"all, two a page", DeadLetterFilter{}, 2, []string{"7-0", "6-0", "5-0", "4-0", "3-0", "2-0", "1-0"}},
		{"all, one page", DeadLetterFilter{}, 50, []string{"7-0", "6-0", "5-0", "4-0", "3-0", "2-0", "1-0"}},
		{"type", DeadLetterFilter{Type: "assistant_response"}, 1, []string{"6-0", "4-0", "2-0"}},
		{"reason any case", DeadLetterFilter{Reason: "NOT json"}, 3, []string{"6-0", "5-0", "4-0", "3-0", "2-0", "1-0"}},
		{"reason with a wildcard is literal", DeadLetterFilter{Reason: "%"}, 3, nil},
		{"since inclusive, until exclusive", DeadLetterFilter{Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)}, 2, []string{"3-0", "2-0"}},
		{"type and time", DeadLetterFilter{Type: "user_input", Since: base.Add(4 * time.Minute)}, 1, []string{"7-0", "5-0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, total := all(c.f, c.limit)
			if !slices.Equal(got, c.want) || total != len(c.want) {
				t.Errorf("got %v (total %d), want %v", got, total, c.want)
			}
			sel, err := s.DeadLetterIDs(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var selected []string
			for _, id := range sel {
				selected = append(selected, id.String())
			}
			if !slices.Equal(selected, c.want) {
				t.Errorf("DeadLetterIDs = %v, want %v", selected, c.want)
			}
		})
	}
	if ok, err := s.DropDeadLetter(ctx, ledger.ID{Ms: 3}); !ok || err != nil {
		t.Errorf("drop = %v, %v", ok, err)
	}
	if ok, err := s.DropDeadLetter(ctx, ledger.ID{Ms: 3}); ok || err != nil {
		t.Errorf("second drop = %v, %v; want false", ok, err)
	}
	if got, _ := all(DeadLetterFilter{}, 3); slices.Contains(got, "3-0") {
		t.Errorf("dropped dead letter still listed: %v", got)
	}
}

// Rows from before migration 0007 get their type and conversation from their fields.
func TestDeadLetterMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP INDEX dead_letters_at", "DROP INDEX dead_letters_type_at",
		"ALTER TABLE dead_letters DROP COLUMN consumer", "ALTER TABLE dead_letters DROP COLUMN type",
		"ALTER TABLE dead_letters DROP COLUMN conversation_id", "ALTER TABLE dead_letters DROP COLUMN shadowed",
		"ALTER TABLE dead_letters DROP COLUMN retries", "ALTER TABLE dead_letters DROP COLUMN last_retry_at",
		`INSERT INTO dead_letters (ms, seq, reason, fields, at) VALUES (1, 0, 'r', CAST('{"typ":"user_input","cid":"c9"}' AS BLOB), 5)`,
		`INSERT INTO dead_letters (ms, seq, reason, fields, at) VALUES (2, 0, 'r', CAST('{"agt":"x"}' AS BLOB), 6)`,
		"PRAGMA user_version = 6",
	} {
		if _, err := s.g().w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	s = openAt(t, path, Options{})
	for _, c := range []struct {
		id       ledger.ID
		typ, cid string
	}{{ledger.ID{Ms: 1}, "user_input", "c9"}, {ledger.ID{Ms: 2}, "", ""}} {
		dl, err := s.DeadLetter(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Type != c.typ || dl.ConversationID != c.cid || dl.Retries != 0 {
			t.Errorf("%s after migration: %+v", c.id, dl)
		}
	}
}

// A retry from the API runs beside the projector's batches in the same process: they
// take turns on the apply path, so the record cache is one batch's at a time (run with
// -race). The fixture's entries were all dead-lettered; retried in order while the
// projector applies a second conversation, they end as the fixture's projection.
func TestRetryTakesTurnsWithBatches(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	reject := map[string]string{}
	for _, e := range entries {
		reject[e.ID] = "a reason that no longer holds"
	}
	if _, err := s.applyBatch(ctx, "test", entries, batchOptions{reject: reject}); err != nil {
		t.Fatal(err)
	}
	var other []ledger.Entry
	for i, e := range entries {
		f := maps.Clone(e.Fields)
		f["cid"] = "conv-other"
		other = append(other, ledger.Entry{ID: fmt.Sprintf("1765000000%03d-0", i), Fields: f})
	}
	done := make(chan error, 1)
	go func() {
		for _, batch := range chunks(other, 1) {
			if _, err := s.ApplyBatch(ctx, "test", batch); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for _, e := range entries {
		id, _ := ledger.ParseID(e.ID)
		if got, err := s.RetryDeadLetter(ctx, id); err != nil || !got.Applied {
			t.Fatalf("retry %s = %+v, %v", e.ID, got, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkFixtureSupervisor(t, s)
	if c, err := s.Conversation(ctx, "conv-other"); err != nil || c.MessageCount != 12 {
		t.Errorf("the projector's conversation: %+v, %v", c, err)
	}
}
