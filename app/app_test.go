package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureApp is a signed-in app whose cache holds the contract's fixture conversation.
func fixtureApp(t *testing.T) (*App, *fakeBackend) {
	t.Helper()
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	var last string
	for _, e := range fixtureEntries(t) {
		last = xadd(t, rdb, stream, e)
	}
	backend := newFakeBackend(t)
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}, newEvents())
	caughtUp(t, a, last, 10*time.Second)
	return a, backend
}

func TestDataNeedsASession(t *testing.T) {
	a, backend := fixtureApp(t)
	calls := map[string]func() error{
		"ListConversations": func() error { _, err := a.ListConversations(ConversationQuery{Limit: 10}); return err },
		"StatusCounts":      func() error { _, err := a.StatusCounts(""); return err },
		"GetConversation":   func() error { _, err := a.GetConversation("conv-7f3a91"); return err },
		"SearchCustomers":   func() error { _, err := a.SearchCustomers("", nil, 10); return err },
		"GetCustomer":       func() error { _, err := a.GetCustomer("cust-55120"); return err },
		"ListApplications":  func() error { _, err := a.ListApplications(ApplicationQuery{Limit: 10}); return err },
		"GetApplication":    func() error { _, err := a.GetApplication("APP-2026-004217"); return err },
		"ListUsers":         func() error { _, err := a.ListUsers(); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, errNotSignedIn) {
			t.Errorf("%s without a session: %v, want %q", name, err, errNotSignedIn)
		}
	}
	if s, err := a.Session(); s != nil || err != nil {
		t.Errorf("Session() = %v, %v; want null", s, err)
	}
	signIn(t, a, backend)
	for name, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s signed in: %v", name, err)
		}
	}
}

func TestDataMethodsServeTheFixture(t *testing.T) {
	a, backend := fixtureApp(t)
	signIn(t, a, backend)
	page, err := a.ListConversations(ConversationQuery{Search: "priya", Status: "Approved", Limit: 10})
	if err != nil || len(page.Items) != 1 || page.NextCursor != nil {
		t.Fatalf("search priya/Approved: %+v %v", page, err)
	}
	card := page.Items[0]
	if card.ID != "conv-7f3a91" || deref(card.Purpose) != "Small loan for car registration" || card.EndedAt == nil ||
		deref(card.Decision) != "APPROVED" {
		t.Errorf("card %+v", card)
	}
	counts, err := a.StatusCounts("APP-2026-004217")
	if err != nil || counts["Approved"] != 1 || len(counts) != 7 {
		t.Errorf("counts %v %v", counts, err)
	}

	d, err := a.GetConversation("conv-7f3a91")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Messages) != 12 || d.Messages[0].Sender != "assistant" || len(d.Conversation.Facts) != 4 ||
		d.Application == nil || d.Customer == nil || len(d.Noticeboard) != 2 || len(d.Assessments) != 3 {
		t.Fatalf("detail: %d messages, facts %v, app %v, customer %v, %d topics, %d assessments",
			len(d.Messages), d.Conversation.Facts, d.Application != nil, d.Customer != nil, len(d.Noticeboard), len(d.Assessments))
	}
	if d.Assessments[0].Kind != "identityRisk" || d.Noticeboard[0].Topic != "Identity Check" || len(d.Noticeboard[0].Earlier) != 1 {
		t.Errorf("assessments %v / noticeboard %+v", d.Assessments[0].Kind, d.Noticeboard[0])
	}
	app := d.Application
	if app.Status != "approved" || app.ProgressPercentage != 75 || len(app.Stages) != 4 || *app.LoanAmount != 400 ||
		*app.LoanFee != 20 || *app.LoanTotalPayable != 420 || *app.LoanTermDays != 60 || deref(app.CurrentStage) != "offer" {
		t.Errorf("application %+v", app)
	}
	cust := d.Customer
	if deref(cust.Name) != "Priya Anjali Raman" || deref(cust.Email) != "priya.raman@example.com" ||
		cust.ResidentialAddress == nil || !strings.Contains(cust.ResidentialAddress.Formatted, "Fitzroy") ||
		len(cust.Documents) != 1 || cust.Documents[0].Expired {
		t.Errorf("customer %+v", cust)
	}
	assertNoTax(t, d)

	cd, err := a.GetCustomer("cust-55120")
	if err != nil || len(cd.Applications) != 1 || len(cd.Conversations) != 1 || deref(cd.Applications[0].ConversationID) != "conv-7f3a91" {
		t.Errorf("customer detail %+v %v", cd, err)
	}
	ad, err := a.GetApplication("APP-2026-004217")
	if err != nil || ad.Customer == nil || len(ad.Conversations) != 1 {
		t.Errorf("application detail %+v %v", ad, err)
	}
	cp, err := a.SearchCustomers("raman", nil, 10)
	if err != nil || len(cp.Items) != 1 || cp.Items[0].Conversations != 1 || deref(cp.Items[0].Mobile) != "+61412345678" {
		t.Errorf("customers %+v %v", cp, err)
	}
	ap, err := a.ListApplications(ApplicationQuery{Status: "approved", Limit: 5})
	if err != nil || len(ap.Items) != 1 || deref(ap.Items[0].CustomerName) != "Priya Anjali Raman" {
		t.Errorf("applications %+v %v", ap, err)
	}
	if _, err := a.GetConversation("nope"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown conversation: %v", err)
	}
	if _, err := a.ListConversations(ConversationQuery{Status: "Sleeping"}); err == nil {
		t.Error("an unknown status was accepted")
	}
}

