package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/store"
)

// syncBuffer is a log sink the app's goroutines may write to while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startLoggedApp starts an app whose log (debug and up) goes to the returned buffer.
func startLoggedApp(t *testing.T, f *fakeBackend, tick newTicker) (*App, *syncBuffer) {
	t.Helper()
	rdb := testRedis(t, redisAddr())
	logs := &syncBuffer{}
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: f.URL}
	a := newApp(options{defaults: env.defaults(), open: store.Open, now: time.Now,
		log:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		consumer:    consumerConfig{Count: 100, MaxApply: 300, Block: 100 * time.Millisecond, InfoEvery: 100 * time.Millisecond},
		fleetTicker: tick})
	a.start(context.Background(), newEvents().emit)
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return a, logs
}

// opsRequest is one request the fake backend's admin routes saw.
type opsRequest struct {
	Method, URI, Body string
}

// opsRoutes answers admin routes with canned answers and records what they were sent.
type opsRoutes struct {
	f    *fakeBackend
	mu   sync.Mutex
	seen []opsRequest
}

func (o *opsRoutes) answer(pattern string, status int, body string) {
	o.f.mux.HandleFunc(pattern, o.f.admin(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		o.mu.Lock()
		o.seen = append(o.seen, opsRequest{r.Method, r.URL.RequestURI(), string(b)})
		o.mu.Unlock()
		if status >= 400 {
			problem(w, status, body)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
}

func (o *opsRoutes) take() []opsRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.seen
	o.seen = nil
	return s
}

// jsonOf is v as the window gets it.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A field value the backend sends in a dead letter; it must never reach the log.
const fieldSecret = "FIELD-VALUE-7f3a91"

// Every Operations binding sends the admin API the request its shape asks for, with
// the session's token, and hands the window the answer with lists as [] and absent
// times as null.
func TestOpsBindingsProxyTheAdminAPI(t *testing.T) {
	f := newFakeBackend(t)
	o := &opsRoutes{f: f}
	job := `{"id":"7","kind":"rebuild","source":"archive","since":"","conversation":"","state":"running","done":10,"total":100,` +
		`"ratePerSec":5.5,"etaSeconds":16,"error":"","startedAt":"2026-11-30T10:00:00Z","finishedAt":null,"startedBy":"ada@example.com"}`
	o.answer("GET /api/admin/pipeline", 200, `{"at":"2026-11-30T10:00:00Z","redis":{"ok":true,"rttMs":0.4,"error":""},`+
		`"projection":{"lastErrorAt":"","consumers":null,"outcomes":null},"breakers":null,"rebuild":`+job+`,`+
		`"alerts":[{"name":"DeadLettersIncreasing","severity":"warning","summary":"3 new","since":"2026-11-30T09:55:00Z","runbook":"docs/runbooks.md#dead-letters","screen":"dead-letters"}]}`)
	o.answer("GET /api/admin/pipeline/history", 200, `{"window":"24h","points":null}`)
	o.answer("GET /api/admin/dead-letters", 200, `{"items":null,"total":0,"nextCursor":""}`)
	o.answer("GET /api/admin/dead-letters/{id}", 200, `{"id":"1700000000000-0","type":"user_input","reason":"dat is not JSON",`+
		`"deadAt":"2026-11-30T09:00:00Z","lastRetryAt":null,"retries":0,"fields":[["typ","user_input"],["dat","`+fieldSecret+`"]]}`)
	o.answer("POST /api/admin/dead-letters/retry", 200, `{"retried":2,"applied":1,"stillDead":1,"results":null}`)
	o.answer("POST /api/admin/dead-letters/drop", 200, `{"dropped":3}`)
	o.answer("POST /api/admin/rebuilds", 202, job)
	o.answer("GET /api/admin/rebuilds", 200, `{"items":null}`)
	o.answer("DELETE /api/admin/rebuilds/{id}", 204, ``)
	o.answer("GET /api/admin/rebuilds/{id}", 200, strings.Replace(job, `"running"`, `"cancelled"`, 1))
	o.answer("GET /api/admin/audit", 200, `{"items":[{"id":"1","at":"2026-11-30T10:00:00Z","actor":"ada@example.com","action":"dead-letter.drop","target":"1-0","detail":""}],"nextCursor":"c2"}`)

	a, logs := startLoggedApp(t, f, nil)
	signIn(t, a, f)

	cases := []struct {
		name string
		call func() (any, error)
		want []opsRequest
		// has lists substrings the answer's JSON must contain.
		has []string
	}{
		{"pipeline", func() (any, error) { return a.Pipeline() },
			[]opsRequest{{"GET", "/api/admin/pipeline", ""}},
			[]string{`"breakers":[]`, `"desktops":[]`, `"consumers":[]`, `"outcomes":{}`, `"lastErrorAt":null`,
				`"finishedAt":null`, `"screen":"dead-letters"`, `"rttMs":0.4`}},
		{"history", func() (any, error) { return a.PipelineHistory("24h") },
			[]opsRequest{{"GET", "/api/admin/pipeline/history?window=24h", ""}}, []string{`"points":[]`}},
		{"dead letters", func() (any, error) {
			return a.ListDeadLetters(DeadLetterQuery{Reason: "not JSON", Type: " user_input ", Since: "2026-11-30T09:00:00Z", Limit: 50})
		}, []opsRequest{{"GET", "/api/admin/dead-letters?limit=50&reason=not+JSON&since=2026-11-30T09%3A00%3A00Z&type=user_input", ""}},
			[]string{`"items":[]`, `"nextCursor":null`}},
		{"dead letter", func() (any, error) { return a.GetDeadLetter("1700000000000-0") },
			[]opsRequest{{"GET", "/api/admin/dead-letters/1700000000000-0", ""}},
			[]string{`"fields":[["typ","user_input"],["dat","` + fieldSecret + `"]]`, `"lastRetryAt":null`, `"deadAt":"2026-11-30T09:00:00Z"`}},
		{"retry some", func() (any, error) { return a.RetryDeadLetters(DeadLetterSelection{IDs: []string{"1-0", "2-0"}}) },
			[]opsRequest{{"POST", "/api/admin/dead-letters/retry", `{"ids":["1-0","2-0"]}`}}, []string{`"results":[]`, `"stillDead":1`}},
		{"drop all", func() (any, error) { return a.DropDeadLetters(DeadLetterSelection{All: true}) },
			[]opsRequest{{"POST", "/api/admin/dead-letters/drop", `{"all":true}`}}, []string{`"dropped":3`}},
		{"drop matching", func() (any, error) {
			return a.DropDeadLetters(DeadLetterSelection{Filter: &DeadLetterFilter{Reason: "not JSON"}})
		}, []opsRequest{{"POST", "/api/admin/dead-letters/drop", `{"filter":{"reason":"not JSON","type":"","since":"","until":""}}`}}, nil},
		{"start", func() (any, error) {
			return a.StartRebuild(RebuildRequest{Source: "stream", Since: " 2026-11-30T00:00:00Z "})
		},
			[]opsRequest{{"POST", "/api/admin/rebuilds", `{"source":"stream","since":"2026-11-30T00:00:00Z"}`}},
			[]string{`"state":"running"`, `"etaSeconds":16`}},
		{"jobs", func() (any, error) { return a.ListRebuilds() },
			[]opsRequest{{"GET", "/api/admin/rebuilds", ""}}, []string{`[]`}},
		{"cancel answered 204", func() (any, error) { return a.CancelRebuild("7") },
			[]opsRequest{{"DELETE", "/api/admin/rebuilds/7", ""}, {"GET", "/api/admin/rebuilds/7", ""}},
			[]string{`"state":"cancelled"`}},
		{"audit", func() (any, error) { return a.ListAudit(AuditQuery{Actor: "ada@example.com", Cursor: "c1", Limit: 20}) },
			[]opsRequest{{"GET", "/api/admin/audit?actor=ada%40example.com&cursor=c1&limit=20", ""}},
			[]string{`"nextCursor":"c2"`, `"action":"dead-letter.drop"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			seen := o.take()
			if jsonOf(t, seen) != jsonOf(t, tc.want) {
				t.Errorf("sent %+v\nwant %+v", seen, tc.want)
			}
			out := jsonOf(t, got)
			for _, h := range tc.has {
				if !strings.Contains(out, h) {
					t.Errorf("answer %s\nlacks %s", out, h)
				}
			}
		})
	}
	if strings.Contains(logs.String(), fieldSecret) {
		t.Errorf("a dead letter's field value was logged:\n%s", logs.String())
	}
}

// What is refused before anything is sent, and how the backend's refusals read.
func TestOpsErrorsInPlainWords(t *testing.T) {
	f := newFakeBackend(t)
	o := &opsRoutes{f: f}
	o.answer("POST /api/admin/rebuilds", 409, "a job is running")
	o.answer("GET /api/admin/dead-letters/{id}", 404, "no such dead letter")
	o.answer("GET /api/admin/pipeline", 200, `{}`)
	a, _ := startLoggedApp(t, f, nil)

	if _, err := a.Pipeline(); !errors.Is(err, errNotSignedIn) {
		t.Errorf("signed out: %v, want %q", err, errNotSignedIn)
	}
	signIn(t, a, f)

	refused := []struct {
		name string
		call func() error
		want string
	}{
		{"no selection", func() error { _, err := a.DropDeadLetters(DeadLetterSelection{}); return err }, "Choose the dead letters first"},
		{"ids and all", func() error {
			_, err := a.DropDeadLetters(DeadLetterSelection{IDs: []string{"1-0"}, All: true})
			return err
		}, "only one"},
		{"filter and all", func() error {
			_, err := a.RetryDeadLetters(DeadLetterSelection{All: true, Filter: &DeadLetterFilter{}})
			return err
		}, "only one"},
		{"bad since", func() error { _, err := a.ListDeadLetters(DeadLetterQuery{Since: "yesterday"}); return err }, "not a date and time"},
		{"bad window", func() error { _, err := a.PipelineHistory("7d"); return err }, "last hour or the last day"},
		{"no source", func() error { _, err := a.StartRebuild(RebuildRequest{}); return err }, "Choose the source"},
	}
	for _, tc := range refused {
		if err := tc.call(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if seen := o.take(); len(seen) != 0 {
		t.Errorf("refused calls reached the backend: %+v", seen)
	}

	if _, err := a.StartRebuild(RebuildRequest{Source: "archive"}); err == nil || err.Error() != rebuildBusy {
		t.Errorf("409: %v, want %q", err, rebuildBusy)
	}
	if _, err := a.GetDeadLetter("9-0"); err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("404 of a dead letter: %v", err)
	}
	if _, err := a.ListAudit(AuditQuery{}); err == nil || err.Error() != opsNotOffered {
		t.Errorf("404 of a route the backend lacks: %v, want %q", err, opsNotOffered)
	}

	f.mu.Lock()
	f.role = "supervisor"
	f.mu.Unlock()
	if _, err := a.Pipeline(); !errors.Is(err, errOpsForbidden) {
		t.Errorf("supervisor: %v, want %q", err, errOpsForbidden)
	}
	if _, err := a.ListUsers(); !errors.Is(err, errUsersForbidden) {
		t.Errorf("supervisor's user list: %v, want %q", err, errUsersForbidden)
	}

	f.mu.Lock()
	f.down = true
	f.mu.Unlock()
	if _, err := a.Pipeline(); err == nil || !strings.HasPrefix(err.Error(), "Cannot reach the Billie backend") {
		t.Errorf("backend down: %v", err)
	}
	f.mu.Lock()
	f.down = false
	f.tokens = map[string]time.Time{} // the backend forgot the session
	f.mu.Unlock()
	if _, err := a.Pipeline(); !errors.Is(err, errSessionExpired) {
		t.Errorf("401: %v, want %q", err, errSessionExpired)
	}
	if s, _ := a.Session(); s != nil {
		t.Errorf("the session outlived a 401: %+v", s)
	}
}

func TestOptTime(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{`null`, `null`},
		{`""`, `null`},
		{`"2026-11-30T10:00:00Z"`, `"2026-11-30T10:00:00Z"`},
		{`"2026-11-30T11:00:00.5+01:00"`, `"2026-11-30T11:00:00.5+01:00"`},
	} {
		var v struct {
			T OptTime `json:"t"`
		}
		if err := json.Unmarshal([]byte(`{"t":`+tc.in+`}`), &v); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := jsonOf(t, v); got != `{"t":`+tc.out+`}` {
			t.Errorf("%s came out as %s, want %s", tc.in, got, tc.out)
		}
	}
	var v struct{ T OptTime }
	if err := json.Unmarshal([]byte(`{"T":"yesterday"}`), &v); err == nil {
		t.Error("a time that is none was accepted")
	}
}
