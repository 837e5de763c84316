package app

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/store/personal"
)

// clock is a settable clock for the app under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

const fixtureConv = "conv-7f3a91"

// unreadOf is the fixture conversation's unread marker as the grid, the customer's
// page and the live cards show it; they must agree.
func unreadOf(t *testing.T, a *App) bool {
	t.Helper()
	page, err := a.ListConversations(ConversationQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != fixtureConv {
		t.Fatalf("grid = %+v", page.Items)
	}
	cust, err := a.GetCustomer("cust-55120")
	if err != nil {
		t.Fatal(err)
	}
	live, err := a.liveCards(a.baseContext(), []string{fixtureConv})
	if err != nil {
		t.Fatal(err)
	}
	grid := page.Items[0].Unread
	if cust.Conversations[0].Unread != grid || live[0].Unread != grid {
		t.Fatalf("unread: grid %v, customer page %v, live card %v", grid, cust.Conversations[0].Unread, live[0].Unread)
	}
	return grid
}

// The unread markers: per supervisor, from their first sign-in, cleared by opening a
// conversation until its next event and by "Mark all as read", kept across restarts.
func TestUnreadPerSupervisor(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	var last string
	for _, e := range fixtureEntries(t) {
		last = xadd(t, rdb, stream, e)
	}
	clk := &clock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	backend := newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL, now: clk.now}
	a := startApp(t, env, newEvents())
	caughtUp(t, a, last, 10*time.Second)
	if err := a.MarkSeen(fixtureConv); !errors.Is(err, errNotSignedIn) {
		t.Errorf("MarkSeen signed out: %v", err)
	}
	if err := a.MarkAllSeen(); !errors.Is(err, errNotSignedIn) {
		t.Errorf("MarkAllSeen signed out: %v", err)
	}
	as := func(email string) {
		t.Helper()
		if err := a.SignOut(); err != nil {
			t.Fatal(err)
		}
		backend.mu.Lock()
		backend.email = email
		backend.mu.Unlock()
		if _, err := a.SignIn(email, backend.password); err != nil {
			t.Fatal(err)
		}
	}
	// push adds an assistant message to the fixture conversation, stamped at, and
	// waits for the cache to have it.
	seq := 100
	push := func(at time.Time) {
		t.Helper()
		seq++
		id := xadd(t, rdb, stream, map[string]any{"agt": "broker", "typ": "assistant_response", "cid": fixtureConv,
			"aid": "APP-2026-004217", "uid": "cust-55120", "seq": seq, "tsp": at.Format(time.RFC3339Nano),
			"dat": `{"u": "Are you still there?", "r": "", "a": "text", "c": false, "d": {}}`})
		caughtUp(t, a, id, 10*time.Second)
	}

	// Ada's first sign-in: the history before it counts as seen.
	as("ada@example.com")
	if unreadOf(t, a) {
		t.Fatal("history before the first sign-in is unread")
	}
	push(clk.now().Add(5 * time.Minute))
	if !unreadOf(t, a) {
		t.Fatal("a new event did not mark the conversation unread")
	}

	// Ben, on the same computer, signed in first an hour earlier: unread for him too,
	// until he opens it; that is his alone.
	clk.set(clk.now().Add(-time.Hour))
	as("ben@example.com")
	if !unreadOf(t, a) {
		t.Fatal("ben: unread expected")
	}
	if err := a.MarkSeen(fixtureConv); err != nil {
		t.Fatal(err)
	}
	if unreadOf(t, a) {
		t.Fatal("ben: opening did not clear the marker")
	}
	clk.set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	as("ada@example.com")
	if !unreadOf(t, a) {
		t.Fatal("ada: ben's opening cleared her marker")
	}
	if err := a.MarkSeen(fixtureConv); err != nil {
		t.Fatal(err)
	}
	if unreadOf(t, a) {
		t.Fatal("ada: opening did not clear the marker")
	}
	push(clk.now().Add(6 * time.Minute))
	if !unreadOf(t, a) {
		t.Fatal("ada: an event after she opened it did not mark it unread")
	}
	clk.set(clk.now().Add(10 * time.Minute))
	if err := a.MarkAllSeen(); err != nil {
		t.Fatal(err)
	}
	if unreadOf(t, a) {
		t.Fatal("ada: Mark all as read left it unread")
	}

	// After a restart on the same data directory, each keeps their own state: Ben
	// opened it before the last event.
	a.Shutdown(a.baseContext())
	a = startApp(t, env, newEvents())
	<-a.ready
	if unreadOf(t, a) {
		t.Fatal("ada after a restart: unread again")
	}
	as("ben@example.com")
	if !unreadOf(t, a) {
		t.Fatal("ben after a restart: the event after his opening is not unread")
	}
}

