package sharedsettings

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/accounts"
)

// memStore is the ops store's settings table in memory.
type memStore struct {
	mu   sync.Mutex
	vals map[string][]byte
	by   map[string]string
}

func (m *memStore) Setting(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[key]
	return v, ok, nil
}

func (m *memStore) PutSetting(_ context.Context, key string, value []byte, by string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vals[key], m.by[key] = value, by
	return nil
}

type record struct{ actor, action, target, detail string }

type memAudit struct {
	mu  sync.Mutex
	log []record
}

func (a *memAudit) Record(_ context.Context, actor, action, target, detail string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = append(a.log, record{actor, action, target, detail})
	return nil
}

// tokens: "admin" and "sup" open sessions of those roles; anything else none.
type fakeAuth struct{}

func (fakeAuth) Authenticate(_ context.Context, tok string) (accounts.Session, error) {
	switch tok {
	case "admin":
		return accounts.Session{Token: tok, User: accounts.User{Email: "ada@billie.test", Role: accounts.RoleAdmin}}, nil
	case "sup":
		return accounts.Session{Token: tok, User: accounts.User{Email: "sam@billie.test", Role: accounts.RoleSupervisor}}, nil
	}
	return accounts.Session{}, accounts.ErrNoSession
}

func server(t *testing.T) (*httptest.Server, *memStore, *memAudit) {
	t.Helper()
	st := &memStore{vals: map[string][]byte{}, by: map[string]string{}}
	au := &memAudit{}
	svc := New(st, au, Settings{RedisURL: "redis://ledger-user:s3cret@ledger.internal:6379/0", Stream: "chatLedger"})
	r := chi.NewRouter()
	r.Mount(Path, Handler(svc, fakeAuth{}, nil))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, st, au
}

func call(t *testing.T, srv *httptest.Server, method, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

const good = `{"redisUrl":"rediss://ledger.internal:6380/2","stream":"chatLedger","thresholds":{"pausedSeconds":120,"softEndSeconds":900,"hardEndSeconds":43200}}`

func TestReadByAnySessionChangeByAdminsOnly(t *testing.T) {
	srv, st, au := server(t)

	if code, _ := call(t, srv, http.MethodGet, "", ""); code != http.StatusUnauthorized {
		t.Errorf("GET without a session: %d, want 401", code)
	}
	code, got := call(t, srv, http.MethodGet, "sup", "")
	if code != http.StatusOK {
		t.Fatalf("GET as a supervisor: %d", code)
	}
	if got["redisUrl"] != "redis://ledger.internal:6379/0" || got["stream"] != "chatLedger" {
		t.Errorf("defaults: %v (credentials must not be shared)", got)
	}
	if th := got["thresholds"].(map[string]any); th["pausedSeconds"] != float64(180) || th["hardEndSeconds"] != float64(86400) {
		t.Errorf("default thresholds: %v", th)
	}

	if code, _ := call(t, srv, http.MethodPut, "", good); code != http.StatusUnauthorized {
		t.Errorf("PUT without a session: %d, want 401", code)
	}
	if code, _ := call(t, srv, http.MethodPut, "sup", good); code != http.StatusForbidden {
		t.Errorf("PUT as a supervisor: %d, want 403", code)
	}
	if len(st.vals) != 0 || len(au.log) != 0 {
		t.Fatalf("a refused PUT changed something: %v %v", st.vals, au.log)
	}

	if code, out := call(t, srv, http.MethodPut, "admin", good); code != http.StatusOK {
		t.Fatalf("PUT as an admin: %d %v", code, out)
	}
	if st.by[Key] != "ada@billie.test" {
		t.Errorf("stored by %q", st.by[Key])
	}
	if len(au.log) != 1 || au.log[0].actor != "ada@billie.test" || au.log[0].action != Action ||
		!strings.Contains(au.log[0].detail, "thresholds=120/900/43200") {
		t.Errorf("audit: %+v", au.log)
	}
	// Everyone sees the new set.
	_, got = call(t, srv, http.MethodGet, "sup", "")
	if got["redisUrl"] != "rediss://ledger.internal:6380/2" || got["thresholds"].(map[string]any)["softEndSeconds"] != float64(900) {
		t.Errorf("after the change a supervisor reads %v", got)
	}
}

func TestPutRefusesBadSettings(t *testing.T) {
	srv, st, au := server(t)
	for _, tc := range []struct{ name, body, want string }{
		{"credentials in the URL", `{"redisUrl":"redis://u:p@h:6379/0","stream":"s","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":3}}`, "must not hold a username or password"},
		{"not redis", `{"redisUrl":"http://h:6379","stream":"s","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":3}}`, "must look like"},
		{"bad database", `{"redisUrl":"redis://h:6379/99","stream":"s","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":3}}`, "0 to 15"},
		{"empty stream", `{"redisUrl":"redis://h:6379/0","stream":" ","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":3}}`, "stream"},
		{"thresholds out of order", `{"redisUrl":"redis://h:6379/0","stream":"s","thresholds":{"pausedSeconds":900,"softEndSeconds":600,"hardEndSeconds":86400}}`, "must increase"},
		{"zero threshold", `{"redisUrl":"redis://h:6379/0","stream":"s","thresholds":{"pausedSeconds":0,"softEndSeconds":600,"hardEndSeconds":86400}}`, "more than 0"},
		{"too long", `{"redisUrl":"redis://h:6379/0","stream":"s","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":99999999}}`, "30 days"},
		{"unknown field", `{"redisUrl":"redis://h:6379/0","stream":"s","redisPassword":"x","thresholds":{"pausedSeconds":1,"softEndSeconds":2,"hardEndSeconds":3}}`, ""},
	} {
		code, out := call(t, srv, http.MethodPut, "admin", tc.body)
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", tc.name, code)
			continue
		}
		if d, _ := out["detail"].(string); !strings.Contains(d, tc.want) {
			t.Errorf("%s: detail %q, want it to say %q", tc.name, d, tc.want)
		}
	}
	if len(st.vals) != 0 || len(au.log) != 0 {
		t.Errorf("refused changes were stored or audited: %v %v", st.vals, au.log)
	}
}

type failingStore struct{ memStore }

func (*failingStore) PutSetting(context.Context, string, []byte, string) error {
	return errors.New("disk full")
}

func TestAStoreFailureIsNotAudited(t *testing.T) {
	au := &memAudit{}
	svc := New(&failingStore{memStore{vals: map[string][]byte{}, by: map[string]string{}}}, au, Settings{})
	var in Settings
	if err := json.Unmarshal([]byte(good), &in); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Put(context.Background(), "ada", in); err == nil {
		t.Fatal("a failed store accepted the change")
	}
	if len(au.log) != 0 {
		t.Errorf("an unsaved change was audited: %v", au.log)
	}
}
