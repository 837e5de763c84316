package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/internal/version"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The layers, highest first: the user's settings file, the BILLIE_* environment
// (Defaults), the machine-wide defaults file, the built-in defaults.
func TestStartingConfigurationPrecedence(t *testing.T) {
	machine := `{"backendUrl": "https://machine.example/", "redisUrl": "redis://machine:6379/1", "stream": "machineStream",
		"redisTls": true, "thresholds": {"pausedSeconds": 60, "softEndSeconds": 120, "hardEndSeconds": 240}}`
	user := `{"redisUrl": "redis://user:6379/2", "stream": "userStream", "backendUrl": "https://user.example",
		"thresholds": {"pausedSeconds": 10, "softEndSeconds": 20, "hardEndSeconds": 30}}`
	env := Defaults{BackendURL: "https://env.example", RedisURL: "redis://env:6379/3", Stream: "envStream"}
	machineTh := Thresholds{PausedSeconds: 60, SoftEndSeconds: 120, HardEndSeconds: 240}
	userTh := Thresholds{PausedSeconds: 10, SoftEndSeconds: 20, HardEndSeconds: 30}

	type want struct {
		backend, redis, stream string
		tls                    bool
		th                     Thresholds
		state                  string
	}
	tests := []struct {
		name          string
		env           Defaults
		machine, user string // "" = no file
		want          want
	}{
		{"built-in only", Defaults{}, "", "",
			want{defaultBackendURL, defaultRedisURL, defaultStream, false, defaultThresholds, MachineDefaultsNone}},
		{"machine over built-in", Defaults{}, machine, "",
			want{"https://machine.example", "redis://machine:6379/1", "machineStream", true, machineTh, MachineDefaultsApplied}},
		{"environment over machine", env, machine, "",
			want{"https://env.example", "redis://env:6379/3", "envStream", true, machineTh, MachineDefaultsApplied}},
		{"environment fills only what it sets", Defaults{Stream: "envStream"}, machine, "",
			want{"https://machine.example", "redis://machine:6379/1", "envStream", true, machineTh, MachineDefaultsApplied}},
		{"user over environment and machine", env, machine, user,
			want{"https://user.example", "redis://user:6379/2", "userStream", false, userTh, MachineDefaultsApplied}},
		{"user file without a stream or thresholds takes the layers below", env, machine, `{"redisUrl": "", "backendUrl": "https://user.example"}`,
			want{"https://user.example", "redis://env:6379/3", "envStream", false, machineTh, MachineDefaultsApplied}},
		{"broken machine file is ignored whole", Defaults{Stream: "envStream"}, `{"backendUrl": "https://machine.example", "stream": 7}`, "",
			want{defaultBackendURL, defaultRedisURL, "envStream", false, defaultThresholds, MachineDefaultsIgnored}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			d := tt.env
			d.MachineDefaultsFile = filepath.Join(dir, "machine-defaults.json")
			if tt.machine != "" {
				writeFile(t, d.MachineDefaultsFile, tt.machine)
			}
			if tt.user != "" {
				writeFile(t, filepath.Join(dir, settingsName), tt.user)
			}
			c, st, err := initialConfig(dir, d)
			if err != nil {
				t.Fatal(err)
			}
			got := want{c.BackendURL, c.RedisURL, c.Stream, c.RedisTLS, c.Thresholds, st.State}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v (problem %q)", got, tt.want, st.Problem)
			}
		})
	}
}