func TestSavedViewsAndPreferencesPerSupervisor(t *testing.T) {
	a, backend := fixtureApp(t)
	if _, err := a.SavedViews(); !errors.Is(err, errNotSignedIn) {
		t.Errorf("SavedViews signed out: %v", err)
	}
	if _, err := a.GetPreferences(); !errors.Is(err, errNotSignedIn) {
		t.Errorf("GetPreferences signed out: %v", err)
	}
	signIn(t, a, backend)
	v, err := a.SaveView(SavedView{Name: "Paused Smiths", Search: "name:smith", Status: "Paused"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveView(SavedView{Name: "Odd", Status: "Sleeping"}); err == nil {
		t.Error("a view with an unknown status was saved")
	}
	if _, err := a.SaveView(SavedView{Name: "paused smiths"}); !errors.Is(err, personal.ErrViewNameTaken) {
		t.Errorf("a second view of the same name: %v", err)
	}
	renamed, err := a.SaveView(SavedView{ID: v.ID, Name: "Smiths", Search: v.Search, Status: v.Status})
	if err != nil || renamed.Name != "Smiths" || renamed.ID != v.ID {
		t.Fatalf("rename: %+v, %v", renamed, err)
	}
	p, err := a.GetPreferences()
	if err != nil || p.NotifyAttention {
		t.Fatalf("preferences before any choice: %+v, %v (notifications must be off)", p, err)
	}
	if _, err := a.SavePreferences(Preferences{NotifyAttention: true}); err != nil {
		t.Fatal(err)
	}

	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	backend.mu.Lock()
	backend.email = "ben@example.com"
	backend.mu.Unlock()
	if _, err := a.SignIn("ben@example.com", backend.password); err != nil {
		t.Fatal(err)
	}
	if vs, err := a.SavedViews(); err != nil || len(vs) != 0 {
		t.Errorf("ben sees views %+v, %v", vs, err)
	}
	if err := a.DeleteView(v.ID); !errors.Is(err, personal.ErrNoView) {
		t.Errorf("ben deleting ada's view: %v", err)
	}
	if p, _ := a.GetPreferences(); p.NotifyAttention {
		t.Error("ben has ada's notification preference")
	}

	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	backend.mu.Lock()
	backend.email = "ada@example.com"
	backend.mu.Unlock()
	signIn(t, a, backend)
	vs, err := a.SavedViews()
	if err != nil || len(vs) != 1 || vs[0] != renamed {
		t.Fatalf("ada's views = %+v, %v; want [%+v]", vs, err, renamed)
	}
	if p, _ := a.GetPreferences(); !p.NotifyAttention {
		t.Error("ada's notification preference was lost")
	}
	if err := a.DeleteView(v.ID); err != nil {
		t.Fatal(err)
	}
	if vs, _ := a.SavedViews(); len(vs) != 0 {
		t.Errorf("after delete: %+v", vs)
	}
}

// fakeNotifier records what it was asked to show; fail makes it refuse.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []DesktopNotification
	fail error
}

func (f *fakeNotifier) send(n DesktopNotification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.sent = append(f.sent, n)
	return nil
}

func TestNotify(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	backend := newFakeBackend(t)
	fake := &fakeNotifier{}
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL,
		notifier: fake}, newEvents())
	n := DesktopNotification{Title: "Priya Raman", Body: "Fraud check: high risk", ConversationID: fixtureConv}
	if _, err := a.Notify(n); !errors.Is(err, errNotSignedIn) {
		t.Errorf("Notify signed out: %v", err)
	}
	signIn(t, a, backend)
	for _, tc := range []struct {
		name string
		fail error
		want bool
	}{
		{"shown", nil, true},
		{"no notification service: the window shows it", errors.New("no session bus"), false},
	} {
		fake.mu.Lock()
		fake.fail, fake.sent = tc.fail, nil
		fake.mu.Unlock()
		shown, err := a.Notify(n)
		if err != nil || shown != tc.want {
			t.Errorf("%s: Notify = %v, %v; want %v", tc.name, shown, err, tc.want)
		}
		fake.mu.Lock()
		if tc.want && (len(fake.sent) != 1 || fake.sent[0] != n) {
			t.Errorf("%s: sent %+v", tc.name, fake.sent)
		}
		fake.mu.Unlock()
	}
}
