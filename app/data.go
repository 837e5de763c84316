package app

// The bound data methods: every one needs a signed-in supervisor.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/supervisor"
)

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ListConversations is one page of the grid, newest first.
func (a *App) ListConversations(q ConversationQuery) (ConversationPage, error) {
	status, err := statusOf(q.Status)
	if err != nil {
		return ConversationPage{}, err
	}
	var page ConversationPage
	err = a.cache(func(ctx context.Context, st *store.Store, c config) error {
		p, err := st.Supervisor().Conversations(ctx, supervisor.ConversationQuery{
			Search: q.Search, Status: status, Cursor: deref(q.Cursor), Limit: q.Limit,
			Now: instant(q.At, a.opts.now), Thresholds: c.Thresholds.projection(),
		})
		if err != nil {
			return err
		}
		page = ConversationPage{Items: a.cardsFor(ctx, p.Cards), NextCursor: str(p.Next)}
		return nil
	})
	return page, err
}

// StatusCounts counts conversations per status for a search ("" for all).
func (a *App) StatusCounts(search string) (map[string]int, error) {
	var out map[string]int
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		counts, err := a.counts.get(strings.TrimSpace(search), func() (map[projection.Status]int, error) {
			return st.Supervisor().StatusCounts(ctx, search, a.opts.now(), c.Thresholds.projection())
		})
		if err != nil {
			return err
		}
		out = make(map[string]int, len(counts))
		for k, v := range counts {
			out[string(k)] = v
		}
		return nil
	})
	return out, err
}

// GetConversation is everything the conversation screen shows.
func (a *App) GetConversation(id string) (ConversationDetail, error) {
	var d ConversationDetail
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		conv, err := st.Conversation(ctx, id)
		if err != nil {
			return err
		}
		cards, err := st.Supervisor().CardsByID(ctx, []string{id}, a.opts.now(), c.Thresholds.projection())
		if err != nil {
			return err
		}
		if conv == nil || len(cards) == 0 {
			return fmt.Errorf("Conversation %s was not found", id)
		}
		msgs, err := st.Messages(ctx, id)
		if err != nil {
			return err
		}
		d = ConversationDetail{
			Conversation: ConversationInfo{ConversationCard: cardOf(cards[0]), Facts: nonNil(conv.Facts),
				DecisionReason: conv.DecisionReason, Username: conv.Username},
			Messages: messagesOf(msgs),
		}
		var app *projection.Application
		app, d.Application, d.Customer, err = a.applicationAndCustomer(ctx, st, conv.ApplicationNumber, conv.CustomerID)
		if err != nil {
			return err
		}
		// They belong to the application; the conversation holds only those that came
		// before it knew its application number.
		as, nb := projection.Held(conv, app)
		d.Assessments, d.Noticeboard = assessmentsOf(as), noticeboardOf(nb)
		return nil
	})
	return d, err
}

// applicationAndCustomer reads a conversation's application (as stored and as shown)
// and customer, when known.
func (a *App) applicationAndCustomer(ctx context.Context, st *store.Store, number, customerID string) (*projection.Application, *Application, *CustomerProfile, error) {
	var app *projection.Application
	var err error
	if number != "" {
		if app, err = st.Application(ctx, number); err != nil {
			return nil, nil, nil, err
		}
	}
	if customerID == "" && app != nil {
		customerID = app.CustomerID
	}
	var cust *projection.Customer
	if customerID != "" {
		if cust, err = st.Customer(ctx, customerID); err != nil {
			return nil, nil, nil, err
		}
	}
	var outApp *Application
	if app != nil {
		v := applicationOf(app, cust)
		outApp = &v
	}
	var outCust *CustomerProfile
	if cust != nil {
		v := customerProfileOf(cust, a.opts.now())
		outCust = &v
	}
	return app, outApp, outCust, nil
}

