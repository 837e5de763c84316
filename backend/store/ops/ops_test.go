package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for the store's stamps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openTest(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "ops", "ops.db"), Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func TestOpenRestrictsFilesAndReopens(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "ops.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, "cli:ada", "user.create", "ada@example.com", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o700}, {path, 0o600}, {path + "-wal", 0o600}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != c.mode {
			t.Errorf("%s: mode %v, want %v", c.path, fi.Mode().Perm(), c.mode)
		}
	}
	if n, err := s.Size(ctx); err != nil || n <= 0 {
		t.Errorf("size %d %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opened again, the migrations are not applied twice and the rows are there.
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	items, _, err := s.Audit(ctx, AuditFilter{})
	if err != nil || len(items) != 1 {
		t.Errorf("after reopening: %+v %v", items, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	if err := s.Record(ctx, "ada@example.com", "user.disable", "sam@example.com", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE audit SET actor = 'mallory'",
		"UPDATE audit SET detail = 'x' WHERE id = 1",
		"DELETE FROM audit",
		"DELETE FROM audit WHERE id = 1",
	} {
		t.Run(q, func(t *testing.T) {
			_, err := s.w.ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused", q, err)
			}
		})
	}
	items, _, err := s.Audit(ctx, AuditFilter{})
	if err != nil || len(items) != 1 || items[0].Actor != "ada@example.com" {
		t.Errorf("after the attempts: %+v %v", items, err)
	}
	if err := s.Record(ctx, "", "user.disable", "x", ""); err == nil {
		t.Error("an entry without an actor was recorded")
	}
}

func TestAuditPages(t *testing.T) {
	ctx := context.Background()
	s, c := openTest(t)
	// 7 entries: actors ada, sam alternating; actions by index parity of 3.
	for i := range 7 {
		actor := []string{"ada@example.com", "sam@example.com"}[i%2]
		action := []string{"user.create", "user.disable", "signin.unlock"}[i%3]
		if err := s.Record(ctx, actor, action, fmt.Sprintf("t%d", i), ""); err != nil {
			t.Fatal(err)
		}
		c.add(time.Second)
	}
	all := func(f AuditFilter) []string {
		t.Helper()
		var targets []string
		for pages := 0; ; pages++ {
			items, next, err := s.Audit(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Limit > 0 && len(items) > f.Limit {
				t.Fatalf("page of %d, limit %d", len(items), f.Limit)
			}
			for _, e := range items {
				targets = append(targets, e.Target)
			}
			if next == "" || pages > 10 {
				return targets
			}
			f.Cursor = next
		}
	}
	for _, tc := range []struct {
		name string
		f    AuditFilter
		want string
	}{
		{"all, one page", AuditFilter{}, "t6 t5 t4 t3 t2 t1 t0"},
		{"pages of 2", AuditFilter{Limit: 2}, "t6 t5 t4 t3 t2 t1 t0"},
		{"pages of 7, exactly", AuditFilter{Limit: 7}, "t6 t5 t4 t3 t2 t1 t0"},
		{"actor", AuditFilter{Actor: "sam@example.com", Limit: 1}, "t5 t3 t1"},
		{"action", AuditFilter{Action: "user.create", Limit: 2}, "t6 t3 t0"},
		{"both", AuditFilter{Actor: "ada@example.com", Action: "user.disable"}, "t4"},
		{"none", AuditFilter{Actor: "nobody"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(all(tc.f), " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	items, next, err := s.Audit(ctx, AuditFilter{Limit: 3})
	if err != nil || len(items) != 3 || next == "" || !items[0].At.Equal(time.Date(2026, 11, 30, 9, 0, 6, 0, time.UTC)) {
		t.Errorf("first page %+v %q %v", items, next, err)
	}
	for _, bad := range []string{"x", "-1", "0", "1.5"} {
		if _, _, err := s.Audit(ctx, AuditFilter{Cursor: bad}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestMinutes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, m := range []Minute{
		{At: t0.Add(-9 * 24 * time.Hour), EventsPerSec: 1},                  // pruned by the later appends
		{At: t0.Add(-7 * 24 * time.Hour), EventsPerSec: 2},                  // kept: within 8 days
		{At: t0.Add(30 * time.Second), EventsPerSec: 3, Lag: ptr[int64](4)}, // minute t0
		{At: t0.Add(45 * time.Second), EventsPerSec: 5, Lag: ptr[int64](6)}, // replaces it
		{At: t0.Add(time.Minute), EventsPerSec: 7, Errors: 1, DeadLetters: ptr[int64](2), APIRequestsPerSec: 8.5, APIP99Ms: ptr(12.25)},
	} {
		if err := s.AppendMinute(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Minutes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].EventsPerSec != 2 {
		t.Fatalf("kept %+v", all)
	}
	got, err := s.Minutes(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Minute{
		{At: t0, EventsPerSec: 5, Lag: ptr[int64](6)},
		{At: t0.Add(time.Minute), EventsPerSec: 7, Errors: 1, DeadLetters: ptr[int64](2), APIRequestsPerSec: 8.5, APIP99Ms: ptr(12.25)},
	}
	if !reflect.DeepEqual(got, want) { // through the pointers: nil stays nil
		t.Errorf("since t0:\n got %+v\nwant %+v", got, want)
	}
}

func TestDesktops(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, d := range []Desktop{
		{User: "old@example.com", Host: "h0", ReportedAt: t0.Add(-8 * 24 * time.Hour)}, // forgotten
		{User: "ada@example.com", Name: "Ada", Version: "1.0", Host: "h1", CachePosition: "1-0", Behind: 9, ReportedAt: t0},
		{User: "ada@example.com", Name: "Ada", Version: "1.1", Host: "h1", CachePosition: "2-0", Behind: 0, ReportedAt: t0.Add(30 * time.Second)},
		{Key: "session-b", User: "sam@example.com", Name: "Sam", Version: "1.1", Host: "h1", CachePosition: "2-0", ReportedAt: t0.Add(10 * time.Second)},
	} {
		if err := s.ReportDesktop(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Desktops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].User != "ada@example.com" || got[0].Version != "1.1" || got[0].CachePosition != "2-0" ||
		!got[0].ReportedAt.Equal(t0.Add(30*time.Second)) || got[1].Key != "session-b" || got[1].Name != "Sam" {
		t.Errorf("desktops %+v", got)
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	s, c := openTest(t)
	if v, ok, err := s.Setting(ctx, "shared"); err != nil || ok || v != nil {
		t.Errorf("unset: %s %v %v", v, ok, err)
	}
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{`{"stream":"chatLedger"}`, true},
		{`{"stream":"other","thresholds":{"lag":5}}`, true},
		{`{"stream":`, false},
		{``, false},
	} {
		err := s.PutSetting(ctx, "shared", []byte(tc.value), "ada@example.com")
		if (err == nil) != tc.ok {
			t.Errorf("put %q: %v", tc.value, err)
		}
		c.add(time.Second)
	}
	v, ok, err := s.Setting(ctx, "shared")
	if err != nil || !ok || string(v) != `{"stream":"other","thresholds":{"lag":5}}` {
		t.Errorf("got %s %v %v", v, ok, err)
	}
	// The database refuses invalid JSON too, whoever writes.
	if _, err := s.w.ExecContext(ctx, "UPDATE settings SET value = '{' WHERE key = 'shared'"); err == nil {
		t.Error("the table took invalid JSON")
	}
}

func TestJobs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	a := Job{ID: "j1", Kind: "rebuild", Source: "archive", State: "running", Total: 100, StartedAt: t0, StartedBy: "ada@example.com"}
	b := Job{ID: "j2", Kind: "replay", Source: "stream", Since: "2026-11-23T00:00:00Z", Conversation: "conv-1", State: "running", StartedAt: t0.Add(time.Hour)}
	for _, j := range []Job{a, b} {
		if err := s.SaveJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	a.State, a.Done, a.Error, a.FinishedAt = "failed", 40, "disk full", t0.Add(time.Minute)
	if err := s.SaveJob(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveJob(ctx, Job{}); err == nil {
		t.Error("a job without an id was saved")
	}
	got, ok, err := s.Job(ctx, "j1")
	if err != nil || !ok || got != a {
		t.Errorf("job j1:\n got %+v %v %v\nwant %+v", got, ok, err, a)
	}
	if _, ok, err := s.Job(ctx, "nope"); ok || err != nil {
		t.Errorf("unknown job: %v %v", ok, err)
	}
	jobs, err := s.Jobs(ctx, 0)
	if err != nil || len(jobs) != 2 || jobs[0] != b || !jobs[0].FinishedAt.IsZero() {
		t.Errorf("jobs %+v %v", jobs, err)
	}
	if jobs, err := s.Jobs(ctx, 1); err != nil || len(jobs) != 1 || jobs[0].ID != "j2" {
		t.Errorf("latest job %+v %v", jobs, err)
	}
}

func TestImportAccounts(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	last := int64(1700000000500)
	users := []UserRow{
		{ID: 3, Email: "ada@example.com", Name: "Ada", Role: "admin", PasswordHash: "h-ada", CreatedAt: 1700000000000, LastLoginAt: &last},
		{ID: 7, Email: "sam@example.com", Name: "Sam", Role: "supervisor", PasswordHash: "h-sam", Disabled: true, CreatedAt: 1700000000001},
	}
	sessions := []SessionRow{{TokenHash: []byte("tok-ada"), UserID: 3, CreatedAt: 1700000000500, ExpiresAt: 4102444800000}}
	// Twice: the second is the move run again after an interruption.
	for range 2 {
		if err := s.ImportAccounts(ctx, users, sessions); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListUsers(ctx)
	if err != nil || len(list) != 2 || list[0].ID != 3 || list[1].ID != 7 || !list[1].Disabled || list[0].LastLoginAt == nil {
		t.Fatalf("users %+v %v", list, err)
	}
	if u, _, err := s.Session(ctx, []byte("tok-ada")); err != nil || u.ID != 3 {
		t.Errorf("session %+v %v", u, err)
	}
	// Another account under a copied id or email is not overwritten, and nothing of
	// the failed copy stays.
	for _, clash := range []UserRow{
		{ID: 3, Email: "eve@example.com", Name: "Eve", Role: "admin", PasswordHash: "h-eve", CreatedAt: 1},
		{ID: 9, Email: "ada@example.com", Name: "Ada 2", Role: "admin", PasswordHash: "h-2", CreatedAt: 1},
	} {
		extra := UserRow{ID: 11, Email: "new@example.com", Name: "New", Role: "admin", PasswordHash: "h", CreatedAt: 1}
		if err := s.ImportAccounts(ctx, []UserRow{extra, clash}, nil); err == nil {
			t.Errorf("clash %+v imported", clash)
		}
	}
	if list, _ := s.ListUsers(ctx); len(list) != 2 || list[0].Name != "Ada" {
		t.Errorf("after the clashes: %+v", list)
	}
}

func ptr[T any](v T) *T { return &v }
