package store

import (
	"context"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// The archive keeps a payload without the tax fields the reducer never saw, however
// the producer spelled their names: the raw dat is kept only when nothing was removed.
func TestArchiveKeepsNoTaxFieldsHoweverSpelled(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	dats := []string{
		`{"tax_file_number":"SECRET","ok":1}`,
		`{"tax\u005ffile_number":"SECRET","ok":1}`,
		`"{\"\\u0074ax_country\":\"SECRET\",\"ok\":1}"`,
		`{"note":"syntax_error","u":"caf\u00e9"}`,
	}
	var entries []ledger.Entry
	for i, dat := range dats {
		entries = append(entries, ledger.Entry{ID: ledgerID(i+1, 0), Fields: map[string]string{
			"agt": "broker", "typ": "custom_assessment", "cid": "conv-1", "aid": "APP-1", "uid": "cust-1", "dat": dat,
		}})
	}
	if _, err := s.ApplyBatch(ctx, "test", entries); err != nil {
		t.Fatal(err)
	}
	rows, err := s.g().r.QueryContext(ctx, "SELECT dat FROM events ORDER BY pos")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var dat string
		if err := rows.Scan(&dat); err != nil {
			t.Fatal(err)
		}
		got = append(got, dat)
	}
	if len(got) != len(dats) {
		t.Fatalf("archived %d entries, want %d", len(got), len(dats))
	}
	for i, dat := range got[:3] {
		if strings.Contains(dat, "SECRET") || !strings.Contains(dat, `"ok"`) {
			t.Errorf("entry %d archived as %s", i, dat)
		}
	}
	if got[3] != dats[3] {
		t.Errorf("a payload without tax fields was rewritten: %s", got[3])
	}
}
