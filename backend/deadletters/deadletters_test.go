package deadletters

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/billie/supervisor/backend/internal/openapitest"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/web"
	_ "modernc.org/sqlite" // the test writes a row as another writer would
)

// auditLog keeps records in memory, as the ops store's audit log would.
type auditLog struct {
	mu      sync.Mutex
	records []auditRecord
	fail    error
}

type auditRecord struct{ Actor, Action, Target, Detail string }

func (a *auditLog) Record(_ context.Context, actor, action, target, detail string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return a.fail
	}
	a.records = append(a.records, auditRecord{actor, action, target, detail})
	return nil
}

func (a *auditLog) all() []auditRecord {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.records)
}

type env struct {
	st          *store.Store
	path        string
	audit       *auditLog
	svc         *Service
	h           http.Handler
	admin, supv string
}

const taxValue = "123 456 782"

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dl.db")
	st, err := store.Open(ctx, path, store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	accStore, err := ops.Open(ctx, filepath.Join(t.TempDir(), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accStore.Close() })
	acc, err := accounts.New(accStore, accounts.Options{Hash: accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, path: path, audit: &auditLog{}}
	e.svc = New(st, e.audit)
	adm := web.NewAdmin(acc, nil)
	NewAPI(e.svc, nil).AdminRoutes(adm)
	r := chi.NewRouter()
	r.Mount(web.AdminPrefix, adm)
	e.h = r
	for _, u := range []struct {
		email, role string
		tok         *string
	}{{"ada@billie.example", accounts.RoleAdmin, &e.admin}, {"sam@billie.example", accounts.RoleSupervisor, &e.supv}} {
		if _, err := acc.Create(ctx, u.email, "Name", u.role, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		sess, err := acc.Login(ctx, u.email, "a long enough password", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		*u.tok = sess.Token
	}
	return e
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, method, target, token string, body any) response {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := response{rec.Code, rec.Header(), rec.Body.Bytes()}
	validate(t, httptest.NewRequest(method, "http://localhost"+target, nil), res)
	return res
}

// validate checks a response against the backend's OpenAPI document.
func validate(t *testing.T, req *http.Request, res response) {
	t.Helper()
	openapitest.Check(t, req, res.code, res.header, res.body)
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%d %s: %v", r.code, r.body, err)
	}
	return v
}

// fixture entries: one conversation started, then a message whose dat is broken
// (and names a tax value), one without a cid, and one message the store is made to
// reject although it is good.
const tsp = "2026-11-24T09:14:02Z"

func broker(typ, cid, seq, dat string) map[string]string {
	return map[string]string{"agt": "broker", "typ": typ, "cid": cid, "aid": "APP-1", "uid": "cust-1", "seq": seq, "tsp": tsp, "dat": dat}
}

func (e *env) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	good := ledger.Entry{ID: "1764000000004-0", Fields: broker("user_input", "conv-1", "4", `{"utterance":"about $400 for car rego"}`)}
	entries := []ledger.Entry{
		{ID: "1764000000001-0", Fields: broker("conversation_started", "conv-1", "1", `{"conversation_id":"conv-1"}`)},
		{ID: "1764000000002-0", Fields: broker("user_input", "conv-1", "2", `{"tax_file_number": "`+taxValue+`", broken`)},
		{ID: "1764000000003-0", Fields: broker("assistant_response", "", "3", `{"u":"hello"}`)},
	}
	if _, err := e.st.ApplyBatch(ctx, "g", entries); err != nil {
		t.Fatal(err)
	}
	// A reason that no longer holds (an older reducer refused the entry; the store
	// failed to write it): a row with good fields, as another writer left it.
	fields, _ := json.Marshal(good.Fields)
	db, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `INSERT INTO dead_letters (ms, seq, reason, fields, at, consumer, type, conversation_id)
		VALUES (1764000000004, 0, 'the store could not apply it: database or disk is full', ?, 1764000000500, 'projector-old', 'user_input', 'conv-1')`, fields)
	if err != nil {
		t.Fatal(err)
	}
}

func TestAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, r := range []struct{ method, target string }{
		{"GET", "/api/admin/dead-letters"}, {"GET", "/api/admin/dead-letters/1-0"},
		{"POST", "/api/admin/dead-letters/retry"}, {"POST", "/api/admin/dead-letters/drop"},
	} {
		body := map[string]any{"all": true}
		if r.method == "GET" {
			body = nil
		}
		if got := e.do(t, r.method, r.target, "", body); got.code != 401 {
			t.Errorf("%s %s without a session: %d", r.method, r.target, got.code)
		}
		if got := e.do(t, r.method, r.target, e.supv, body); got.code != 403 {
			t.Errorf("%s %s as a supervisor: %d", r.method, r.target, got.code)
		}
	}
	if n := len(e.audit.all()); n != 0 {
		t.Errorf("%d audit records from refused requests", n)
	}
}

