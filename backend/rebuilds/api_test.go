package rebuilds

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/store"
)

// TestAPI answers each route with its status and shape (the admin router adds the
// session and role checks every admin route has; the operations listener serves the
// same handlers).
func TestAPI(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "live.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries := simEntries(t, 20)
	for i := 0; i < len(entries); i += 100 {
		b := entries[i:min(i+100, len(entries))]
		if _, err := st.ApplyBatch(ctx, "g", b); err != nil {
			t.Fatal(err)
		}
	}
	release := make(chan struct{})
	r := New(ctx, Config{Store: st, Checkpoint: "g", Log: quiet, BatchSize: 50,
		AfterBatch: func(int64) error { <-release; return nil }})
	router := chi.NewRouter()
	NewAPI(r, quiet).OpsRoutes(router)
	srv := httptest.NewServer(router)
	defer srv.Close()
	call := func(method, path, body string, want int) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode != want {
			t.Errorf("%s %s %s: %d, want %d (%v)", method, path, body, res.StatusCode, want, out)
		}
		return out
	}
	call("POST", "/rebuilds", `{"source":"tape"}`, http.StatusBadRequest)
	call("POST", "/rebuilds", `{"since":"2026-13-01"}`, http.StatusBadRequest)
	call("POST", "/rebuilds", `{"unknown":1}`, http.StatusBadRequest)
	j := call("POST", "/rebuilds", `{"source":"archive"}`, http.StatusAccepted)
	id, _ := j["id"].(string)
	for _, k := range []string{"id", "kind", "source", "since", "conversation", "state", "done", "total", "ratePerSec", "etaSeconds", "error", "startedAt", "finishedAt", "startedBy"} {
		if _, ok := j[k]; !ok {
			t.Errorf("job has no %q: %v", k, j)
		}
	}
	if j["state"] != Running || j["startedBy"] != OpsActor || j["kind"] != KindRebuild {
		t.Errorf("job %v", j)
	}
	call("POST", "/rebuilds", `{"conversation":"c"}`, http.StatusConflict)
	if got := call("GET", "/rebuilds/"+id, "", http.StatusOK); got["id"] != id {
		t.Errorf("GET one: %v", got)
	}
	call("GET", "/rebuilds/nope", "", http.StatusNotFound)
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	if got := call("DELETE", "/rebuilds/"+id, "", http.StatusOK); got["state"] != Cancelled {
		t.Errorf("DELETE: %v", got)
	}
	call("DELETE", "/rebuilds/"+id, "", http.StatusConflict)
	list := call("GET", "/rebuilds", "", http.StatusOK)
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Errorf("list %v", list)
	}
}
