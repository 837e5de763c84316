package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/store/ops"
)

// runUserWith runs `backend user args...` on db with stdin as the (non-terminal)
// standard input.
func runUserWith(t *testing.T, db, stdin string, args ...string) (string, error) {
	t.Helper()
	oldTerm := terminalFd
	t.Cleanup(func() { terminalFd = oldTerm })
	terminalFd = func(io.Reader) (int, bool) { return 0, false }
	return runBackend(strings.NewReader(stdin), append(append([]string{"user"}, args...), "--db", db)...)
}

// runBackend runs the backend command with args, no environment, stdin as its
// standard input and prompts discarded; it returns the standard output.
func runBackend(stdin io.Reader, args ...string) (string, error) {
	root := newRootCmd(func(string) (string, bool) { return "", false })
	var out bytes.Buffer
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func loginWorks(t *testing.T, db, email, pw string) bool {
	t.Helper()
	st, err := ops.Open(context.Background(), filepath.Join(filepath.Dir(db), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := accounts.New(st, accounts.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Login(context.Background(), email, pw, "192.0.2.1")
	return err == nil
}

func TestUserCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	steps := []struct {
		name    string
		stdin   string
		args    []string
		want    string // in the output
		wantErr string // in the error
	}{
		{"add admin", "first-admin-pw\n", []string{"add", "--email", "Boss@Example.com", "--name", "The Boss", "--role", "admin"}, "created admin boss@example.com", ""},
		{"add supervisor, flags after", "super-pw-0001", []string{"add", "--role", "supervisor", "--name", "Sam", "--email", "sam@example.com"}, "created supervisor", ""},
		{"duplicate", "another-pw-01\n", []string{"add", "--email", "sam@example.com", "--name", "Sam", "--role", "supervisor"}, "", "exists"},
		{"bad role", "another-pw-01\n", []string{"add", "--email", "x@example.com", "--name", "X", "--role", "root"}, "", "role"},
		{"short password", "short\n", []string{"add", "--email", "x@example.com", "--name", "X", "--role", "supervisor"}, "", "password must be"},
		{"no password", "", []string{"add", "--email", "x@example.com", "--name", "X", "--role", "supervisor"}, "", "read password"},
		{"missing flags", "", []string{"add", "--email", "x@example.com"}, "", "required"},
		{"list", "", []string{"list"}, "boss@example.com", ""},
		{"disable", "", []string{"disable", "sam@example.com"}, "disabled sam@example.com", ""},
		{"disable unknown", "", []string{"disable", "nobody@example.com"}, "", "no such user"},
		{"disable last admin", "", []string{"disable", "boss@example.com"}, "", "no enabled admin"},
		{"role", "", []string{"role", "sam@example.com", "admin"}, "sam@example.com is now admin", ""},
		{"role bad", "", []string{"role", "sam@example.com", "owner"}, "", "role"},
		{"enable", "", []string{"enable", "SAM@example.com"}, "enabled sam@example.com", ""},
		{"passwd", "changed-pw-0001\r\n", []string{"passwd", "sam@example.com"}, "password of sam@example.com changed", ""},
		{"passwd unknown", "changed-pw-0001\n", []string{"passwd", "nobody@example.com"}, "", "no such user"},
		{"wrong arity", "", []string{"role", "sam@example.com"}, "", "expected 2"},
		{"unknown subcommand", "", []string{"promote", "sam@example.com"}, "", "unknown subcommand"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			out, err := runUserWith(t, db, s.stdin, s.args...)
			if s.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), s.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, s.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, s.want) {
				t.Errorf("output %q, want %q", out, s.want)
			}
		})
	}
	if !loginWorks(t, db, "boss@example.com", "first-admin-pw") {
		t.Error("the first admin cannot sign in")
	}
	if !loginWorks(t, db, "sam@example.com", "changed-pw-0001") || loginWorks(t, db, "sam@example.com", "super-pw-0001") {
		t.Error("passwd did not change the password")
	}
	out, err := runUserWith(t, db, "", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var users []accounts.User
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 {
		t.Fatalf("%v %s", err, out)
	}
	if users[1].Email != "sam@example.com" || users[1].Role != "admin" || users[1].Disabled {
		t.Errorf("sam is %+v", users[1])
	}
}

func TestUserPasswordFromTerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	oldTerm, oldRead := terminalFd, readTermPass
	t.Cleanup(func() { terminalFd, readTermPass = oldTerm, oldRead })
	terminalFd = func(io.Reader) (int, bool) { return 0, true }
	answers := []string{"terminal-pw-01", "terminal-pw-01", "terminal-pw-01", "terminal-pw-02"}
	readTermPass = func(int) ([]byte, error) {
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	if _, err := runBackend(nil, "user", "add", "--db", db, "--email", "t@example.com", "--name", "T", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	_, err := runBackend(nil, "user", "passwd", "--db", db, "t@example.com")
	if err == nil || !strings.Contains(err.Error(), "differ") {
		t.Fatalf("mismatched confirmation accepted: %v", err)
	}
	if !loginWorks(t, db, "t@example.com", "terminal-pw-01") {
		t.Error("password from the terminal not set")
	}
}
