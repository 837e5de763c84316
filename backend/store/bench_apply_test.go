package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkApplyDesktop applies a simulated stream with the desktop cache's options
// (app/sync.go's cacheOptions), with the supervisor set as it is and without the
// attention facts' triggers (migration supervisor/0003), alternately in one process so
// that both see the same load: what keeping the facts costs the desktop's catch-up.
//
//	go test -run '^$' -bench BenchmarkApplyDesktop -benchtime 6x ./backend/store/
func BenchmarkApplyDesktop(b *testing.B) {
	// The desktop's catch-up joins waiting reads into applies of up to 10,000 entries
	// (app/consumer.go, MaxApply); BILLIE_BENCH_APPLY_BATCH sets another size.
	applyBatch := 10000
	if v := os.Getenv("BILLIE_BENCH_APPLY_BATCH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		applyBatch = n
	}
	entries := simEntries(b, 3000, 5)
	desktop := Options{Relaxed: true, NoArchive: true, NoPortal: true, SupervisorQueries: true,
		UnmappedWriter: true, CachedRecords: 1024, CachedDocsMiB: 32}
	var took [2]time.Duration // with the facts, without
	for i := range b.N {
		for _, facts := range []bool{i%2 == 0, i%2 != 0} {
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("cache%d-%t.db", i, facts)), desktop)
			if err != nil {
				b.Fatal(err)
			}
			if !facts {
				dropAttentionTriggers(b, s)
			}
			start := time.Now()
			for _, batch := range chunks(entries, applyBatch) {
				if _, err := s.ApplyBatch(ctx, "desktop", batch); err != nil {
					b.Fatal(err)
				}
			}
			if facts {
				took[0] += time.Since(start)
			} else {
				took[1] += time.Since(start)
			}
			s.Close()
		}
	}
	with, without := float64(len(entries)*b.N)/took[0].Seconds(), float64(len(entries)*b.N)/took[1].Seconds()
	b.ReportMetric(with, "events/s-facts")
	b.ReportMetric(without, "events/s-no-facts")
	b.ReportMetric(with/without, "ratio")
}

// dropAttentionTriggers leaves s's attention facts unmaintained.
func dropAttentionTriggers(b *testing.B, s *Store) {
	ctx := context.Background()
	rows, err := s.g().w.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'attention%'")
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			b.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 {
		b.Fatal("no attention triggers to drop")
	}
	for _, n := range names {
		if _, err := s.g().w.ExecContext(ctx, "DROP TRIGGER "+n); err != nil {
			b.Fatal(err)
		}
	}
}
