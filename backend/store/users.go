package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/accounts"
)

// The store keeps the supervisors' accounts and sessions (tables users and
// sessions, migration 0002) for package accounts: the Store is its accounts.Users.
// Writes go through the single writer connection, so they queue behind the
// projector's batch transactions instead of racing them; reads use the read pool.
var _ accounts.Users = (*Store)(nil)

const userColumns = "id, email, name, role, disabled, created_at, last_login_at"

// userScanner is a *sql.Row or *sql.Rows.
type userScanner interface{ Scan(...any) error }

func scanUser(row userScanner, extra ...any) (accounts.User, error) {
	var u accounts.User
	var created int64
	var last sql.NullInt64
	dst := append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Disabled, &created, &last}, extra...)
	if err := row.Scan(dst...); err != nil {
		return accounts.User{}, err
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	if last.Valid {
		t := time.UnixMilli(last.Int64).UTC()
		u.LastLoginAt = &t
	}
	return u, nil
}

// CreateUser adds an account; accounts.ErrEmailTaken when the email is in use.
func (s *Store) CreateUser(ctx context.Context, u accounts.User, passwordHash string) (accounts.User, error) {
	g, done := s.acquire()
	defer done()
	row := g.w.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING `+userColumns, u.Email, u.Name, u.Role, passwordHash, u.CreatedAt.UnixMilli())
	u, err := scanUser(row)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return accounts.User{}, accounts.ErrEmailTaken
	}
	if err != nil {
		return accounts.User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// ListUsers returns every account, by email.
func (s *Store) ListUsers(ctx context.Context) ([]accounts.User, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	users := []accounts.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UserByEmail returns an account and its password hash; accounts.ErrNotFound when
// there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (accounts.User, string, error) {
	var hash string
	g, done := s.acquire()
	defer done()
	u, err := scanUser(g.r.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?", email), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.User{}, "", accounts.ErrNotFound
	}
	if err != nil {
		return accounts.User{}, "", fmt.Errorf("user by email: %w", err)
	}
	return u, hash, nil
}

// UpdateUser applies c to the account id (see accounts.Users).
func (s *Store) UpdateUser(ctx context.Context, id int64, c accounts.UserChange) (accounts.User, error) {
	u, err := s.updateUser(ctx, id, c)
	if err != nil && !errors.Is(err, accounts.ErrNotFound) && !errors.Is(err, accounts.ErrLastAdmin) {
		return accounts.User{}, fmt.Errorf("update user: %w", err)
	}
	return u, err
}

func (s *Store) updateUser(ctx context.Context, id int64, c accounts.UserChange) (accounts.User, error) {
	g, done := s.acquire()
	defer done()
	tx, err := g.w.BeginTx(ctx, nil) // the writer takes the write lock at BEGIN: the admin count cannot change under us
	if err != nil {
		return accounts.User{}, err
	}
	defer tx.Rollback()
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.User{}, accounts.ErrNotFound
	}
	if err != nil {
		return accounts.User{}, err
	}
	wasAdmin := u.Role == accounts.RoleAdmin && !u.Disabled
	if c.Role != nil {
		u.Role = *c.Role
	}
	if c.Disabled != nil {
		u.Disabled = *c.Disabled
	}
	if wasAdmin && (u.Role != accounts.RoleAdmin || u.Disabled) {
		var others int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?", id).Scan(&others); err != nil {
			return accounts.User{}, err
		}
		if others == 0 {
			return accounts.User{}, accounts.ErrLastAdmin
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, disabled = ? WHERE id = ?", u.Role, u.Disabled, id); err != nil {
		return accounts.User{}, err
	}
	if c.PasswordHash != "" {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", c.PasswordHash, id); err != nil {
			return accounts.User{}, err
		}
	}
	if c.PasswordHash != "" || u.Disabled {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return accounts.User{}, err
		}
	}
	if err := tx.Commit(); err != nil {
		return accounts.User{}, err
	}
	return u, nil
}

// OpenSession stores a session, records the sign-in and drops expired sessions.
func (s *Store) OpenSession(ctx context.Context, userID int64, tokenHash []byte, now, expires time.Time) error {
	if err := s.openSession(ctx, userID, tokenHash, now, expires); err != nil {
		return fmt.Errorf("open session: %w", err)
	}
	return nil
}

func (s *Store) openSession(ctx context.Context, userID int64, tokenHash []byte, now, expires time.Time) error {
	g, done := s.acquire()
	defer done()
	tx, err := g.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DELETE FROM sessions WHERE expires_at <= ?", []any{now.UnixMilli()}},
		{"INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)", []any{tokenHash, userID, now.UnixMilli(), expires.UnixMilli()}},
		{"UPDATE users SET last_login_at = ? WHERE id = ?", []any{now.UnixMilli(), userID}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Session returns the account of a session and its expiry; accounts.ErrNoSession
// when there is none by that hash.
func (s *Store) Session(ctx context.Context, tokenHash []byte) (accounts.User, time.Time, error) {
	var expires int64
	g, done := s.acquire()
	defer done()
	row := g.r.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.disabled, u.created_at, u.last_login_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash)
	u, err := scanUser(row, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.User{}, time.Time{}, accounts.ErrNoSession
	}
	if err != nil {
		return accounts.User{}, time.Time{}, fmt.Errorf("authenticate: %w", err)
	}
	return u, time.UnixMilli(expires).UTC(), nil
}

// EndSession drops a session (nothing when there is none).
func (s *Store) EndSession(ctx context.Context, tokenHash []byte) error {
	g, done := s.acquire()
	defer done()
	if _, err := g.w.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// LiveSessions lists the sessions that have not expired by now (see accounts.Users).
func (s *Store) LiveSessions(ctx context.Context, now time.Time) ([]accounts.LiveSession, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT user_id, token_hash FROM sessions WHERE expires_at > ?", now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("live sessions: %w", err)
	}
	defer rows.Close()
	var out []accounts.LiveSession
	for rows.Next() {
		var ls accounts.LiveSession
		if err := rows.Scan(&ls.UserID, &ls.TokenHash); err != nil {
			return nil, fmt.Errorf("live sessions: %w", err)
		}
		out = append(out, ls)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live sessions: %w", err)
	}
	return out, nil
}
