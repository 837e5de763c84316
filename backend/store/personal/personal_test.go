package personal

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSeenPerUserAndAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "personal.db")
	s := open(t, path)

	// Anna's first look: everything up to 100 counts as seen.
	anna, err := s.Seen(ctx, "anna@example.com", 100)
	if err != nil {
		t.Fatal(err)
	}
	if anna.Baseline != 100 {
		t.Fatalf("baseline = %d, want 100", anna.Baseline)
	}
	if err := s.MarkSeen(ctx, "anna@example.com", "c1", 150); err != nil {
		t.Fatal(err)
	}
	// An older position never moves it back.
	if err := s.MarkSeen(ctx, "anna@example.com", "c1", 120); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, path)
	// A later first look by Anna does not move her baseline.
	anna, err = s.Seen(ctx, "anna@example.com", 900)
	if err != nil {
		t.Fatal(err)
	}
	// Ben on the same computer starts on his own.
	ben, err := s.Seen(ctx, "ben@example.com", 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		seen    Seen
		id      string
		lastPos int64
		want    bool
	}{
		{"anna: before her baseline", anna, "c2", 90, false},
		{"anna: after her baseline, never opened", anna, "c2", 110, true},
		{"anna: opened after its last event", anna, "c1", 150, false},
		{"anna: events after she opened it", anna, "c1", 151, true},
		{"ben: anna's opening is not his", ben, "c1", 151, false},
		{"ben: after his baseline", ben, "c1", 501, true},
		{"unknown position", anna, "c3", 0, false},
	} {
		if got := tc.seen.Unread(tc.id, tc.lastPos); got != tc.want {
			t.Errorf("%s: Unread(%s, %d) = %v, want %v", tc.name, tc.id, tc.lastPos, got, tc.want)
		}
	}
	if anna.Baseline != 100 {
		t.Errorf("anna's baseline moved to %d", anna.Baseline)
	}
}

func TestMarkAllSeen(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "personal.db"))
	if _, err := s.Seen(ctx, "anna", 100); err != nil {
		t.Fatal(err)
	}
	for id, pos := range map[string]int64{"c1": 150, "c2": 300} {
		if err := s.MarkSeen(ctx, "anna", id, pos); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkAllSeen(ctx, "anna", 200); err != nil {
		t.Fatal(err)
	}
	// Never backwards.
	if err := s.MarkAllSeen(ctx, "anna", 50); err != nil {
		t.Fatal(err)
	}
	got, err := s.Seen(ctx, "anna", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Baseline != 200 {
		t.Errorf("baseline = %d, want 200", got.Baseline)
	}
	// c1 is covered by the baseline and forgotten; c2 was seen later and is kept.
	if len(got.Conversations) != 1 || got.Conversations["c2"] != 300 {
		t.Errorf("conversations = %v, want only c2 at 300", got.Conversations)
	}
	if got.Unread("c1", 199) || !got.Unread("c1", 201) || got.Unread("c2", 300) {
		t.Errorf("unread after mark all: c1@199 %v c1@201 %v c2@300 %v", got.Unread("c1", 199), got.Unread("c1", 201), got.Unread("c2", 300))
	}
}

func TestViews(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "personal.db"))
	v, err := s.SaveView(ctx, "anna", View{Name: "  Paused Smiths ", Search: "name:smith", Status: "Paused"})
	if err != nil {
		t.Fatal(err)
	}
	if v.ID == 0 || v.Name != "Paused Smiths" {
		t.Fatalf("saved %+v", v)
	}
	if _, err := s.SaveView(ctx, "anna", View{Name: "Waiting", Search: ""}); err != nil {
		t.Fatal(err)
	}
	// Ben's views are his own, and may share a name with Anna's.
	if _, err := s.SaveView(ctx, "ben", View{Name: "paused smiths"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		user string
		v    View
		want error
	}{
		{"no name", "anna", View{Name: "  "}, ErrViewName},
		{"name taken, other case", "anna", View{Name: "PAUSED SMITHS"}, ErrViewNameTaken},
		{"rename onto another", "anna", View{ID: v.ID, Name: "waiting"}, ErrViewNameTaken},
		{"another user's view", "ben", View{ID: v.ID, Name: "Mine now"}, ErrNoView},
	} {
		if _, err := s.SaveView(ctx, tc.user, tc.v); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := s.SaveView(ctx, "anna", View{ID: v.ID, Name: "Paused", Search: "name:smith", Status: "Paused"}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if err := s.DeleteView(ctx, "ben", v.ID); !errors.Is(err, ErrNoView) {
		t.Errorf("ben deleting anna's view: %v", err)
	}
	views, err := s.Views(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 2 || views[0].Name != "Paused" || views[0].Search != "name:smith" || views[1].Name != "Waiting" {
		t.Fatalf("anna's views = %+v", views)
	}
	if err := s.DeleteView(ctx, "anna", v.ID); err != nil {
		t.Fatal(err)
	}
	if views, _ = s.Views(ctx, "anna"); len(views) != 1 {
		t.Errorf("after delete: %+v", views)
	}
}

func TestTooManyViews(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "personal.db"))
	for i := range MaxViews {
		if _, err := s.SaveView(ctx, "anna", View{Name: string(rune('A'+i%26)) + string(rune('a'+i/26))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SaveView(ctx, "anna", View{Name: "one more"}); !errors.Is(err, ErrTooManyViews) {
		t.Errorf("err = %v, want ErrTooManyViews", err)
	}
}

func TestPreferences(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "personal.db"))
	if doc, err := s.Preferences(ctx, "anna"); err != nil || doc != "" {
		t.Fatalf("none yet: %q, %v", doc, err)
	}
	for _, doc := range []string{`{"notifyAttention":true}`, `{"notifyAttention":false}`} {
		if err := s.SetPreferences(ctx, "anna", doc); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Preferences(ctx, "anna"); got != doc {
			t.Errorf("got %q, want %q", got, doc)
		}
	}
	if got, _ := s.Preferences(ctx, "ben"); got != "" {
		t.Errorf("ben sees %q", got)
	}
}
