package ops

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/accounts"
)

func openUsersTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "ops.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := openUsersTest(t)
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	ada, err := s.CreateUser(ctx, accounts.User{Email: "ada@example.com", Name: "Ada", Role: accounts.RoleAdmin, CreatedAt: t0}, "hash-ada")
	if err != nil || ada.ID == 0 || !ada.CreatedAt.Equal(t0) || ada.LastLoginAt != nil {
		t.Fatalf("%+v %v", ada, err)
	}
	if _, err := s.CreateUser(ctx, accounts.User{Email: "ada@example.com", Name: "Again", Role: accounts.RoleSupervisor, CreatedAt: t0}, "h"); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Errorf("duplicate email: %v", err)
	}
	sam, err := s.CreateUser(ctx, accounts.User{Email: "sam@example.com", Name: "Sam", Role: accounts.RoleSupervisor, CreatedAt: t0}, "hash-sam")
	if err != nil {
		t.Fatal(err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil || len(users) != 2 || users[0].Email != "ada@example.com" || users[1].ID != sam.ID {
		t.Errorf("list %+v %v", users, err)
	}
	if u, hash, err := s.UserByEmail(ctx, "sam@example.com"); err != nil || u.ID != sam.ID || hash != "hash-sam" {
		t.Errorf("by email %+v %q %v", u, hash, err)
	}
	if _, _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("unknown email: %v", err)
	}

	// Sessions: stored by hash, sign-in recorded, expired ones swept at the next.
	if err := s.OpenSession(ctx, sam.ID, []byte("h1"), t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	u, exp, err := s.Session(ctx, []byte("h1"))
	if err != nil || u.ID != sam.ID || !exp.Equal(t0.Add(time.Hour)) || u.LastLoginAt == nil || !u.LastLoginAt.Equal(t0) {
		t.Errorf("session %+v %s %v", u, exp, err)
	}
	if err := s.OpenSession(ctx, sam.ID, []byte("h2"), t0.Add(2*time.Hour), t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var expired int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE expires_at <= ?", t0.Add(2*time.Hour).UnixMilli()).Scan(&expired); err != nil || expired != 0 {
		t.Errorf("%d expired sessions kept (%v)", expired, err)
	}
	if err := s.EndSession(ctx, []byte("h2")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, []byte("h2")); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("ended session: %v", err)
	}

	// Updates: a password or a disabling ends the sessions; the last admin stays.
	if err := s.OpenSession(ctx, sam.ID, []byte("h3"), t0.Add(2*time.Hour), t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	admin := accounts.RoleAdmin
	if u, err := s.UpdateUser(ctx, sam.ID, accounts.UserChange{Role: &admin}); err != nil || u.Role != admin {
		t.Fatalf("promote %+v %v", u, err)
	}
	if _, _, err := s.Session(ctx, []byte("h3")); err != nil {
		t.Errorf("a role change ended the session: %v", err)
	}
	if _, err := s.UpdateUser(ctx, sam.ID, accounts.UserChange{PasswordHash: "hash-2"}); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := s.UserByEmail(ctx, "sam@example.com"); hash != "hash-2" {
		t.Errorf("hash %q", hash)
	}
	if _, _, err := s.Session(ctx, []byte("h3")); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("a new password kept the session: %v", err)
	}
	off := true
	if _, err := s.UpdateUser(ctx, ada.ID, accounts.UserChange{Disabled: &off}); err != nil {
		t.Fatalf("disable one of two admins: %v", err)
	}
	if _, err := s.UpdateUser(ctx, sam.ID, accounts.UserChange{Disabled: &off}); !errors.Is(err, accounts.ErrLastAdmin) {
		t.Errorf("disable the last admin: %v", err)
	}
	if u, _, _ := s.UserByEmail(ctx, "sam@example.com"); u.Disabled {
		t.Error("the refused change was applied")
	}
	if _, err := s.UpdateUser(ctx, 9999, accounts.UserChange{Disabled: &off}); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}