func TestListAndGet(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	res := e.do(t, "GET", "/api/admin/dead-letters?limit=2", e.admin, nil)
	if res.code != 200 {
		t.Fatalf("list: %d %s", res.code, res.body)
	}
	first := decode[Page](t, res)
	if first.Total != 3 || len(first.Items) != 2 || first.NextCursor == "" {
		t.Fatalf("first page = %+v", first)
	}
	second := decode[Page](t, e.do(t, "GET", "/api/admin/dead-letters?limit=2&cursor="+first.NextCursor, e.admin, nil))
	if second.Total != 3 || len(second.Items) != 1 || second.NextCursor != "" {
		t.Fatalf("second page = %+v", second)
	}
	var ids []string
	for _, it := range append(first.Items, second.Items...) {
		ids = append(ids, it.ID)
	}
	if !slices.Equal(ids, []string{"1764000000003-0", "1764000000002-0", "1764000000004-0"}) {
		t.Errorf("ids = %v (newest dead first)", ids)
	}
	byType := decode[Page](t, e.do(t, "GET", "/api/admin/dead-letters?type=user_input&reason=JSON", e.admin, nil))
	if byType.Total != 1 || byType.Items[0].ID != "1764000000002-0" || byType.Items[0].ConversationID != "conv-1" {
		t.Errorf("filtered = %+v", byType)
	}
	d := decode[Detail](t, e.do(t, "GET", "/api/admin/dead-letters/1764000000002-0", e.admin, nil))
	if d.Type != "user_input" || d.Retries != 0 || d.LastRetryAt != nil || len(d.Fields) != 8 || d.Fields[0][0] != "agt" {
		t.Errorf("detail = %+v", d)
	}
	if strings.Contains(string(e.do(t, "GET", "/api/admin/dead-letters/1764000000002-0", e.admin, nil).body), taxValue) {
		t.Error("the detail holds the tax value")
	}
	if got := e.do(t, "GET", "/api/admin/dead-letters/1764000000009-0", e.admin, nil); got.code != 404 {
		t.Errorf("unknown id: %d %s", got.code, got.body)
	}
}

func TestRequestsAreChecked(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	many := make([]string, MaxIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("%d-0", i+1)
	}
	gets := []string{
		"/api/admin/dead-letters?limit=0", "/api/admin/dead-letters?limit=501", "/api/admin/dead-letters?limit=x",
		"/api/admin/dead-letters?since=yesterday", "/api/admin/dead-letters?since=2026-11-25T00:00:00Z&until=2026-11-24T00:00:00Z",
		"/api/admin/dead-letters?cursor=nonsense", "/api/admin/dead-letters?reason=" + strings.Repeat("a", 201),
		"/api/admin/dead-letters?sort=reason", "/api/admin/dead-letters/1-x", "/api/admin/dead-letters/01-0",
	}
	for _, target := range gets {
		if got := e.do(t, "GET", target, e.admin, nil); got.code != 400 {
			t.Errorf("GET %s: %d %s", target, got.code, got.body)
		}
	}
	bodies := []any{
		map[string]any{}, map[string]any{"ids": []string{}}, map[string]any{"ids": []string{"1-0"}, "all": true},
		map[string]any{"all": true, "filter": map[string]any{}}, map[string]any{"ids": []string{"1764000000002-0; DROP"}},
		map[string]any{"ids": many}, map[string]any{"filter": map[string]any{"since": "soon"}},
		map[string]any{"filter": map[string]any{"colour": "red"}}, map[string]any{"everything": true},
	}
	for _, path := range []string{"/api/admin/dead-letters/retry", "/api/admin/dead-letters/drop"} {
		for _, b := range bodies {
			if got := e.do(t, "POST", path, e.admin, b); got.code != 400 {
				t.Errorf("POST %s %v: %d %s", path, b, got.code, got.body)
			}
		}
	}
	if p := decode[Page](t, e.do(t, "GET", "/api/admin/dead-letters", e.admin, nil)); p.Total != 3 {
		t.Errorf("refused requests changed the dead letters: %d left", p.Total)
	}
}

