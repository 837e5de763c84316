package ops

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Setting returns the JSON value stored under key; false when there is none.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("setting %s: %w", key, err)
	}
	return []byte(v), true, nil
}

// PutSetting stores the JSON value under key, noting who set it and when.
func (s *Store) PutSetting(ctx context.Context, key string, value []byte, by string) error {
	if !json.Valid(value) {
		return fmt.Errorf("put setting %s: the value is not JSON", key)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, string(value), millis(s.now()), by); err != nil {
		return fmt.Errorf("put setting %s: %w", key, err)
	}
	return nil
}
