package supervisor_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/billie/supervisor/backend/projection"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

// BenchmarkWorkspace times the workspace's queries on BILLIE_BENCH_DB: the "Needs
// attention" view, the palette's lookups, explaining a page of search results, and
// searches with scopes and exact matches.
func BenchmarkWorkspace(b *testing.B) {
	_, q := benchStore(b)
	ctx := context.Background()
	now := benchNow(b, q)
	th := projection.DefaultThresholds
	items, total, err := q.NeedsAttention(ctx, now, th, 200)
	if err != nil {
		b.Fatal(err)
	}
	reasons := map[string]int{}
	for _, it := range items {
		for _, r := range it.Reasons {
			reasons[r.Code]++
		}
	}
	fmt.Printf("needs attention: %d conversations; reasons among the first %d: %v\n", total, len(items), reasons)
	for range b.N {
		timeEach(b, "needs attention (200)", []string{"", "", "", ""}, func(string) error {
			_, _, err := q.NeedsAttention(ctx, now, th, 200)
			return err
		})
		texts := benchSearches(b, q)
		palette := append([]string{"oli", "smi", "jane", "ngu", "APP-2026", "cust-1"}, texts...)
		timeEach(b, "palette (3 lookups x 5)", palette, func(t string) error {
			_, err := q.Jump(ctx, t, now, th, 5)
			return err
		})
		pages := map[string][]string{}
		for _, t := range texts {
			p, err := q.Conversations(ctx, ConversationQuery{Search: t, Limit: 60, Now: now, Thresholds: th})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range p.Cards {
				pages[t] = append(pages[t], c.ID)
			}
		}
		timeEach(b, "explain a page of 60", texts, func(t string) error {
			_, err := q.ExplainMatches(ctx, t, pages[t])
			return err
		})
		scoped := []string{"name:smith", "msg:smith", "app:APP-2026", "name:oliver", "msg:licence", "msg:rego"}
		timeEach(b, "scoped search", scoped, func(t string) error {
			_, err := q.Conversations(ctx, ConversationQuery{Search: t, Limit: 60, Now: now, Thresholds: th})
			return err
		})
	}
}
