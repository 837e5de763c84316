package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/simulator"
)

// simEntries are n conversations of the simulator as stream entries.
func simEntries(t testing.TB, n int, seed int64) []ledger.Entry {
	t.Helper()
	out, err := simulator.Entries(simulator.Options{Conversations: n, Seed: seed, Messy: true,
		Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), History: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func applyAll(t *testing.T, s *Store, entries []ledger.Entry, n int) {
	t.Helper()
	for _, b := range chunks(entries, n) {
		if _, err := s.ApplyBatch(context.Background(), "g", b); err != nil {
			t.Fatal(err)
		}
	}
}

// sameReadModels fails unless a and b hold the same rows in every read-model table,
// dead letter and counter.
func sameReadModels(t *testing.T, a, b *Store) {
	t.Helper()
	ctx := context.Background()
	for _, table := range append(slices.Clone(ReadModelTables), "counters") {
		ra, err := a.Rows(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Rows(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		if len(ra) == 0 && table != "counters" {
			t.Errorf("%s: no rows", table)
		}
		if !slices.Equal(ra, rb) {
			t.Errorf("%s differs: %d rows against %d", table, len(ra), len(rb))
		}
	}
	// A dead letter's time is when it was handled.
	q := "SELECT ms || '-' || seq || ' ' || reason FROM dead_letters ORDER BY ms, seq"
	if da, db := column(t, a, q), column(t, b, q); !slices.Equal(da, db) || len(da) == 0 {
		t.Errorf("dead letters differ or none: %v against %v", da, db)
	}
}

// TestSwapUnderLoad builds a shadow from the archive while the live store keeps
// applying and readers keep reading, swaps it in, and ends with what a store that
// never swapped holds; no read fails.
func TestSwapUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := simEntries(t, 120, 3)
	half := len(entries) / 2
	live := openAt(t, filepath.Join(dir, "live.db"), Options{})
	want := openAt(t, filepath.Join(dir, "want.db"), Options{})
	applyAll(t, live, entries[:half], 97)
	applyAll(t, want, entries, 97)

	stop := make(chan struct{})
	var reads, failures atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	portal, err := live.PortalReader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				switch (n + i) % 3 {
				case 0:
					_, err = live.Conversation(ctx, "x")
				case 1:
					_, err = live.Counters(ctx)
				case 2:
					_, err = portal.Applications(ctx, "c", nil, 10)
				}
				reads.Add(1)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	applied := make(chan struct{})
	go func() {
		defer close(applied)
		for _, b := range chunks(entries[half:], 97) {
			if _, err := live.ApplyBatch(ctx, "g", b); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()

	sh, err := live.NewShadow(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.CatchUp(ctx, 500, nil); err != nil {
		t.Fatal(err)
	}
	stats, err := sh.Swap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	<-applied
	close(stop)
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d of %d reads failed during the swap, first: %v", failures.Load(), reads.Load(), firstErr.Load())
	}
	t.Logf("swap: %+v; %d reads", stats, reads.Load())
	if err := sh.Discard(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{sh.Path(), live.path + ".previous"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", p, err)
		}
	}
	sameReadModels(t, live, want)
	if cp, _ := live.Checkpoint(ctx, "g"); cp.String() != entries[len(entries)-1].ID {
		t.Errorf("checkpoint %s, want %s", cp, entries[len(entries)-1].ID)
	}
}

// TestDiscardedShadowLeavesTheLiveStore: a shadow that is discarded instead of
// swapped leaves nothing behind and the live store as it was.
func TestDiscardedShadowLeavesTheLiveStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	entries := simEntries(t, 40, 5)
	live := openAt(t, filepath.Join(dir, "live.db"), Options{})
	applyAll(t, live, entries, 200)
	before := map[string][]string{}
	for _, table := range ReadModelTables {
		before[table], _ = live.Rows(ctx, table)
	}
	sh, err := live.NewShadow(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.CatchUp(ctx, 100, nil); err != nil {
		t.Fatal(err)
	}
	if err := sh.Discard(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(sh.Path() + suffix); !os.IsNotExist(err) {
			t.Errorf("shadow%s left behind: %v", suffix, err)
		}
	}
	for _, table := range ReadModelTables {
		rows, err := live.Rows(ctx, table)
		if err != nil || !slices.Equal(rows, before[table]) {
			t.Errorf("%s changed: %v", table, err)
		}
	}
}
