package main

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/billie/supervisor/internal/version"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
)

// A backup is one tar file: manifest.json first, then each database as of one
// moment (SQLite's VACUUM INTO), named by its role.
const (
	backupFormat    = 1
	backupManifest  = "manifest.json"
	backupReadModel = "read-models.db"
	backupOps       = "ops.db"
)

// manifest describes a backup.
type manifest struct {
	Format    int       `json:"format"`
	Version   string    `json:"version"` // of the backend that wrote it
	CreatedAt time.Time `json:"createdAt"`
	// Group and Checkpoint are the consumer group and the last stream entry the
	// read models of the backup had applied: a restored backend goes on from there.
	Group       string            `json:"group"`
	Checkpoint  string            `json:"checkpoint"`
	Checkpoints map[string]string `json:"checkpoints"`
	Files       []backupFile      `json:"files"`
}

type backupFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func newBackupCmd(cfg *config) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Write a consistent copy of every database to one file, while serve runs",
		Long: `Copy the read-model database (--db: read models, checkpoint, event archive, dead
letters) and the operations store (--ops-db: accounts, sessions, audit log, history),
each as of one moment, into FILE: a tar of the two databases and a manifest (backend
version, time, the checkpoint of --group). backend serve keeps running meanwhile.
FILE must not exist; it is written readable by this user alone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return errors.New("backup: --to is required")
			}
			m, err := runBackup(cmd.Context(), cfg, to)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backed up %s and %s to %s (checkpoint %s)\n", cfg.db, cfg.opsPath(), to, checkpointText(m.Checkpoint))
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the backup file to write (must not exist)")
	return cmd
}

func runBackup(ctx context.Context, cfg *config, to string) (manifest, error) {
	m := manifest{Format: backupFormat, Version: version.Get().Version, Group: cfg.group}
	if _, err := os.Lstat(to); err == nil {
		return m, fmt.Errorf("backup: %s exists; choose another --to", to)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(to), ".backup-")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	st, opsStore, err := cfg.openStores(ctx)
	if err != nil {
		return m, err
	}
	defer opsStore.Close()
	defer st.Close()
	m.CreatedAt = time.Now().UTC()
	if err := st.BackupTo(ctx, filepath.Join(tmp, backupReadModel)); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := opsStore.BackupTo(ctx, filepath.Join(tmp, backupOps)); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	sum, err := store.CheckFile(ctx, filepath.Join(tmp, backupReadModel))
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if _, err := ops.CheckFile(ctx, filepath.Join(tmp, backupOps)); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	m.Checkpoints, m.Checkpoint = sum.Checkpoints, sum.Checkpoints[cfg.group]
	for _, name := range []string{backupReadModel, backupOps} {
		f, err := fileSum(filepath.Join(tmp, name))
		if err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
		f.Name = name
		m.Files = append(m.Files, f)
	}
	if err := writeBackup(to, tmp, m); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// checkpointText is a checkpoint for a message.
func checkpointText(id string) string {
	if id == "" {
		return "none: nothing projected yet"
	}
	return id
}

func fileSum(path string) (backupFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return backupFile{}, err
	}
	return backupFile{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeBackup writes the tar to a new file beside to, syncs it and renames it into
// place, so that to is either absent or whole.
func writeBackup(to, dir string, m manifest) (err error) {
	part := to + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(part)
		}
	}()
	tw := tar.NewWriter(f)
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifest, Mode: 0o600, Size: int64(len(body)), ModTime: m.CreatedAt}); err != nil {
		return err
	}
	if _, err := tw.Write(body); err != nil {
		return err
	}
	for _, bf := range m.Files {
		if err := addFile(tw, filepath.Join(dir, bf.Name), bf, m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(part, to); err != nil {
		return err
	}
	return syncDir(filepath.Dir(to))
}

func addFile(tw *tar.Writer, path string, bf backupFile, at time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(&tar.Header{Name: bf.Name, Mode: 0o600, Size: bf.Size, ModTime: at}); err != nil {
		return err
	}
	_, err = io.CopyN(tw, f, bf.Size)
	return err
}

// syncDir makes a rename in dir durable. Some systems (Windows) cannot sync a
// directory; there the synced file has to do.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
