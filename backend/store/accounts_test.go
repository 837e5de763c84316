package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/store/ops"
)

// oldDatabase makes a read-model database as a version before the operations store
// left it: the core migrations up to 0006, with accounts and sessions in it.
func oldDatabase(t *testing.T, file string, users int) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		if path.Base(name) >= "0007" {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = 6"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= users; i++ {
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, disabled, created_at, last_login_at)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, i*10, fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("User %d", i),
			[]string{"admin", "supervisor"}[i%2], fmt.Sprintf("hash-%d", i), 1700000000000+i, 1700000001000+i); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			fmt.Appendf(nil, "tok-%d", i), i*10, 1700000001000+i, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
}

// failingImporter fails its first n calls, after doing what the real one does: the
// copy committed, the move stopped before the drop.
type failingImporter struct {
	ops   *ops.Store
	fails int
}

func (f *failingImporter) ImportAccounts(ctx context.Context, users []ops.UserRow, sessions []ops.SessionRow) error {
	if err := f.ops.ImportAccounts(ctx, users, sessions); err != nil {
		return err
	}
	if f.fails > 0 {
		f.fails--
		return errors.New("interrupted")
	}
	return nil
}

func TestAccountsMoveToTheOperationsStore(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name         string
		users        int
		noImporter   bool
		interrupted  int  // opens that fail after the copy committed
		clash        bool // ops.db already holds another account under a moved id
		wantErr      bool
		wantMoved    int
		wantKeptMain bool // the main database still has its accounts after the (failed) open
	}{
		{name: "old database with accounts", users: 3, wantMoved: 3},
		{name: "old database without accounts, no importer", users: 0, noImporter: true},
		{name: "accounts but no importer", users: 2, noImporter: true, wantErr: true, wantKeptMain: true},
		{name: "interrupted after the copy, then opened again", users: 2, interrupted: 1, wantMoved: 2},
		{name: "ops.db holds another account under a moved id", users: 1, clash: true, wantErr: true, wantKeptMain: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mainPath := filepath.Join(dir, "billie.db")
			oldDatabase(t, mainPath, tc.users)
			o, err := ops.Open(ctx, filepath.Join(dir, "ops.db"), ops.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if tc.clash {
				if err := o.ImportAccounts(ctx, []ops.UserRow{{ID: 10, Email: "other@example.com", Name: "Other", Role: "admin", PasswordHash: "x", CreatedAt: 1}}, nil); err != nil {
					t.Fatal(err)
				}
			}
			imp := &failingImporter{ops: o, fails: tc.interrupted}
			opts := Options{Accounts: imp}
			if tc.noImporter {
				opts.Accounts = nil
			}
			for range tc.interrupted {
				if _, err := Open(ctx, mainPath, opts); err == nil {
					t.Fatal("the interrupted open succeeded")
				}
				if n := legacyCount(t, mainPath); n != tc.users {
					t.Fatalf("an interrupted move left %d accounts in the main database, want %d", n, tc.users)
				}
			}
			s, err := Open(ctx, mainPath, opts)
			if tc.wantErr {
				if err == nil {
					s.Close()
					t.Fatal("opened")
				}
				if tc.noImporter && !errors.Is(err, ErrAccountsToMove) {
					t.Errorf("error %v, want ErrAccountsToMove", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				defer s.Close()
				var version, tables int
				if err := s.g().r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil || version < 8 {
					t.Errorf("version %d %v", version, err)
				}
				if err := s.g().r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'sessions')").Scan(&tables); err != nil || tables != 0 {
					t.Errorf("%d account tables left in the main database (%v)", tables, err)
				}
			}
			if tc.wantKeptMain {
				if n := legacyCount(t, mainPath); n != tc.users {
					t.Errorf("main database keeps %d accounts, want %d", n, tc.users)
				}
			}
			users, err := o.ListUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.clash && len(users) != tc.wantMoved {
				t.Fatalf("ops.db has %d accounts, want %d", len(users), tc.wantMoved)
			}
			for i, u := range users {
				if tc.clash {
					break
				}
				n := i + 1
				if u.ID != int64(n*10) || u.Email != fmt.Sprintf("u%d@example.com", n) || u.LastLoginAt == nil {
					t.Errorf("moved account %+v", u)
				}
				_, hash, err := o.UserByEmail(ctx, u.Email)
				if err != nil || hash != fmt.Sprintf("hash-%d", n) {
					t.Errorf("hash of %s: %q %v", u.Email, hash, err)
				}
				if su, _, err := o.Session(ctx, fmt.Appendf(nil, "tok-%d", n)); err != nil || su.ID != u.ID {
					t.Errorf("session of %s: %+v %v", u.Email, su, err)
				}
			}
		})
	}
}

// legacyCount is the number of accounts in the main database's users table.
func legacyCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatalf("count accounts: %v", err)
	}
	return n
}