// Every problem is named in plain words, and the file is ignored rather than half used.
func TestMachineDefaultsAreStrict(t *testing.T) {
	tests := []struct {
		name, content, problem string
		insecure               bool
	}{
		{"empty", "", "it is empty", false},
		{"not JSON", "backendUrl=https://x", "JSON syntax error on line 1", false},
		{"syntax error reports its line", "{\n\"stream\": \"a\",\n}", "JSON syntax error on line 3", false},
		{"unknown field", `{"backendURL": "https://x.example"}`, `unknown setting "backendURL"`, false},
		{"insecure switch is the environment's only", `{"allowInsecureBackend": true}`, `unknown setting "allowInsecureBackend"`, false},
		{"wrong type", `{"stream": 7}`, `"stream" on line 1 must be a string, not a JSON number`, false},
		{"two objects", `{"stream": "a"} {"stream": "b"}`, "more than one JSON object", false},
		{"backend not a URL", `{"backendUrl": "billie.example"}`, "backendUrl: The backend URL must look like", false},
		{"plain http to another host", `{"backendUrl": "http://billie.example"}`, "backendUrl: The backend URL must use https://", false},
		{"redis not a URL", `{"redisUrl": "billie:6379"}`, "redisUrl: The Redis URL is not valid", false},
		{"redis password in a file every user reads", `{"redisUrl": "redis://u:secret@billie:6379/0"}`, "redisUrl: holds a user name or password", false},
		{"stream with a space", `{"stream": "chat Ledger"}`, "stream: \"chat Ledger\" holds spaces", false},
		{"thresholds out of order", `{"thresholds": {"pausedSeconds": 100, "softEndSeconds": 50, "hardEndSeconds": 200}}`, "thresholds: must be positive and increase", false},
		{"too large", `{"stream": "` + strings.Repeat("a", maxMachineDefaults) + `"}`, "larger than 64 KiB", false},
		{"valid", "\xef\xbb\xbf" + `{"backendUrl": "https://billie.example", "redisUrl": "rediss://billie:6380/0", "stream": "chatLedger"}`, "", false},
		{"plain http allowed by the environment", `{"backendUrl": "http://billie.example"}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "defaults.json")
			writeFile(t, path, tt.content)
			_, st := loadMachineDefaults(path, tt.insecure)
			if tt.problem == "" {
				if st.State != MachineDefaultsApplied || st.Problem != "" {
					t.Fatalf("state %q, problem %q; want applied", st.State, st.Problem)
				}
				return
			}
			if st.State != MachineDefaultsIgnored || !strings.Contains(st.Problem, tt.problem) {
				t.Fatalf("state %q, problem %q; want ignored with %q", st.State, st.Problem, tt.problem)
			}
		})
	}
}

func TestMissingMachineDefaultsAreNoProblem(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "nope.json")} {
		if _, st := loadMachineDefaults(path, false); st.State != MachineDefaultsNone || st.Problem != "" {
			t.Errorf("%q: %+v", path, st)
		}
	}
}

// A started app takes the machine file and reports its fate: the About box and the
// settings screen read it from About().
func TestStartedAppReadsTheMachineDefaults(t *testing.T) {
	rdb := testRedis(t, redisAddr())
	stream := uniqueStream(t, rdb)
	tests := []struct {
		name, file, wantStream, wantBackend, wantState, problem string
	}{
		{"applied", `{"stream": "` + stream + `", "backendUrl": "https://billie.example"}`, stream, "https://billie.example", MachineDefaultsApplied, ""},
		{"ignored", `{"stream": 7}`, defaultStream, defaultBackendURL, MachineDefaultsIgnored, `"stream" on line 1 must be a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "machine.json")
			writeFile(t, file, tt.file)
			a := newApp(options{defaults: Defaults{DataDir: filepath.Join(dir, "data"), MachineDefaultsFile: file,
				RedisURL: "redis://" + redisAddr() + "/0"}, open: store.Open, now: time.Now, log: quiet})
			a.start(context.Background(), func(string, any) {})
			t.Cleanup(func() { a.Shutdown(context.Background()) })
			s, err := a.GetSettings()
			if err != nil || s.Stream != tt.wantStream || s.BackendURL != tt.wantBackend {
				t.Fatalf("settings %+v %v; want stream %q, backend %q", s, err, tt.wantStream, tt.wantBackend)
			}
			md := a.About().MachineDefaults
			if md.State != tt.wantState || md.Path != file || !strings.Contains(md.Problem, tt.problem) {
				t.Fatalf("%+v", md)
			}
		})
	}
}

func TestTheBackendSeesTheVersionInTheUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.UserAgent()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c := &backendClient{base: srv.URL, http: newBackendHTTP(nil)}
	if err := c.anon(context.Background(), http.MethodGet, "/healthz", nil, nil); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("Billie-Supervisor/%s (%s/%s)", version.String(), runtime.GOOS, runtime.GOARCH)
	if ua := <-got; ua != want || ua != (&App{}).About().UserAgent {
		t.Fatalf("User-Agent %q, want %q", ua, want)
	}
}
