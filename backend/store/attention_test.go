package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// A replay deletes and inserts the records it rebuilds, and their messages under new
// ids: the attention facts (supervisor migration 0003, kept by triggers) come out as
// those of a database that applied the same stream once.
func TestAttentionFactsSurviveAReplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := Options{SupervisorQueries: true}
	entries := simEntries(t, 80, 11)
	live := openAt(t, filepath.Join(dir, "live.db"), o)
	want := openAt(t, filepath.Join(dir, "want.db"), o)
	applyAll(t, live, entries, 150)
	applyAll(t, want, entries, 150)
	since, err := ledger.ParseID(entries[len(entries)/2].ID)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := live.Replay(ctx, ReplaySelection{Since: since}, "g", nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Conversations == 0 {
		t.Fatalf("the replay rebuilt nothing: %+v", stats)
	}
	sameAttentionFacts(t, "after the replay", live, want)
}

// factQueries read every attention fact, in a fixed order.
var factQueries = []string{
	`SELECT json_array(id, application_number, customer_id, last_activity_at, last_message_at, decision, ended,
		last_sender, c_fraud, c_identity, c_sanctions, c_pep, fraud, identity, sanctions, pep, step, stage,
		offer_accepted, earliest_expiry, candidate) FROM attention_facts ORDER BY id`,
	`SELECT json_array(number, fraud, identity, sanctions, pep, step, stage, offer_accepted)
		FROM attention_applications ORDER BY number`,
	`SELECT json_array(id, documents, earliest_expiry) FROM attention_customers
		WHERE earliest_expiry IS NOT NULL ORDER BY id`,
}

// sameAttentionFacts fails unless got holds want's facts, and want has some.
func sameAttentionFacts(t *testing.T, when string, got, want *Store) {
	t.Helper()
	for _, q := range factQueries {
		g, w := column(t, got, q), column(t, want, q)
		if len(w) == 0 || !slices.Equal(g, w) {
			t.Errorf("%.40s: %d rows %s, %d applied with the triggers; first differing: %v", q, len(g), when, len(w), firstDiff(g, w))
		}
	}
}

// A first sync with the facts suspended ends with the facts of a cache that kept them
// all along, whether it resumes them or stops and opens the cache again.
func TestAttentionFactsSuspendedForAFirstSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := Options{SupervisorQueries: true}
	entries := simEntries(t, 80, 12)
	want := openAt(t, filepath.Join(dir, "want.db"), o)
	applyAll(t, want, entries, 150)

	resumed := openAt(t, filepath.Join(dir, "resumed.db"), o)
	if err := resumed.SuspendAttentionFacts(ctx); err != nil {
		t.Fatal(err)
	}
	if !resumed.AttentionFactsSuspended() {
		t.Error("not suspended after SuspendAttentionFacts")
	}
	applyAll(t, resumed, entries, 150)
	if n := len(column(t, resumed, factQueries[0])); n != 0 {
		t.Errorf("%d conversations' facts written while suspended", n)
	}
	if err := resumed.ResumeAttentionFacts(ctx); err != nil {
		t.Fatal(err)
	}
	if resumed.AttentionFactsSuspended() {
		t.Error("still suspended after ResumeAttentionFacts")
	}
	sameAttentionFacts(t, "after the resume", resumed, want)

	// Stopped halfway: the next Open builds the facts, and the triggers keep them.
	path := filepath.Join(dir, "stopped.db")
	stopped := openAt(t, path, o)
	if err := stopped.SuspendAttentionFacts(ctx); err != nil {
		t.Fatal(err)
	}
	half := len(entries) / 2
	applyAll(t, stopped, entries[:half], 150)
	if err := stopped.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := openAt(t, path, o)
	if reopened.AttentionFactsSuspended() {
		t.Error("suspended after a new Open")
	}
	applyAll(t, reopened, entries[half:], 150)
	sameAttentionFacts(t, "after a stop and a new Open", reopened, want)
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " ≠ " + b[i]
		}
	}
	return ""
}
