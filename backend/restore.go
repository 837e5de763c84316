package main

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
)

func newRestoreCmd(cfg *config) *cobra.Command {
	var from string
	var keepGroup bool
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Put the databases of a backup in place (serve stopped)",
		Long: `Restore the read-model database (--db) and the operations store (--ops-db) from a file
written by backend backup. Every serve of --db must be stopped: restore refuses while one
runs (it holds <db>.lock) or while a projector holds the group's lease. The files are
checked (sizes, SHA-256, SQLite's integrity check) before anything is replaced; the
current databases are kept as .bak.

The stream's consumer group then starts again from the backup's checkpoint (it is
destroyed and created there), so the entries that arrived after the backup are projected
again; --keep-group leaves the group alone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return errors.New("restore: --from is required")
			}
			m, err := runRestore(cmd.Context(), cfg, from, !keepGroup)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s and %s from %s (backup of %s, checkpoint %s); the previous files are *.bak\n",
				cfg.db, cfg.opsPath(), from, m.CreatedAt.Format("2006-01-02 15:04:05Z"), checkpointText(m.Checkpoint))
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the backup file")
	cmd.Flags().BoolVar(&keepGroup, "keep-group", false, "leave the consumer group where it is (the entries acknowledged after the backup are then not projected again)")
	return cmd
}

func runRestore(ctx context.Context, cfg *config, from string, resetGroup bool) (manifest, error) {
	var m manifest
	release, err := lockRestore(cfg.db)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer release()
	var rdb *redis.Client
	if resetGroup {
		if rdb, err = cfg.openRedis(ctx); err != nil {
			return m, fmt.Errorf("restore: %w (to leave the consumer group alone, --keep-group)", err)
		}
		defer rdb.Close()
		holder, err := rdb.Get(ctx, reader.LeaseKey(cfg.stream, cfg.group)).Result()
		if err == nil {
			return m, fmt.Errorf("restore: a projector (%s) holds the lease of group %s: stop every serve of the group first", holder, cfg.group)
		}
		if !errors.Is(err, redis.Nil) {
			return m, fmt.Errorf("restore: %w", err)
		}
	}
	targets := map[string]string{backupReadModel: cfg.db, backupOps: cfg.opsPath()}
	m, staged, err := stageBackup(ctx, from, targets)
	defer func() {
		for _, p := range staged {
			os.Remove(p)
		}
	}()
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	for name, dest := range targets {
		if err := replaceDB(staged[name], dest); err != nil {
			return m, fmt.Errorf("restore %s: %w", dest, err)
		}
	}
	if resetGroup {
		if err := resetGroupTo(ctx, rdb, cfg.stream, cfg.group, m.Checkpoint); err != nil {
			return m, fmt.Errorf("restore: the databases are restored, but the group is not reset (repeat with the same backup, or reset it by hand): %w", err)
		}
	}
	return m, nil
}

// stageBackup extracts the backup's databases beside their destinations and checks
// them; it returns the staged files by name, also on failure (to remove them).
func stageBackup(ctx context.Context, from string, targets map[string]string) (manifest, map[string]string, error) {
	var m manifest
	staged := map[string]string{}
	f, err := os.Open(from)
	if err != nil {
		return m, staged, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != backupManifest {
		return m, staged, fmt.Errorf("%s is not a backup: no %s first (%v)", from, backupManifest, err)
	}
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
		return m, staged, fmt.Errorf("%s: %s: %w", from, backupManifest, err)
	}
	if m.Format != backupFormat {
		return m, staged, fmt.Errorf("%s: backup format %d; this backend reads %d", from, m.Format, backupFormat)
	}
	want := map[string]backupFile{}
	for _, bf := range m.Files {
		want[bf.Name] = bf
	}
	for name := range targets {
		if _, ok := want[name]; !ok {
			return m, staged, fmt.Errorf("%s: the manifest lists no %s", from, name)
		}
	}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, staged, fmt.Errorf("%s: %w", from, err)
		}
		bf, ok := want[hdr.Name]
		dest, known := targets[hdr.Name]
		if !ok || !known || hdr.Size != bf.Size || staged[hdr.Name] != "" {
			return m, staged, fmt.Errorf("%s: unexpected entry %q", from, hdr.Name)
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
			return m, staged, err
		}
		p := dest + ".restoring"
		staged[hdr.Name] = p
		if err := extract(tr, p, bf); err != nil {
			return m, staged, fmt.Errorf("%s: %s: %w", from, hdr.Name, err)
		}
	}
	for name := range targets {
		if staged[name] == "" {
			return m, staged, fmt.Errorf("%s: %s is missing", from, name)
		}
	}
	if _, err := store.CheckFile(ctx, staged[backupReadModel]); err != nil {
		return m, staged, err
	}
	if _, err := ops.CheckFile(ctx, staged[backupOps]); err != nil {
		return m, staged, err
	}
	return m, staged, nil
}

// extract writes the tar entry in hand to path (0600, synced) and checks its sum.
func extract(r io.Reader, path string, bf backupFile) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != bf.SHA256 {
		return fmt.Errorf("SHA-256 %s, the manifest says %s", got, bf.SHA256)
	}
	return nil
}

// replaceDB moves the database at dest (with its log and shared memory) to .bak and
// the staged file into its place.
func replaceDB(staged, dest string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(dest + ".bak" + suffix) // a .bak's stale log must not meet the new .bak
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(dest+suffix, dest+".bak"+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(staged, dest); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dest))
}

// resetGroupTo makes the consumer group start again after checkpoint: destroyed
// (its pending entries and consumers with it, which were delivered after the
// backup) and created at the checkpoint, or at the start of the stream without one.
func resetGroupTo(ctx context.Context, rdb *redis.Client, stream, group, checkpoint string) error {
	if checkpoint == "" {
		checkpoint = "0"
	}
	// On a stream that does not exist, DESTROY fails and there is nothing to destroy.
	if n, err := rdb.Exists(ctx, stream).Result(); err != nil {
		return err
	} else if n > 0 {
		if err := rdb.XGroupDestroy(ctx, stream, group).Err(); err != nil {
			return fmt.Errorf("destroy group %s: %w", group, err)
		}
	}
	if err := rdb.XGroupCreateMkStream(ctx, stream, group, checkpoint).Err(); err != nil {
		return fmt.Errorf("create group %s at %s: %w", group, checkpoint, err)
	}
	return nil
}
