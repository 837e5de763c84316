package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func openPortalTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"), Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func portalIDs(rows []PortalRow) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Pos.ID)
	}
	return ids
}

// TestPortalReader: lists are newest first with ties broken by id, pages continue
// after a position, every read is scoped to its customer, and search matches the
// documents' fields with LIKE's wildcards taken literally.
func TestPortalReader(t *testing.T) {
	ctx := context.Background()
	s := openPortalTest(t)
	for i, a := range []struct {
		cust, id string
		at       int64
		status   string
	}{
		{"c1", "APP-1", 100, "approved"}, {"c1", "APP-2", 200, "in_review"}, {"c1", "APP-3", 200, "100%_sure"},
		{"c2", "APP-9", 300, "approved"},
	} {
		doc := fmt.Sprintf(`{"applicationId":%q,"status":%q,"currentStage":"stage-%d"}`, a.id, a.status, i)
		if _, err := s.g().w.ExecContext(ctx, `INSERT INTO portal_applications (customer_id, application_id, last_update_at, version, doc)
			VALUES (?, ?, ?, 1, ?)`, a.cust, a.id, a.at, doc); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cust, id string
		at       int64
		purpose  string
	}{{"c1", "conv-a", 10, "Dental work"}, {"c1", "conv-b", 20, "Car repair"}, {"c3", "conv-z", 30, "Dental work"}} {
		doc := fmt.Sprintf(`{"id":%q,"applicationId":null,"purpose":%q,"status":"open","lastMessage":"hello"}`, c.id, c.purpose)
		if _, err := s.g().w.ExecContext(ctx, `INSERT INTO portal_conversations (customer_id, conversation_id, last_message_at, started_at, version, doc)
			VALUES (?, ?, ?, ?, 1, ?)`, c.cust, c.id, c.at, c.at, doc); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.PortalReader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	apps, err := r.Applications(ctx, "c1", nil, 2)
	if err != nil || !slices.Equal(portalIDs(apps), []string{"APP-2", "APP-3"}) {
		t.Fatalf("first page %v %v", portalIDs(apps), err)
	}
	if apps[0].Pos != (PortalPosition{Key: 200, ID: "APP-2"}) || len(apps[0].Doc) == 0 {
		t.Errorf("row %+v", apps[0])
	}
	apps, err = r.Applications(ctx, "c1", &apps[0].Pos, 10)
	if err != nil || !slices.Equal(portalIDs(apps), []string{"APP-3", "APP-1"}) {
		t.Errorf("after APP-2: %v %v", portalIDs(apps), err)
	}
	if doc, err := r.Application(ctx, "c1", "APP-1"); err != nil || doc == nil {
		t.Errorf("APP-1: %s %v", doc, err)
	}
	if doc, err := r.Application(ctx, "c1", "APP-9"); err != nil || doc != nil {
		t.Errorf("another customer's application: %s %v", doc, err)
	}
	convs, err := r.Conversations(ctx, "c1", nil, 10)
	if err != nil || !slices.Equal(portalIDs(convs), []string{"conv-b", "conv-a"}) {
		t.Errorf("conversations %v %v", portalIDs(convs), err)
	}
	convs, err = r.Conversations(ctx, "c1", &convs[0].Pos, 10)
	if err != nil || !slices.Equal(portalIDs(convs), []string{"conv-a"}) {
		t.Errorf("conversations after conv-b %v %v", portalIDs(convs), err)
	}

	for _, tc := range []struct {
		q           string
		apps, convs []string
	}{
		{"APPROVED", []string{"APP-1"}, nil},
		{"stage-1", []string{"APP-2"}, nil},
		{"%", []string{"APP-3"}, nil},   // literal, not "anything"
		{"0%_", []string{"APP-3"}, nil}, // literal underscore too
		{"dental", nil, []string{"conv-a"}},
		{"hello", nil, []string{"conv-b", "conv-a"}},
		{"nothing like it", nil, nil},
	} {
		apps, convs, err := r.Search(ctx, "c1", tc.q, 10)
		if err != nil || !slices.Equal(portalIDs(apps), tc.apps) || !slices.Equal(portalIDs(convs), tc.convs) {
			t.Errorf("search %q: %v %v %v", tc.q, portalIDs(apps), portalIDs(convs), err)
		}
	}

	custs, err := s.PortalCustomers(ctx)
	slices.Sort(custs)
	if err != nil || !slices.Equal(custs, []string{"c1", "c2", "c3"}) {
		t.Errorf("customers %v %v", custs, err)
	}
}
