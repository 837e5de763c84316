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