func TestRetry(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	ctx := context.Background()
	before, err := e.st.Conversation(ctx, "conv-1")
	if err != nil || before == nil {
		t.Fatalf("conversation: %v %v", before, err)
	}
	res := e.do(t, "POST", "/api/admin/dead-letters/retry", e.admin,
		map[string]any{"ids": []string{"1764000000002-0", "1764000000004-0", "1764000000009-0"}})
	if res.code != 200 {
		t.Fatalf("retry: %d %s", res.code, res.body)
	}
	rep := decode[RetryReport](t, res)
	if rep.Retried != 2 || rep.Applied != 1 || rep.StillDead != 1 || len(rep.Results) != 3 {
		t.Fatalf("report = %+v", rep)
	}
	want := []Result{
		{ID: "1764000000002-0", Reason: rep.Results[0].Reason},
		{ID: "1764000000004-0", OK: true},
		{ID: "1764000000009-0", Reason: NoSuchDeadLetter},
	}
	if !slices.Equal(rep.Results, want) || !strings.Contains(rep.Results[0].Reason, "not JSON") {
		t.Errorf("results = %+v", rep.Results)
	}
	// Still bad: stays, with one retry.
	bad := decode[Detail](t, e.do(t, "GET", "/api/admin/dead-letters/1764000000002-0", e.admin, nil))
	if bad.Retries != 1 || bad.LastRetryAt == nil || bad.Reason != rep.Results[0].Reason {
		t.Errorf("still dead = %+v", bad.Item)
	}
	// Good: gone from the dead letters, in the read model.
	if got := e.do(t, "GET", "/api/admin/dead-letters/1764000000004-0", e.admin, nil); got.code != 404 {
		t.Errorf("applied dead letter: %d", got.code)
	}
	after, err := e.st.Conversation(ctx, "conv-1")
	if err != nil {
		t.Fatal(err)
	}
	if after.MessageCount != before.MessageCount+1 {
		t.Errorf("messages %d -> %d, want one more", before.MessageCount, after.MessageCount)
	}
	raw, err := e.st.RawEvents(ctx, "conv-1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(raw, func(r store.ArchivedEvent) bool { return r.ID == "1764000000004-0" }) {
		t.Errorf("the applied entry is not archived: %v", raw)
	}
	recs := e.audit.all()
	if len(recs) != 2 || recs[0] != (auditRecord{"ada@billie.example", ActionRetry, "1764000000002-0", "still dead: " + rep.Results[0].Reason}) ||
		recs[1] != (auditRecord{"ada@billie.example", ActionRetry, "1764000000004-0", "applied"}) {
		t.Errorf("audit = %+v", recs)
	}
}

func TestDrop(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	// A drop that cannot be recorded does not happen.
	e.audit.fail = errors.New("audit log unavailable")
	if got := e.do(t, "POST", "/api/admin/dead-letters/drop", e.admin, map[string]any{"all": true}); got.code != 503 {
		t.Errorf("drop without an audit log: %d %s", got.code, got.body)
	}
	if p := decode[Page](t, e.do(t, "GET", "/api/admin/dead-letters", e.admin, nil)); p.Total != 3 {
		t.Fatalf("%d dead letters after a drop that could not be recorded, want 3", p.Total)
	}
	e.audit.fail = nil

	res := e.do(t, "POST", "/api/admin/dead-letters/drop", e.admin,
		map[string]any{"filter": map[string]any{"type": "user_input", "reason": "json"}})
	if res.code != 200 {
		t.Fatalf("drop: %d %s", res.code, res.body)
	}
	if rep := decode[DropReport](t, res); rep.Dropped != 1 || rep.Results[0] != (Result{ID: "1764000000002-0", OK: true}) {
		t.Errorf("report = %+v", rep)
	}
	if got := e.do(t, "GET", "/api/admin/dead-letters/1764000000002-0", e.admin, nil); got.code != 404 {
		t.Errorf("dropped dead letter: %d", got.code)
	}
	recs := e.audit.all()
	if len(recs) != 1 || recs[0].Action != ActionDrop || recs[0].Target != "1764000000002-0" || recs[0].Actor != "ada@billie.example" {
		t.Fatalf("audit = %+v", recs)
	}
	var kept dropRecord
	if err := json.Unmarshal([]byte(recs[0].Detail), &kept); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(kept.Reason, "not JSON") || kept.Type != "user_input" || len(kept.Fields) != 8 ||
		!slices.Contains(kept.Fields, [2]string{"cid", "conv-1"}) {
		t.Errorf("audit keeps %+v", kept)
	}
	if strings.Contains(recs[0].Detail, taxValue) {
		t.Errorf("audit detail holds the tax value: %s", recs[0].Detail)
	}
	// Unknown and already dropped IDs are results, not failures.
	rep := decode[DropReport](t, e.do(t, "POST", "/api/admin/dead-letters/drop", e.admin, map[string]any{"ids": []string{"1764000000002-0"}}))
	if rep.Dropped != 0 || rep.Results[0] != (Result{ID: "1764000000002-0", Reason: NoSuchDeadLetter}) {
		t.Errorf("second drop = %+v", rep)
	}
	// No tax value anywhere in the database files.
	e.st.Close()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(e.path + suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(taxValue)) {
			t.Errorf("%s holds the tax value", filepath.Base(e.path+suffix))
		}
	}
}
