package supervisor_test

// Benchmarks on a filled database (not timed tests): BILLIE_BENCH_DB names a database
// made by `backend load` (scripts/bench-workspace.sh makes one). They are skipped
// without it. BenchmarkSearch uses only the grid's query, so the same file times an
// older version of the package (docs/performance.md).

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

func benchStore(b *testing.B) (*store.Store, *Queries) {
	path := os.Getenv("BILLIE_BENCH_DB")
	if path == "" {
		b.Skip("BILLIE_BENCH_DB is not set: scripts/bench-workspace.sh")
	}
	// The first open of a database applies the supervisor migrations: their indexes
	// and backfills take most of this.
	start := time.Now()
	st, err := store.Open(context.Background(), path, store.Options{SupervisorQueries: true})
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("opened %s in %s\n", path, time.Since(start).Round(time.Millisecond))
	b.Cleanup(func() { st.Close() })
	return st, st.Supervisor()
}

// benchNow is about the load's "now": the latest message of the newest conversations.
func benchNow(b *testing.B, q *Queries) time.Time {
	p, err := q.Conversations(context.Background(), ConversationQuery{Limit: MaxPage, Now: time.Now(), Thresholds: projection.DefaultThresholds})
	if err != nil {
		b.Fatal(err)
	}
	var now time.Time
	for _, c := range p.Cards {
		for _, t := range []time.Time{c.StartedAt, c.LastMessageAt} {
			if t.After(now) {
				now = t
			}
		}
	}
	return now.Add(time.Second)
}

// benchSearches are BenchmarkDesktop's search texts, with four application numbers
// picked the same way every run.
func benchSearches(b *testing.B, qs *Queries) []string {
	q := []string{"smith", "nguyen", "papadopoulos", "wang", "oliver", "jo", "mar", "chloe brown",
		"approved", "declined", "withdrawn", "decl",
		"surgery", "licence", "lic", "passport", "pass", "vet bills", "rego", "dentist", "funeral",
		"forklift", "fridge", "medicare", "statement", "my licence", "expired", "fraud"}
	p, err := qs.Applications(context.Background(), ApplicationQuery{Limit: MaxPage})
	if err != nil || len(p.Rows) < 400 {
		b.Fatalf("applications: %d, %v", len(p.Rows), err)
	}
	for _, i := range []int{97, 193, 281, 389} {
		n := p.Rows[i].Number
		q = append(q, n, strings.ToLower(n[:len(n)-2]))
	}
	return q
}

// timeEach runs f for every text five times and reports p50, p95 and the slowest.
func timeEach(b *testing.B, name string, texts []string, f func(string) error) {
	var all []time.Duration
	for range 5 {
		for _, t := range texts {
			start := time.Now()
			if err := f(t); err != nil {
				b.Fatalf("%s %q: %v", name, t, err)
			}
			all = append(all, time.Since(start))
		}
	}
	slices.Sort(all)
	p := func(n int) time.Duration { return all[min(len(all)-1, max(0, (len(all)*n+99)/100-1))] }
	fmt.Printf("%-28s p50 %8s  p95 %8s  max %8s  (%d runs)\n", name, p(50).Round(100*time.Microsecond),
		p(95).Round(100*time.Microsecond), all[len(all)-1].Round(100*time.Microsecond), len(all))
	b.ReportMetric(float64(p(95).Microseconds())/1000, strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(name)+"-p95-ms")
}

// BenchmarkSearch times the grid's search (first page of 60, as the window asks).
func BenchmarkSearch(b *testing.B) {
	_, q := benchStore(b)
	now := benchNow(b, q)
	texts := benchSearches(b, q)
	for range b.N {
		timeEach(b, "search", texts, func(t string) error {
			_, err := q.Conversations(context.Background(), ConversationQuery{Search: t, Limit: 60, Now: now,
				Thresholds: projection.DefaultThresholds})
			return err
		})
	}
}
