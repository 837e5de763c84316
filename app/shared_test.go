package app

import (
	"errors"
	"testing"
)

func TestSharedSettingsComeFromTheBackend(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	backend := newFakeBackend(t)
	backend.role = "supervisor"
	shared := SharedSettings{RedisURL: "redis://" + redisAddr() + "/0", Stream: stream,
		Thresholds: Thresholds{PausedSeconds: 60, SoftEndSeconds: 600, HardEndSeconds: 3600}}
	backend.shared = &shared
	a := startApp(t, testEnv{dir: t.TempDir(), redisURL: "redis://" + redisAddr(), stream: stream, backend: backend.URL}, newEvents())
	signIn(t, a, backend)

	got, err := a.SharedSettings()
	if err != nil || got != shared {
		t.Fatalf("SharedSettings() = %+v, %v", got, err)
	}
	s, _ := a.GetSettings()
	if s.Thresholds != shared.Thresholds || s.Stream != stream {
		t.Fatalf("the shared settings were not applied: %+v", s)
	}

	// A supervisor cannot override them here, nor change them for everyone.
	mine := s
	mine.Thresholds = Thresholds{PausedSeconds: 30, SoftEndSeconds: 300, HardEndSeconds: 1800}
	if _, err := a.SaveSettings(mine); !errors.Is(err, errThresholdsNeedAdmin) {
		t.Errorf("a supervisor's threshold change: %v, want %q", err, errThresholdsNeedAdmin)
	}
	if _, err := a.SaveSharedSettings(SharedSettings{RedisURL: shared.RedisURL, Stream: stream, Thresholds: mine.Thresholds}); err == nil {
		t.Error("a supervisor changed the shared settings")
	}
	if s, _ := a.GetSettings(); s.Thresholds != shared.Thresholds {
		t.Errorf("thresholds changed to %+v", s.Thresholds)
	}

	// An admin changes them for everyone; this desktop applies them at once.
	backend.mu.Lock()
	backend.role = "admin"
	backend.mu.Unlock()
	signIn(t, a, backend)
	if _, err := a.SaveSharedSettings(SharedSettings{RedisURL: shared.RedisURL, Stream: stream, Thresholds: mine.Thresholds}); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.GetSettings(); s.Thresholds != mine.Thresholds {
		t.Errorf("after an admin's change the thresholds are %+v", s.Thresholds)
	}
}
