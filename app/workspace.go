package app

// The workspace's bound methods: the "Needs attention" view, why a search result
// matched, and the Ctrl-K palette. Every one needs a signed-in supervisor.

import (
	"context"
	"strings"

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
		src := make([]supervisor.ConversationCard, len(items))
		for i, it := range items {
			src[i] = it.Card
		}
		cards := a.cardsFor(ctx, src)
		for i, it := range items {
			page.Items[i] = AttentionItem{Card: cards[i], Reasons: reasonsOf(it.Reasons)}
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
// them, exact matches first), customers and applications, a few of each. seq numbers
// the palette's questions, increasing: a lookup still running when a higher-numbered
// one starts stops and answers errSuperseded.
func (a *App) Jump(text string, seq int64) ([]JumpResult, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return []JumpResult{}, nil
	}
	out := []JumpResult{}
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		ctx, done, err := a.jumps.start(ctx, seq)
		if err != nil {
			return err
		}
		defer done()
		r, err := st.Supervisor().Jump(ctx, text, a.opts.now(), c.Thresholds.projection(), jumpEach)
		if superseded(ctx) {
			return errSuperseded
		}
		if err != nil {
			return err
		}
		for _, card := range r.Conversations {
			sub := card.ApplicationNumber
			if sub == "" {
				sub = "No application"
			}
			out = append(out, JumpResult{Kind: "conversation", ID: card.ID, Title: orDash(card.DisplayName),
				Subtitle: sub + " · " + string(card.Status)})
		}
		for _, row := range r.Customers {
			sub := row.Email
			if sub == "" {
				sub = row.ID
			}
			out = append(out, JumpResult{Kind: "customer", ID: row.ID, Title: orDash(row.DisplayName), Subtitle: sub})
		}
		for _, row := range r.Applications {
			sub := row.CustomerName
			if sub == "" {
				sub = row.CustomerID
			}
			status := strings.ReplaceAll(row.Status, "_", " ")
			if sub != "" {
				status = sub + " · " + status
			}
			out = append(out, JumpResult{Kind: "application", ID: row.Number, Title: row.Number, Subtitle: status})
		}
		return nil
	})
	return out, err
}

func orDash(s string) string {
	if s == "" {
		return "New customer"
	}
	return s
}
