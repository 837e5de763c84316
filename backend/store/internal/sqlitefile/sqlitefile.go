// Package sqlitefile owns what every SQLite file of the backend gets on disk: a
// directory and files readable by this user alone, and consistent copies (backups). The read-model store and the
// operations store (package ops) both call it.
package sqlitefile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// RestrictDir makes the database's directory, new or not, this user's alone: it holds
// the WAL and shared-memory files too. A shared directory such as /tmp (sticky) is
// left as it is: changing it would lock other users out.
func RestrictDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSticky != 0 || fi.Mode().Perm() == 0o700 {
		return nil
	}
	return os.Chmod(dir, 0o700)
}

// RestrictFiles makes the database and its WAL and shared-memory files readable by
// this user alone: SQLite creates the last two with the process umask, and all three
// hold customer data or credentials.
func RestrictFiles(path string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// CopyInto writes a consistent copy of the database that dsn opens, as of one moment,
// to the new file to (VACUUM INTO), on a connection of its own: the stores' readers are
// query-only, which VACUUM INTO counts as writing, and on their writer the copy would
// hold every write up.
func CopyInto(ctx context.Context, dsn, to string) error {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		return fmt.Errorf("to %s: %w", to, err)
	}
	return nil
}