// assertNoTax checks the JSON the window gets for absent values and tax fields.
func assertNoTax(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, bad := range []string{"tax_file_number", "0001-01-01", `"documents":null`, `"history":null`, `"earlier":null`} {
		if strings.Contains(s, bad) {
			t.Errorf("detail JSON contains %s", bad)
		}
	}
}

func TestSignInKeepsTheSessionAcrossRestarts(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	backend := newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: backend.URL}
	a := startApp(t, env, newEvents())

	if _, err := a.SignIn("ada@example.com", "wrong"); !errors.Is(err, errWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	info, err := a.SignIn("ADA@example.com ", backend.password)
	if err != nil || info.Role != "admin" || info.Name != "Ada Lovelace" {
		t.Fatalf("sign-in: %+v %v", info, err)
	}
	path := filepath.Join(env.dir, sessionName)
	checkMode(t, path, 0o600)
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), backend.password) {
		t.Error("the password was stored")
	}
	a.Shutdown(context.Background())

	// Restart online: the backend confirms the token.
	backend.mu.Lock()
	backend.role = "supervisor"
	backend.mu.Unlock()
	b2 := startApp(t, env, newEvents())
	s, err := b2.Session()
	if err != nil || s == nil || s.Role != "supervisor" {
		t.Fatalf("restored session %+v %v (the backend's role should win)", s, err)
	}
	if _, err := b2.ListUsers(); err == nil || !strings.Contains(err.Error(), "administrators") {
		t.Errorf("a supervisor listed users: %v", err)
	}
	b2.Shutdown(context.Background())

	// Restart offline: the stored, unexpired session is accepted.
	backend.mu.Lock()
	backend.down = true
	backend.mu.Unlock()
	b3 := startApp(t, env, newEvents())
	if s, err := b3.Session(); err != nil || s == nil {
		t.Fatalf("offline restart lost the session: %v %v", s, err)
	}
	if _, err := b3.ListConversations(ConversationQuery{Limit: 5}); err != nil {
		t.Errorf("offline, the cache should still answer: %v", err)
	}
	// Sign-out forgets it even though the backend is away.
	if err := b3.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("session file still there after sign-out: %v", err)
	}
	if s, _ := b3.Session(); s != nil {
		t.Errorf("signed out but Session() = %+v", s)
	}
}

