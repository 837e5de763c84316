package ops

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// UserRow is one account as older versions kept it in the read-model database
// (times in Unix milliseconds, as stored).
type UserRow struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	CreatedAt    int64
	LastLoginAt  *int64
}

// SessionRow is one session as older versions kept it in the read-model database.
type SessionRow struct {
	TokenHash []byte
	UserID    int64
	CreatedAt int64
	ExpiresAt int64
}

// ImportAccounts copies accounts and sessions from an older read-model database, all
// in one transaction, keeping their ids. Copying the same rows again does nothing,
// so a move interrupted after this commit can be run again; a row that meets a
// different one already here (same id or email, other content) fails the whole copy
// rather than lose either.
func (s *Store) ImportAccounts(ctx context.Context, users []UserRow, sessions []SessionRow) error {
	if err := s.importAccounts(ctx, users, sessions); err != nil {
		return fmt.Errorf("import accounts: %w", err)
	}
	return nil
}

func (s *Store) importAccounts(ctx context.Context, users []UserRow, sessions []SessionRow) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, u := range users {
		var last sql.NullInt64
		if u.LastLoginAt != nil {
			last = sql.NullInt64{Int64: *u.LastLoginAt, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, disabled, created_at, last_login_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			u.ID, u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled, u.CreatedAt, last); err != nil {
			return fmt.Errorf("user %d: %w", u.ID, err)
		}
		var email, hash string
		err := tx.QueryRowContext(ctx, "SELECT email, password_hash FROM users WHERE id = ?", u.ID).Scan(&email, &hash)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (email != u.Email || hash != u.PasswordHash)) {
			return fmt.Errorf("user %d (%s): %s already holds another account with that id or email", u.ID, u.Email, s.path)
		}
		if err != nil {
			return fmt.Errorf("user %d: %w", u.ID, err)
		}
	}
	for _, ss := range sessions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, ss.TokenHash, ss.UserID, ss.CreatedAt, ss.ExpiresAt); err != nil {
			return fmt.Errorf("session of user %d: %w", ss.UserID, err)
		}
		var user int64
		var hash []byte
		err := tx.QueryRowContext(ctx, "SELECT user_id, token_hash FROM sessions WHERE token_hash = ?", ss.TokenHash).Scan(&user, &hash)
		if err != nil || user != ss.UserID || !bytes.Equal(hash, ss.TokenHash) {
			return fmt.Errorf("session of user %d: not copied (%v)", ss.UserID, err)
		}
	}
	return tx.Commit()
}
