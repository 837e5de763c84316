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
	for _, q := range []string{
		`SELECT json_array(id, application_number, customer_id, last_activity_at, last_message_at, decision, ended,
			last_sender, c_fraud, c_identity, c_sanctions, c_pep, fraud, identity, sanctions, pep, step, stage,
			offer_accepted, earliest_expiry, candidate) FROM attention_facts ORDER BY id`,
		`SELECT json_array(number, fraud, identity, sanctions, pep, step, stage, offer_accepted)
			FROM attention_applications ORDER BY number`,
		`SELECT json_array(id, documents, earliest_expiry) FROM attention_customers
			WHERE earliest_expiry IS NOT NULL ORDER BY id`,
	} {
		got, exp := column(t, live, q), column(t, want, q)
		if len(exp) == 0 || !slices.Equal(got, exp) {
			t.Errorf("%.40s: %d rows after the replay, %d applied once; first differing: %v", q, len(got), len(exp), firstDiff(got, exp))
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " ≠ " + b[i]
		}
	}
	return ""
}