func TestRejectedOrExpiredSessionsAreForgotten(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	backend := newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: backend.URL}
	a := startApp(t, env, newEvents())
	signIn(t, a, backend)
	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	if backend.logouts != 1 {
		t.Errorf("backend saw %d logouts, want 1", backend.logouts)
	}
	signIn(t, a, backend)
	a.Shutdown(context.Background())

	// The backend revoked the token: the restart forgets it.
	backend.mu.Lock()
	clear(backend.tokens)
	backend.mu.Unlock()
	b := startApp(t, env, newEvents())
	if s, _ := b.Session(); s != nil {
		t.Errorf("a revoked session was restored: %+v", s)
	}

	// A session that expires while the app runs stops the data methods.
	backend.mu.Lock()
	backend.ttl = 300 * time.Millisecond
	backend.mu.Unlock()
	signIn(t, b, backend)
	time.Sleep(time.Second)
	if _, err := b.ListConversations(ConversationQuery{Limit: 5}); !errors.Is(err, errSessionExpired) {
		t.Errorf("expired session: %v", err)
	}
}

func TestAdminUserManagementProxiesToTheBackend(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	backend := newFakeBackend(t)
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: backend.URL}, newEvents())
	signIn(t, a, backend)
	users, err := a.ListUsers()
	if err != nil || len(users) != 1 || users[0].LastLoginAt != nil {
		t.Fatalf("users %+v %v", users, err)
	}
	u, err := a.CreateUser(NewUser{Email: " bob@example.com ", Name: "Bob", Role: "supervisor", Password: "pw-long-enough"})
	if err != nil || u.ID != 2 || u.Email != "bob@example.com" {
		t.Fatalf("create %+v %v", u, err)
	}
	if _, err := a.CreateUser(NewUser{Email: "x@example.com"}); err == nil || !strings.Contains(err.Error(), "Password is required") {
		t.Errorf("the backend's problem detail should reach the screen: %v", err)
	}
	yes := true
	u, err = a.UpdateUser(1, UserPatch{Disabled: &yes})
	if err != nil || !u.Disabled {
		t.Errorf("update %+v %v", u, err)
	}
	// The backend no longer knows the token: the local session ends too.
	backend.mu.Lock()
	clear(backend.tokens)
	backend.mu.Unlock()
	if _, err := a.ListUsers(); !errors.Is(err, errSessionExpired) {
		t.Errorf("revoked token: %v", err)
	}
	if s, _ := a.Session(); s != nil {
		t.Error("session kept after the backend rejected it")
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
	}
}

