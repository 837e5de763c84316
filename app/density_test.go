package app

import (
	"errors"
	"testing"
)

// The density is each account's own on this computer, survives a restart, needs a
// session and takes only the known values.
func TestDensityIsPerAccount(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	dir := t.TempDir()
	sam, ada := newFakeBackend(t), newFakeBackend(t)
	sam.role, sam.email = "supervisor", "Sam@Example.com"
	env := testEnv{dir: dir, redisURL: "redis://" + redisAddr(), stream: uniqueStream(t, rdb), backend: sam.URL}
	a := startApp(t, env, newEvents())

	if _, err := a.SaveDensity("wall"); !errors.Is(err, errNotSignedIn) {
		t.Errorf("signed-out SaveDensity: %v, want %q", err, errNotSignedIn)
	}
	signIn(t, a, sam)
	if d, err := a.Density(); err != nil || d != "comfortable" {
		t.Errorf("first Density() = %q, %v; want the default", d, err)
	}
	for _, bad := range []string{"", "Wall", "dense"} {
		if _, err := a.SaveDensity(bad); err == nil {
			t.Errorf("SaveDensity(%q) accepted", bad)
		}
	}
	if d, err := a.SaveDensity("wall"); err != nil || d != "wall" {
		t.Fatalf("SaveDensity(wall) = %q, %v", d, err)
	}
	// Another preference saved after it leaves it as it is.
	if p, err := a.SavePreferences(Preferences{NotifyAttention: true}); err != nil || p.Density != "wall" {
		t.Errorf("SavePreferences(notify) = %+v, %v; want the density kept", p, err)
	}

	// Another account on the same computer has its own.
	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	s, _ := a.GetSettings()
	s.BackendURL = ada.URL
	if _, err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	signIn(t, a, ada)
	if d, _ := a.Density(); d != "comfortable" {
		t.Errorf("another account sees %q", d)
	}
	if _, err := a.SaveDensity("compact"); err != nil {
		t.Fatal(err)
	}

	// The first account's survives a restart of the app.
	env.backend = sam.URL
	b := startApp(t, env, newEvents())
	if d, err := b.Density(); err != nil || d != "compact" {
		t.Errorf("after a restart the second account's Density() = %q, %v; want compact", d, err)
	}
	if err := b.SignOut(); err != nil {
		t.Fatal(err)
	}
	s.BackendURL = sam.URL
	if _, err := b.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	signIn(t, b, sam)
	if d, err := b.Density(); err != nil || d != "wall" {
		t.Errorf("after a restart Density() = %q, %v; want wall", d, err)
	}
}