// SearchCustomers lists customers by name, matching name, email or id.
func (a *App) SearchCustomers(q string, cursor *string, limit int) (CustomerPage, error) {
	var page CustomerPage
	err := a.cache(func(ctx context.Context, st *store.Store, _ config) error {
		p, err := st.Supervisor().SearchCustomers(ctx, q, deref(cursor), limit)
		if err != nil {
			return err
		}
		page = CustomerPage{Items: make([]CustomerRow, len(p.Rows)), NextCursor: str(p.Next)}
		for i, r := range p.Rows {
			page.Items[i] = customerRowOf(r)
		}
		return nil
	})
	return page, err
}

// GetCustomer is a customer's page: profile, applications and conversations.
func (a *App) GetCustomer(id string) (CustomerDetail, error) {
	var d CustomerDetail
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		cust, err := st.Customer(ctx, id)
		if err != nil {
			return err
		}
		if cust == nil {
			return fmt.Errorf("Customer %s was not found", id)
		}
		apps, err := st.Supervisor().ApplicationsOfCustomer(ctx, id)
		if err != nil {
			return err
		}
		convs, err := st.Supervisor().ConversationsOfCustomer(ctx, id, a.opts.now(), c.Thresholds.projection())
		if err != nil {
			return err
		}
		d = CustomerDetail{Profile: customerProfileOf(cust, a.opts.now()), Applications: applicationRowsOf(apps),
			Conversations: a.cardsFor(ctx, convs)}
		return nil
	})
	return d, err
}

// ListApplications is one page of applications, most recently updated first.
func (a *App) ListApplications(q ApplicationQuery) (ApplicationPage, error) {
	if q.Status != "" && !isApplicationStatus(q.Status) {
		return ApplicationPage{}, fmt.Errorf("unknown application status %q", q.Status)
	}
	var page ApplicationPage
	err := a.cache(func(ctx context.Context, st *store.Store, _ config) error {
		p, err := st.Supervisor().Applications(ctx, supervisor.ApplicationQuery{Status: q.Status, Search: q.Search, Cursor: deref(q.Cursor), Limit: q.Limit})
		if err != nil {
			return err
		}
		page = ApplicationPage{Items: applicationRowsOf(p.Rows), NextCursor: str(p.Next)}
		return nil
	})
	return page, err
}

// GetApplication is an application's page.
func (a *App) GetApplication(number string) (ApplicationDetail, error) {
	var d ApplicationDetail
	err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
		raw, app, cust, err := a.applicationAndCustomer(ctx, st, number, "")
		if err != nil {
			return err
		}
		if app == nil {
			return fmt.Errorf("Application %s was not found", number)
		}
		convs, err := st.Supervisor().ConversationsOfApplication(ctx, number, a.opts.now(), c.Thresholds.projection())
		if err != nil {
			return err
		}
		d = ApplicationDetail{Application: *app, Customer: cust, Conversations: a.cardsFor(ctx, convs),
			Assessments: assessmentsOf(raw.Assessments), Noticeboard: noticeboardOf(raw.Noticeboard)}
		return nil
	})
	return d, err
}

// countsCache keeps recent status counts. The grid asks for counts every few
// seconds while events flow; counting a common word's matches takes long, so a
// count is reused for twenty times as long as it took (one to thirty seconds).
type countsCache struct {
	mu      sync.Mutex
	entries map[string]countsEntry
}

type countsEntry struct {
	counts map[projection.Status]int
	until  time.Time
}

func newCountsCache() *countsCache { return &countsCache{entries: map[string]countsEntry{}} }

func (c *countsCache) get(key string, compute func() (map[projection.Status]int, error)) (map[projection.Status]int, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && time.Now().Before(e.until) {
		return e.counts, nil
	}
	started := time.Now()
	counts, err := compute()
	if err != nil {
		return nil, err
	}
	keep := min(max(20*time.Since(started), time.Second), 30*time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) > 64 {
		clear(c.entries)
	}
	c.entries[key] = countsEntry{counts: counts, until: time.Now().Add(keep)}
	return counts, nil
}

func (c *countsCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}
