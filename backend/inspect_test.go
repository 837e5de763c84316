package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// `backend inspect application` prints the application's assessments and noticeboard,
// and `inspect conversation` shows them for every conversation about it (contract §3).
func TestInspectShowsTheApplicationsAssessments(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "i.db")
	env := map[string]string{"BILLIE_DB": db}
	cfg := defaultConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	st, err := cfg.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entry := func(id, typ, cid, dat string) ledger.Entry {
		return ledger.Entry{ID: id, Fields: map[string]string{"agt": "broker", "typ": typ, "cid": cid, "aid": "APP-9",
			"tsp": "2026-11-24T09:00:00Z", "dat": dat}}
	}
	_, err = st.ApplyBatch(ctx, "test", []ledger.Entry{
		entry("1764000000000-0", "identityRisk_assessment", "conv-1", `{"decision":"PASS"}`),
		entry("1764000000001-0", "noticeboard_updated", "conv-1", `{"agent_name":"a::Identity Check","post":"ok"}`),
		entry("1764000000002-0", "conversation_started", "conv-2", `{}`),
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := runBackend(nil, "inspect", "application", "APP-9", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Application struct {
			Assessments map[string]any `json:"assessments"`
			Noticeboard map[string]any `json:"noticeboard"`
		} `json:"application"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil || a.Application.Assessments["identityRisk"] == nil ||
		a.Application.Noticeboard["Identity Check"] == nil {
		t.Errorf("inspect application: %v\n%s", err, out)
	}
	out, err = runBackend(nil, "inspect", "conversation", "conv-2", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Assessments map[string]any `json:"assessments"`
		Noticeboard map[string]any `json:"noticeboard"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Assessments["identityRisk"] == nil || c.Noticeboard["Identity Check"] == nil {
		t.Errorf("inspect conversation conv-2: %v\n%s", err, out)
	}
}
