package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/billie/supervisor/backend/projection"
)

// A database from before assessments moved to the application keeps them on the
// conversation; opening it moves them, and a second conversation then shows them.
func TestMigrationMovesAssessmentsToTheApplication(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBatch(ctx, "test", fixtureEntries(t)); err != nil {
		t.Fatal(err)
	}
	// Put the data where version 5 kept it.
	const convID, number = "conv-7f3a91", "APP-2026-004217"
	c, err := s.Conversation(ctx, convID)
	if err != nil || c == nil {
		t.Fatalf("conversation: %v %v", c, err)
	}
	app, err := s.Application(ctx, number)
	if err != nil || app == nil || len(app.Assessments) != 3 || len(app.Noticeboard) != 2 {
		t.Fatalf("application after the fixture: %+v %v", app, err)
	}
	c.Assessments, c.Noticeboard, app.Assessments, app.Noticeboard = app.Assessments, app.Noticeboard, nil, nil
	for q, v := range map[string][]any{
		"UPDATE conversations SET doc = ? WHERE id = ?":    {mustMarshal(t, c), convID},
		"UPDATE applications SET doc = ? WHERE number = ?": {mustMarshal(t, app), number},
		"PRAGMA user_version = 5":                          nil,
	} {
		if _, err := s.g().w.ExecContext(ctx, q, v...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path, Options{})
	app, err = s.Application(ctx, number)
	if err != nil || len(app.Assessments) != 3 || len(app.Noticeboard) != 2 {
		t.Fatalf("migrated application: %+v %v", app, err)
	}
	if c, err = s.Conversation(ctx, convID); err != nil || len(c.Assessments) != 0 || len(c.Noticeboard) != 0 {
		t.Errorf("migrated conversation still holds %v / %v (%v)", c.Assessments, c.Noticeboard, err)
	}
	// A second conversation about the application, read back from the store.
	second := fixtureEntries(t)[0]
	second.ID = "1764000001000-0"
	second.Fields["cid"], second.Fields["seq"] = "conv-second", "1"
	if _, err := s.ApplyBatch(ctx, "test", append(fixtureEntries(t)[:0], second)); err != nil {
		t.Fatal(err)
	}
	c2, err := s.Conversation(ctx, "conv-second")
	if err != nil || c2 == nil || c2.ApplicationNumber != number {
		t.Fatalf("second conversation: %+v %v", c2, err)
	}
	if as, nb := projection.Held(c2, app); len(as) != 3 || len(nb) != 2 {
		t.Errorf("second conversation shows %d assessments, %d topics", len(as), len(nb))
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
