package store

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Commits stay in the write-ahead log (wal_autocheckpoint is off) until the
// checkpointer, told of a commit, copies them into the database file.
func TestCheckpointerCopiesCommitsIntoTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	s := openAt(t, path, Options{})
	if err := s.g().ckpt.checkpoint("PASSIVE"); err != nil {
		t.Fatal(err)
	}
	// The file's bytes, not its size: the batch may fit in pages an earlier
	// migration freed (0008 drops tables), which the file already has.
	before := fileSum(t, path)
	if _, err := s.ApplyBatch(ctx, "test", fixtureEntries(t)); err != nil {
		t.Fatal(err)
	}
	// No deadline of our own: a checkpointer that never runs fails by the test timeout.
	for fileSum(t, path) == before {
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping after a checkpoint: %v", err)
	}
}

// A failing checkpoint makes the store report itself unhealthy, so /readyz shows it.
func TestPingReportsCheckpointFailure(t *testing.T) {
	s := openTemp(t)
	if err := s.g().ckpt.db.Close(); err != nil {
		t.Fatal(err)
	}
	s.g().ckpt.setErr(s.g().ckpt.checkpoint("PASSIVE"))
	if err := s.Ping(context.Background()); err == nil {
		t.Error("ping succeeded although the last checkpoint failed")
	}
}

func fileSum(t *testing.T, path string) [sha256.Size]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
