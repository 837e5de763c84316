package app

// The workspace's bound methods: the "Needs attention" view, why a search result
// matched, and the Ctrl-K palette. Every one needs a signed-in supervisor.

import (
	"context"
	"strings"
	"sync"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/supervisor"
)

// NeedsAttention is the conversations needing attention now, most urgent first.
func (a *App) NeedsAttention(limit int) (AttentionPage, error) {
	var page AttentionPage
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		items, total, err := st.Supervisor().NeedsAttention(ctx, a.opts.now(), c.Thresholds.projection(), limit)
		if err != nil {
			return err
		}
		page = AttentionPage{Items: make([]AttentionItem, len(items)), Total: total}
		for i, it := range items {
			rs := make([]AttentionReason, len(it.Reasons))
			for j, r := range it.Reasons {
				rs[j] = AttentionReason{Code: r.Code, Label: r.Label}
			}
			page.Items[i] = AttentionItem{Card: cardOf(it.Card), Reasons: rs}
		}
		return nil
	})
	return page, err
}

// ExplainMatches says why each of the given conversations matches search (ids the
// search returned); conversations that no longer match are left out.
func (a *App) ExplainMatches(search string, ids []string) (map[string]SearchMatch, error) {
	out := map[string]SearchMatch{}
	if len(ids) > supervisor.MaxPage {
		ids = ids[:supervisor.MaxPage]
	}
	err := a.cache(func(ctx context.Context, st *store.Store, _ config) error {
		ms, err := st.Supervisor().ExplainMatches(ctx, search, ids)
		if err != nil {
			return err
		}
		for id, m := range ms {
			parts := make([]MatchPart, len(m.Parts))
			for i, p := range m.Parts {
				parts[i] = MatchPart{Text: p.Text, Hit: p.Hit}
			}
			out[id] = SearchMatch{Field: m.Field, Exact: m.Exact, Parts: parts}
		}
		return nil
	})
	return out, err
}

// jumpEach is how many results of each kind the palette shows.
const jumpEach = 5

// Jump is the palette's results for text: conversations (as the grid's search finds
// them, exact matches first), customers and applications, a few of each. The three
// lookups run side by side on the cache's read pool.
func (a *App) Jump(text string) ([]JumpResult, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return []JumpResult{}, nil
	}
	var convs, custs, apps []JumpResult
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		q := st.Supervisor()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		wg.Add(3)
		go func() {
			defer wg.Done()
			p, err := q.Conversations(ctx, supervisor.ConversationQuery{Search: text, Limit: jumpEach,
				Now: a.opts.now(), Thresholds: c.Thresholds.projection()})
			for _, card := range p.Cards {
				sub := card.ApplicationNumber
				if sub == "" {
					sub = "No application"
				}
				convs = append(convs, JumpResult{Kind: "conversation", ID: card.ID, Title: orDash(card.DisplayName),
					Subtitle: sub + " · " + string(card.Status)})
			}
			errs[0] = err
		}()
		go func() {
			defer wg.Done()
			p, err := q.SearchCustomers(ctx, text, "", jumpEach)
			for _, r := range p.Rows {
				sub := r.Email
				if sub == "" {
					sub = r.ID
				}
				custs = append(custs, JumpResult{Kind: "customer", ID: r.ID, Title: orDash(r.DisplayName), Subtitle: sub})
			}
			errs[1] = err
		}()
		go func() {
			defer wg.Done()
			p, err := q.Applications(ctx, supervisor.ApplicationQuery{Search: text, Limit: jumpEach})
			for _, r := range p.Rows {
				sub := r.CustomerName
				if sub == "" {
					sub = r.CustomerID
				}
				apps = append(apps, JumpResult{Kind: "application", ID: r.Number, Title: r.Number,
					Subtitle: strings.TrimPrefix(sub+" · ", " · ") + strings.ReplaceAll(r.Status, "_", " ")})
			}
			errs[2] = err
		}()
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	})
	out := make([]JumpResult, 0, len(convs)+len(custs)+len(apps))
	out = append(append(append(out, convs...), custs...), apps...)
	return out, err
}

func orDash(s string) string {
	if s == "" {
		return "New customer"
	}
	return s
}
