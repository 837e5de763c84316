package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestCheckBackendURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		insecure bool
		want     error // nil: accepted; errInsecureBackend; errAny: some other refusal
	}{
		{url: "https://billie.example.com", want: nil},
		{url: "https://10.0.0.5:8443", want: nil},
		{url: "http://127.0.0.1:8080", want: nil},
		{url: "http://127.9.8.7", want: nil},
		{url: "http://[::1]:8080", want: nil},
		{url: "http://localhost:8080", want: nil},
		{url: "http://LocalHost", want: nil},
		{url: "http://example.com", want: errInsecureBackend},
		{url: "http://10.0.0.5:8080", want: errInsecureBackend},
		{url: "http://localhost.example.com", want: errInsecureBackend},
		{url: "http://127.0.0.1.nip.io", want: errInsecureBackend},
		{url: "http://[::ffff:10.0.0.1]", want: errInsecureBackend},
		{url: "http://example.com", insecure: true, want: nil},
		{url: "ftp://example.com", insecure: true, want: errAny},
		{url: "https://", want: errAny},
	} {
		err := checkBackendURL(tc.url, tc.insecure)
		switch {
		case tc.want == nil && err != nil, tc.want == errInsecureBackend && !errors.Is(err, errInsecureBackend),
			tc.want == errAny && (err == nil || errors.Is(err, errInsecureBackend)):
			t.Errorf("checkBackendURL(%q, insecure=%v) = %v, want %v", tc.url, tc.insecure, err, tc.want)
		}
	}
}

var errAny = errors.New("any refusal")

// dialTo sends every request, whatever its host, to addr: a backend that answers
// for a name that is not loopback.
func dialTo(addr string) http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return tr
}

// A plain http:// backend away from this computer gets neither the password nor a
// token, and the settings refuse it, unless the machine's defaults allow it.
func TestPlainHTTPBackendElsewhereIsRefused(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	backend := newFakeBackend(t)
	far := "http://backend.example.com:" + backend.URL[strings.LastIndex(backend.URL, ":")+1:]
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: far,
		transport: dialTo(backend.Listener.Addr().String())}
	a := startApp(t, env, newEvents())

	if _, err := a.SignIn("ada@example.com", backend.password); !errors.Is(err, errInsecureBackend) {
		t.Fatalf("sign-in at %s: %v, want %q", far, err, errInsecureBackend)
	}
	s, _ := a.GetSettings()
	s.BackendURL = "http://example.com"
	if _, err := a.SaveSettings(s); !errors.Is(err, errInsecureBackend) || !strings.Contains(err.Error(), "https://") {
		t.Errorf("saving %s: %v, want %q", s.BackendURL, err, errInsecureBackend)
	}
	if got, _ := a.GetSettings(); got.BackendURL != far {
		t.Errorf("the refused URL was stored: %q", got.BackendURL)
	}
	backend.mu.Lock()
	logins := len(backend.tokens)
	backend.mu.Unlock()
	if logins != 0 {
		t.Errorf("the password reached %s over plain http", far)
	}

	// The admin's explicit insecure option lets it through.
	env.dir, env.allowInsecure = t.TempDir(), true
	b := startApp(t, env, newEvents())
	if _, err := b.SignIn("ada@example.com", backend.password); err != nil {
		t.Fatalf("sign-in at %s allowed by the defaults: %v", far, err)
	}
	s, _ = b.GetSettings()
	s.BackendURL = "http://example.com"
	if _, err := b.SaveSettings(s); err != nil {
		t.Errorf("saving %s allowed by the defaults: %v", s.BackendURL, err)
	}
}

