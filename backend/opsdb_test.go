package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/store/ops"
)

// The accounts live in the operations store, beside the read models: rebuilding the
// read-model database and swapping it in keeps every account and its password.
func TestRebuildSwapKeepsAccounts(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "billie.db")
	if _, err := runUserWith(t, db, "keep-me-pw-001\n", "add", "--email", "ada@example.com", "--name", "Ada", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := runBackend(nil, "load", "--db", db, "--conversations", "20"); err != nil {
		t.Fatal(err)
	}
	out, err := runBackend(nil, "rebuild", "--db", db, "--swap")
	if err != nil || !strings.Contains(out, "rebuilt") {
		t.Fatalf("rebuild: %q %v", out, err)
	}
	if _, err := os.Stat(db + ".bak"); err != nil {
		t.Fatalf("no swap: %v", err)
	}
	if out, err := runUserWith(t, db, "", "list"); err != nil || !strings.Contains(out, "ada@example.com") {
		t.Errorf("after the swap the accounts are %q (%v)", out, err)
	}
	if !loginWorks(t, db, "ada@example.com", "keep-me-pw-001") {
		t.Error("the account cannot sign in after the swap")
	}
}

// --ops-db and BILLIE_OPS_DB place the operations store; by default it is ops.db
// beside --db.
func TestOpsDBPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default beside --db", nil, []string{"--db", "/srv/billie/read.db"}, "/srv/billie/ops.db"},
		{"default beside the default db", nil, nil, "data/ops.db"},
		{"env", map[string]string{"BILLIE_OPS_DB": "/var/lib/ops.db"}, []string{"--db", "/srv/read.db"}, "/var/lib/ops.db"},
		{"flag over env", map[string]string{"BILLIE_OPS_DB": "/var/lib/ops.db"}, []string{"--ops-db", "/x/o.db"}, "/x/o.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			root := &cobra.Command{Use: "backend"}
			cfg.register(root)
			if err := root.PersistentFlags().Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if got := cfg.opsPath(); got != tc.want {
				t.Errorf("ops db %q, want %q", got, tc.want)
			}
		})
	}
}

// `backend user` records its changes in the audit log as cli:<os user>.
func TestUserCommandRecordsAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "billie.db")
	for _, args := range [][]string{
		{"add", "--email", "ada@example.com", "--name", "Ada", "--role", "admin"},
		{"add", "--email", "sam@example.com", "--name", "Sam", "--role", "supervisor"},
		{"disable", "sam@example.com"},
		{"enable", "sam@example.com"},
		{"role", "sam@example.com", "admin"},
		{"passwd", "sam@example.com"},
	} {
		if _, err := runUserWith(t, db, "a-password-0001\n", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	st, err := ops.Open(context.Background(), filepath.Join(filepath.Dir(db), "ops.db"), ops.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, _, err := st.Audit(context.Background(), ops.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range items {
		if !strings.HasPrefix(e.Actor, "cli:") || len(e.Actor) == len("cli:") {
			t.Errorf("actor %q", e.Actor)
		}
		got = append(got, e.Action+" "+e.Target)
	}
	want := "user.password sam@example.com,user.role sam@example.com,user.enable sam@example.com,user.disable sam@example.com,user.create sam@example.com,user.create ada@example.com"
	if strings.Join(got, ",") != want {
		t.Errorf("audit:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
}
