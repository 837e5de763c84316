package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/billie/supervisor/backend/store/ops"
)

// AccountsImporter takes the accounts and sessions that older versions kept in the
// read-model database: the operations store (*ops.Store) is one.
type AccountsImporter interface {
	ImportAccounts(ctx context.Context, users []ops.UserRow, sessions []ops.SessionRow) error
}

// ErrAccountsToMove is the error of opening, without Options.Accounts, a database
// from an older version that still holds accounts.
var ErrAccountsToMove = errors.New("the database holds accounts of an older version; open it with the operations store to move them there")

// moveAccountsToOps is migration 0008: the users and sessions rows go to
// o.Accounts, which commits them, and only then are the tables dropped, in this
// migration's transaction. Interrupted between the two, the next open copies the
// same rows again, which the importer takes as done, and drops.
func moveAccountsToOps(ctx context.Context, tx *sql.Tx, o Options) error {
	var tables int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'sessions')").Scan(&tables); err != nil {
		return fmt.Errorf("move accounts: %w", err)
	}
	if tables > 0 {
		users, sessions, err := legacyAccounts(ctx, tx)
		if err != nil {
			return fmt.Errorf("move accounts: %w", err)
		}
		if len(users)+len(sessions) > 0 {
			if o.Accounts == nil {
				return fmt.Errorf("move accounts: %w (%d accounts)", ErrAccountsToMove, len(users))
			}
			if err := o.Accounts.ImportAccounts(ctx, users, sessions); err != nil {
				return fmt.Errorf("move accounts: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS users"); err != nil {
		return fmt.Errorf("move accounts: drop: %w", err)
	}
	return nil
}

func legacyAccounts(ctx context.Context, tx *sql.Tx) ([]ops.UserRow, []ops.SessionRow, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, email, name, role, password_hash, disabled, created_at, last_login_at FROM users ORDER BY id")
	if err != nil {
		return nil, nil, err
	}
	var users []ops.UserRow
	for rows.Next() {
		var u ops.UserRow
		var last sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &last); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if last.Valid {
			u.LastLoginAt = &last.Int64
		}
		users = append(users, u)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, nil, err
	}
	if rows, err = tx.QueryContext(ctx, "SELECT token_hash, user_id, created_at, expires_at FROM sessions ORDER BY user_id, token_hash"); err != nil {
		return nil, nil, err
	}
	var sessions []ops.SessionRow
	for rows.Next() {
		var s ops.SessionRow
		if err := rows.Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.ExpiresAt); err != nil {
			rows.Close()
			return nil, nil, err
		}
		sessions = append(sessions, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, nil, err
	}
	return users, sessions, nil
}