func TestSettingsArePrivateAndRestartTheConsumer(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	streamA, streamB := uniqueStream(t, rdb), uniqueStream(t, rdb)
	_, lastA := publish(t, rdb, streamA, 3, 1)
	_, lastB := publish(t, rdb, streamB, 4, 2)
	dir := filepath.Join(t.TempDir(), "data")
	backend := newFakeBackend(t) // an admin's, without shared settings
	env := testEnv{dir: dir, redisURL: "redis://:from-env@" + redisAddr() + "/0", stream: streamA, backend: backend.URL}
	a := startApp(t, env, newEvents())
	checkMode(t, dir, 0o700)
	signIn(t, a, backend)
	s, err := a.GetSettings()
	if err != nil || s.RedisPassword != "" || !s.HasRedisPassword || strings.Contains(s.RedisURL, "from-env") || s.Stream != streamA ||
		s.Thresholds != defaultThresholds {
		t.Fatalf("settings from the environment: %+v %v", s, err)
	}
	// The test Redis has no password: drop the one from the environment.
	s.HasRedisPassword = false
	s.Stream = streamA
	s.ConnectionOverride = true // this desktop's own stream: an admin's local override
	if s, err = a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, a, lastA, 20*time.Second)

	s.Stream = streamB
	s.RedisPassword = ""
	saved, err := a.SaveSettings(s)
	if err != nil || saved.Stream != streamB || saved.HasRedisPassword {
		t.Fatalf("save: %+v %v", saved, err)
	}
	caughtUp(t, a, lastB, 20*time.Second)
	checkMode(t, filepath.Join(dir, settingsName), 0o600)
	checkMode(t, filepath.Join(dir, cacheFile), 0o600)
	_, _, total := cacheCounts(t, a)
	if n, _ := rdb.XLen(context.Background(), streamB).Result(); total != n {
		t.Errorf("after switching streams the cache holds %d entries, stream B has %d", total, n)
	}

	// A stored password is kept when the frontend sends "" with hasRedisPassword.
	s.RedisPassword = "p@ss"
	if _, err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	s.RedisPassword, s.HasRedisPassword = "", true
	if _, err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, settingsName))
	if !strings.Contains(string(raw), "p@ss") {
		t.Error("the stored password was dropped")
	}
	if got, _ := a.GetSettings(); got.RedisPassword != "" || !got.HasRedisPassword {
		t.Errorf("GetSettings leaks or loses the password: %+v", got)
	}
	for _, bad := range []Settings{
		{RedisURL: "http://x", Stream: "s", Thresholds: defaultThresholds},
		{RedisURL: "redis://x", Stream: "", Thresholds: defaultThresholds},
		{RedisURL: "redis://x", Stream: "s", BackendURL: "ftp://x", Thresholds: defaultThresholds},
	} {
		if _, err := a.SaveSettings(bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

// Signed out, the sign-in screen may fix the connection but not the thresholds.
func TestSignedOutSettingsChangeOnlyTheConnection(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	backend := newFakeBackend(t)
	dir := t.TempDir()
	a := startApp(t, testEnv{dir: dir, redisURL: "redis://" + redisAddr(), stream: stream, backend: "http://127.0.0.1:1"}, newEvents())
	if s, err := a.Session(); s != nil || err != nil {
		t.Fatalf("Session() = %v, %v; want signed out", s, err)
	}

	s, err := a.GetSettings()
	if err != nil || s.BackendURL != "http://127.0.0.1:1" {
		t.Fatalf("GetSettings signed out: %+v %v", s, err)
	}
	// A wrong backend URL makes sign-in impossible; fixing it needs no session.
	if _, err := a.SignIn("ada@example.com", backend.password); err == nil {
		t.Fatal("signed in through a backend URL where nothing listens")
	}
	s.BackendURL = backend.URL
	if saved, err := a.SaveSettings(s); err != nil || saved.BackendURL != backend.URL {
		t.Fatalf("signed-out save of the backend URL: %+v %v", saved, err)
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, settingsName)); !strings.Contains(string(raw), backend.URL) {
		t.Errorf("the backend URL was not stored: %s", raw)
	}

	changed := s
	changed.Thresholds = Thresholds{PausedSeconds: 60, SoftEndSeconds: 600, HardEndSeconds: 3600}
	if _, err := a.SaveSettings(changed); !errors.Is(err, errThresholdsNeedSession) {
		t.Errorf("signed-out save of thresholds: %v, want %q", err, errThresholdsNeedSession)
	}
	if got, _ := a.GetSettings(); got.Thresholds != defaultThresholds {
		t.Errorf("thresholds changed while signed out: %+v", got.Thresholds)
	}
	if _, err := a.ListConversations(ConversationQuery{Limit: 10}); !errors.Is(err, errNotSignedIn) {
		t.Errorf("ListConversations after a signed-out settings save: %v, want %q", err, errNotSignedIn)
	}

	// Signed in (through the fixed URL), thresholds can change and are validated.
	signIn(t, a, backend)
	if saved, err := a.SaveSettings(changed); err != nil || saved.Thresholds != changed.Thresholds {
		t.Fatalf("signed-in save of thresholds: %+v %v", saved, err)
	}
	bad := changed
	bad.Thresholds = Thresholds{PausedSeconds: 600, SoftEndSeconds: 60, HardEndSeconds: 3600}
	if _, err := a.SaveSettings(bad); err == nil || errors.Is(err, errThresholdsNeedSession) {
		t.Errorf("thresholds out of order: %v, want a validation error", err)
	}
}