// A session's token goes only to the backend URL it was made with: changing the URL
// signs out at the old one and sends the token nowhere else.
func TestSessionIsBoundToItsBackendURL(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	oldB, newB := newFakeBackend(t), newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: oldB.URL}
	a := startApp(t, env, newEvents())
	signIn(t, a, oldB)
	if _, err := a.ListUsers(); err != nil {
		t.Fatal(err)
	}
	token := oldB.seenTokens()[0]

	s, _ := a.GetSettings()
	s.BackendURL = newB.URL
	if _, err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	if oldB.logouts != 1 {
		t.Errorf("the old backend saw %d sign-outs, want 1", oldB.logouts)
	}
	if sess, err := a.Session(); sess != nil || err != nil {
		t.Errorf("Session() after changing the backend URL = %+v, %v; want signed out", sess, err)
	}
	if _, err := a.ListUsers(); !errors.Is(err, errNotSignedIn) {
		t.Errorf("ListUsers after changing the backend URL: %v, want %q", err, errNotSignedIn)
	}
	if _, err := a.ListConversations(ConversationQuery{Limit: 1}); !errors.Is(err, errNotSignedIn) {
		t.Errorf("ListConversations after changing the backend URL: %v, want %q", err, errNotSignedIn)
	}
	if got := newB.seenTokens(); len(got) != 0 {
		t.Fatalf("the new backend was sent tokens %v", got)
	}

	// Signing in at the new URL works, and its token stays there.
	signIn(t, a, newB)
	if _, err := a.ListUsers(); err != nil {
		t.Fatal(err)
	}
	newToken := newB.seenTokens()[0]
	if slices.Contains(oldB.seenTokens(), newToken) || slices.Contains(newB.seenTokens(), token) {
		t.Errorf("a token crossed backends: old saw %v, new saw %v", oldB.seenTokens(), newB.seenTokens())
	}
}

// A stored session whose backend URL is no longer the configured one (changed while
// the app was closed, or by a sign-in racing a settings change) is signed out at its
// own URL and forgotten.
func TestStaleSessionIsSignedOutWhereItWasMade(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	oldB, newB := newFakeBackend(t), newFakeBackend(t)
	env := testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: oldB.URL}

	t.Run("restart", func(t *testing.T) {
		a := startApp(t, env, newEvents())
		signIn(t, a, oldB)
		a.Shutdown(context.Background())
		// Sign-in itself sent the token once more, for the shared settings.
		before := len(oldB.seenTokens())
		moved := env
		moved.backend = newB.URL
		b := startApp(t, moved, newEvents())
		if sess, err := b.Session(); sess != nil || err != nil {
			t.Errorf("restored a session of %s at %s: %+v %v", oldB.URL, newB.URL, sess, err)
		}
		if len(oldB.seenTokens()) != before+1 || oldB.logouts != 1 || len(newB.seenTokens()) != 0 {
			t.Errorf("the old backend saw tokens %v and %d sign-outs; want one sign-out", oldB.seenTokens(), oldB.logouts)
		}
	})

	t.Run("race", func(t *testing.T) {
		a := startApp(t, env, newEvents())
		signIn(t, a, oldB)
		// As if the URL changed between the sign-in's request and its answer.
		a.mu.Lock()
		a.cfg.BackendURL = newB.URL
		a.mu.Unlock()
		if _, err := a.ListUsers(); !errors.Is(err, errNotSignedIn) {
			t.Errorf("ListUsers with a session of another backend: %v, want %q", err, errNotSignedIn)
		}
		if oldB.logouts != 2 {
			t.Errorf("the old backend saw %d sign-outs, want 2", oldB.logouts)
		}
	})
	if got := newB.seenTokens(); len(got) != 0 {
		t.Errorf("the new backend was sent tokens %v", got)
	}
}

// A backend that redirects does not take the token along.
func TestTokenDoesNotFollowRedirects(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	other := newFakeBackend(t)
	backend := newFakeBackend(t)
	redirecting := http.NewServeMux()
	redirecting.HandleFunc("/api/admin/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	redirecting.Handle("/", backend.Config.Handler)
	backend.Config.Handler = redirecting
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: backend.URL}, newEvents())
	signIn(t, a, backend)
	if _, err := a.ListUsers(); err == nil {
		t.Error("ListUsers followed the redirect")
	}
	if got := other.seenTokens(); len(got) != 0 {
		t.Errorf("the redirect target was sent tokens %v", got)
	}
}
