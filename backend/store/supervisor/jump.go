package supervisor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// JumpResults are the Ctrl-K palette's answers: a few conversations (as the grid's
// search finds them, exact matches first), customers and applications.
type JumpResults struct {
	Conversations []ConversationCard
	Customers     []CustomerRow
	Applications  []ApplicationRow
}

// Jump looks text up as a conversation search, a customer search and an application
// search, each limited to each results, side by side on the read pool.
func (s *Queries) Jump(ctx context.Context, text string, now time.Time, th projection.Thresholds, each int) (JumpResults, error) {
	var r JumpResults
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		p, err := s.Conversations(ctx, ConversationQuery{Search: text, Limit: each, Now: now, Thresholds: th})
		r.Conversations, errs[0] = p.Cards, err
	}()
	go func() {
		defer wg.Done()
		p, err := s.SearchCustomers(ctx, text, "", each)
		r.Customers, errs[1] = p.Rows, err
	}()
	go func() {
		defer wg.Done()
		p, err := s.Applications(ctx, ApplicationQuery{Search: text, Limit: each})
		r.Applications, errs[2] = p.Rows, err
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return JumpResults{}, fmt.Errorf("jump %q: %w", text, err)
		}
	}
	return r, nil
}
