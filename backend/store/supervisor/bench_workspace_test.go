package supervisor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

// BenchmarkWorkspace times the workspace's queries on BILLIE_BENCH_DB: the "Needs
// attention" view, the grid filtered by status, opening a conversation, the palette's
// lookups, explaining a page of search results, and searches with scopes and exact
// matches. It uses only calls older builds have too, so scripts/bench-workspace.sh
// can time a BASE build with this file.
func BenchmarkWorkspace(b *testing.B) {
	st, q := benchStore(b)
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
		var statuses []string
		for _, s := range projection.Statuses {
			statuses = append(statuses, string(s))
		}
		timeEach(b, "status filter (first 60)", statuses, func(s string) error {
			_, err := q.Conversations(ctx, ConversationQuery{Status: projection.Status(s), Limit: 60, Now: now, Thresholds: th})
			return err
		})
		ids := benchConversationIDs(b, q, now)
		timeEach(b, "open a conversation", ids, func(id string) error {
			return openConversation(ctx, st, q, id, now)
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

// benchConversationIDs picks conversations to open the same way every run: some of the
// newest and some of each decided status, old ones whose pages are cold.
func benchConversationIDs(b *testing.B, q *Queries, now time.Time) []string {
	var ids []string
	for _, s := range []projection.Status{"", projection.StatusApproved, projection.StatusDeclined, projection.StatusEnded} {
		p, err := q.Conversations(context.Background(), ConversationQuery{Status: s, Limit: MaxPage, Now: now, Thresholds: projection.DefaultThresholds})
		if err != nil || len(p.Cards) < MaxPage {
			b.Fatalf("conversations %q: %d, %v", s, len(p.Cards), err)
		}
		for _, i := range []int{0, 7, 131, 257, 499} {
			ids = append(ids, p.Cards[i].ID)
		}
	}
	return ids
}

// openConversation reads what the desktop's GetConversation reads (app/data.go): the
// conversation, its card, its messages, its application and customer.
func openConversation(ctx context.Context, st *store.Store, q *Queries, id string, now time.Time) error {
	c, err := st.Conversation(ctx, id)
	if err != nil || c == nil {
		return fmt.Errorf("conversation %s: %v", id, err)
	}
	if _, err := q.CardsByID(ctx, []string{id}, now, projection.DefaultThresholds); err != nil {
		return err
	}
	if _, err := st.Messages(ctx, id); err != nil {
		return err
	}
	var app *projection.Application
	if c.ApplicationNumber != "" {
		if app, err = st.Application(ctx, c.ApplicationNumber); err != nil {
			return err
		}
	}
	customer := c.CustomerID
	if customer == "" && app != nil {
		customer = app.CustomerID
	}
	if customer != "" {
		if _, err := st.Customer(ctx, customer); err != nil {
			return err
		}
	}
	projection.Held(c, app)
	return nil
}
