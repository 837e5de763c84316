package version

import "testing"

func TestFormats(t *testing.T) {
	tests := []struct {
		name     string
		info     Info
		long, ua string
	}{
		{"developer build", Info{Version: "0.0.0-dev", OS: "linux", Arch: "amd64"},
			"0.0.0-dev linux/amd64", "Billie-Supervisor/0.0.0-dev (linux/amd64)"},
		{"release", Info{Version: "1.2.3", Commit: "abc1234", Date: "2026-11-30T15:00:00Z", OS: "windows", Arch: "amd64"},
			"1.2.3 (commit abc1234, built 2026-11-30T15:00:00Z) windows/amd64", "Billie-Supervisor/1.2.3 (windows/amd64)"},
		{"commit without date", Info{Version: "1.3.0-rc.1", Commit: "abc1234", OS: "linux", Arch: "arm64"},
			"1.3.0-rc.1 (commit abc1234) linux/arm64", "Billie-Supervisor/1.3.0-rc.1 (linux/arm64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.info.Long(); got != tt.long {
				t.Errorf("Long() = %q, want %q", got, tt.long)
			}
			if got := tt.info.UserAgent(); got != tt.ua {
				t.Errorf("UserAgent() = %q, want %q", got, tt.ua)
			}
		})
	}
}

func TestGetIsTheLinkedValue(t *testing.T) {
	if Get().Version != version || String() != version {
		t.Fatalf("Get().Version = %q, String() = %q, want %q", Get().Version, String(), version)
	}
}
