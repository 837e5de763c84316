package main

import "testing"

func TestInsecureBackendOnlyWhenTheEnvironmentSaysTrue(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", false}, {"0", false}, {"false", false}, {"yes", false}, {"1", true}, {"true", true}, {"TRUE", true},
	} {
		env := map[string]string{"BILLIE_ALLOW_INSECURE_BACKEND": tc.value}
		if got := defaultsFromEnv(func(k string) string { return env[k] }).AllowInsecureBackend; got != tc.want {
			t.Errorf("BILLIE_ALLOW_INSECURE_BACKEND=%q: AllowInsecureBackend = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestMachineDefaultsFile(t *testing.T) {
	for _, tc := range []struct {
		goos, programData, want string
	}{
		{"linux", "", "/etc/billie-supervisor/defaults.json"},
		{"windows", `D:\ProgramData`, `D:\ProgramData\Billie Supervisor\defaults.json`},
		{"windows", "", `C:\ProgramData\Billie Supervisor\defaults.json`},
		{"darwin", "", "/Library/Application Support/Billie Supervisor/defaults.json"},
	} {
		env := map[string]string{"ProgramData": tc.programData}
		if got := machineDefaultsFile(tc.goos, func(k string) string { return env[k] }); got != tc.want {
			t.Errorf("%s, ProgramData=%q: %q, want %q", tc.goos, tc.programData, got, tc.want)
		}
	}
}
