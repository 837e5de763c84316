package app

import (
	"errors"
	"testing"
)

func TestCheckChange(t *testing.T) {
	base := config{RedisURL: "redis://ledger:6379/0", Stream: "chatLedger", BackendURL: "https://billie.example.com",
		Thresholds: defaultThresholds}
	with := func(f func(*config)) config {
		c := base
		f(&c)
		return c
	}
	otherTh := Thresholds{PausedSeconds: 60, SoftEndSeconds: 600, HardEndSeconds: 3600}
	overridden := with(func(c *config) { c.Stream, c.ConnectionOverride = "local", true })
	cases := []struct {
		name string
		who  changer
		// prev is base unless set.
		prev *config
		next config
		want error
	}{
		{"supervisor, nothing changed", bySupervisor, nil, base, nil},
		{"supervisor, Redis URL", bySupervisor, nil, with(func(c *config) { c.RedisURL = "redis://elsewhere:6379/0" }), errConnectionNeedsAdmin},
		{"supervisor, stream", bySupervisor, nil, with(func(c *config) { c.Stream = "other" }), errConnectionNeedsAdmin},
		{"supervisor, Redis username", bySupervisor, nil, with(func(c *config) { c.RedisUsername = "me" }), errConnectionNeedsAdmin},
		{"supervisor, Redis password", bySupervisor, nil, with(func(c *config) { c.RedisPassword = "pw" }), errConnectionNeedsAdmin},
		{"supervisor, TLS", bySupervisor, nil, with(func(c *config) { c.RedisTLS = true }), errConnectionNeedsAdmin},
		{"supervisor, local override", bySupervisor, nil, with(func(c *config) { c.ConnectionOverride = true }), errConnectionNeedsAdmin},
		{"supervisor, thresholds", bySupervisor, nil, with(func(c *config) { c.Thresholds = otherTh }), errThresholdsNeedAdmin},
		{"supervisor, backend URL", bySupervisor, nil, with(func(c *config) { c.BackendURL = "https://other.example.com" }), errBackendNeedsSignOut},
		{"signed out, backend URL", bySignedOut, nil, with(func(c *config) { c.BackendURL = "https://other.example.com" }), nil},
		{"signed out, Redis URL", bySignedOut, nil, with(func(c *config) { c.RedisURL = "redis://elsewhere:6379/0" }), errConnectionNeedsAdmin},
		{"signed out, password", bySignedOut, nil, with(func(c *config) { c.RedisPassword = "pw" }), errConnectionNeedsAdmin},
		{"signed out, thresholds", bySignedOut, nil, with(func(c *config) { c.Thresholds = otherTh }), errThresholdsNeedSession},
		{"admin, password and TLS", byAdmin, nil, with(func(c *config) { c.RedisPassword, c.RedisTLS = "pw", true }), nil},
		{"admin, thresholds", byAdmin, nil, with(func(c *config) { c.Thresholds = otherTh }), nil},
		{"admin, stream without the override", byAdmin, nil, with(func(c *config) { c.Stream = "other" }), errOverrideNeedsFlag},
		{"admin, stream with the override", byAdmin, nil, with(func(c *config) { c.Stream, c.ConnectionOverride = "other", true }), nil},
		{"admin, override off with its own stream sent", byAdmin, &overridden, base, nil},
		{"the shared settings applied", bySystem, nil, with(func(c *config) { c.RedisURL, c.Stream, c.Thresholds = "redis://x:1/0", "s", otherTh }), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prev := base
			if tc.prev != nil {
				prev = *tc.prev
			}
			if err := checkChange(tc.who, prev, tc.next); !errors.Is(err, tc.want) {
				t.Errorf("checkChange = %v, want %v", err, tc.want)
			}
		})
	}
}

// Through the bound methods, as a hostile window would call them: a signed-in
// supervisor cannot move this desktop to another Redis or stream, and the connection
// comes from the backend at sign-in; an administrator may override it here and go
// back to the shared one.
func TestSupervisorCannotChangeTheConnection(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	shared, local, other := uniqueStream(t, rdb), uniqueStream(t, rdb), uniqueStream(t, rdb)
	backend := newFakeBackend(t)
	backend.role = "supervisor"
	backend.shared = &SharedSettings{RedisURL: "redis://" + redisAddr() + "/0", Stream: shared, Thresholds: defaultThresholds}
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: local, backend: backend.URL}, newEvents())

	// Signed out: the connection stays; the backend URL may be fixed.
	s, _ := a.GetSettings()
	s.Stream = other
	if _, err := a.SaveSettings(s); !errors.Is(err, errConnectionNeedsAdmin) {
		t.Errorf("signed-out change of the stream: %v, want %q", err, errConnectionNeedsAdmin)
	}

	// Sign-in applies the shared connection without the window asking for it.
	signIn(t, a, backend)
	if got, _ := a.GetSettings(); got.Stream != shared {
		t.Fatalf("after sign-in the stream is %q, want the shared %q", got.Stream, shared)
	}
	for name, change := range map[string]func(*Settings){
		"stream":    func(s *Settings) { s.Stream = other },
		"Redis URL": func(s *Settings) { s.RedisURL = "redis://127.0.0.1:1/0" },
		"password":  func(s *Settings) { s.RedisPassword = "guess" },
		"override":  func(s *Settings) { s.ConnectionOverride, s.Stream = true, other },
	} {
		s, _ := a.GetSettings()
		change(&s)
		if _, err := a.SaveSettings(s); !errors.Is(err, errConnectionNeedsAdmin) {
			t.Errorf("a supervisor's change of the %s: %v, want %q", name, err, errConnectionNeedsAdmin)
		}
	}
	if got, _ := a.GetSettings(); got.Stream != shared || got.RedisURL != backend.shared.RedisURL || got.ConnectionOverride || got.HasRedisPassword {
		t.Errorf("a supervisor changed the connection: %+v", got)
	}

	// An administrator overrides it on this desktop; the shared settings no longer move it.
	backend.mu.Lock()
	backend.role = "admin"
	backend.mu.Unlock()
	signIn(t, a, backend)
	s, _ = a.GetSettings()
	s.Stream = other
	if _, err := a.SaveSettings(s); !errors.Is(err, errOverrideNeedsFlag) {
		t.Errorf("an admin's stream change without the override: %v, want %q", err, errOverrideNeedsFlag)
	}
	s.ConnectionOverride = true
	if got, err := a.SaveSettings(s); err != nil || got.Stream != other || !got.ConnectionOverride {
		t.Fatalf("an admin's local override: %+v, %v", got, err)
	}
	if _, err := a.SharedSettings(); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.GetSettings(); got.Stream != other {
		t.Errorf("the shared settings replaced the admin's override: stream %q", got.Stream)
	}
	// Turning the override off goes back to the shared connection, whatever stream the
	// window sends with it.
	s, _ = a.GetSettings()
	s.ConnectionOverride = false
	s.Stream = local
	if got, err := a.SaveSettings(s); err != nil || got.Stream != shared || got.ConnectionOverride {
		t.Errorf("back to the shared connection: %+v, %v", got, err)
	}
}
