package app

// Each supervisor's own state on this computer (package personal, personal.db): the
// unread markers, saved views and personal preferences. Every method needs a
// signed-in supervisor, whose email (lower case) keys their rows, so two supervisors
// sharing a computer account see only their own.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/personal"
	"github.com/billie/supervisor/backend/store/supervisor"
)

// personalName is the personal database in the data directory.
const personalName = "personal.db"

// OpenPersonal opens (creating if needed) the personal store at path: personal.Open,
// handed in by the desktop's main.
type OpenPersonal func(ctx context.Context, path string) (*personal.Store, error)

var errNoPersonal = errors.New("Your views and read markers are not available on this computer")

// seenCache keeps the signed-in supervisor's "last looked" state in memory: every card
// the window reads asks it.
type seenCache struct {
	mu   sync.Mutex
	user string
	seen personal.Seen
}

// userKey is the signed-in supervisor's key in the personal store.
func userKey(s *storedSession) string {
	return strings.ToLower(strings.TrimSpace(s.User.Email))
}

// me is the signed-in supervisor's key and the personal store, or the error to show.
func (a *App) me() (string, *personal.Store, error) {
	<-a.ready // the stored session is checked at start
	if a.sessions == nil {
		return "", nil, a.openErr
	}
	sess, err := a.session()
	if err != nil {
		return "", nil, err
	}
	if a.personal == nil {
		return "", nil, errNoPersonal
	}
	return userKey(sess), a.personal, nil
}

// withPersonal runs fn with the signed-in supervisor's key and the personal store,
// within a request's time; it returns the error to show when nobody is signed in or the
// store could not be opened.
func (a *App) withPersonal(fn func(ctx context.Context, user string, ps *personal.Store) error) error {
	user, ps, err := a.me()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	return fn(ctx, user, ps)
}

// loadSeen makes the cache hold user's state; the caller holds c.mu. A user never seen
// here before starts with everything before now counted as seen.
func (a *App) loadSeen(ctx context.Context, user string) error {
	c := &a.seen
	if c.user == user && c.seen.Conversations != nil {
		return nil
	}
	s, err := a.personal.Seen(ctx, user, a.opts.now().UnixMilli())
	if err != nil {
		return err
	}
	c.user, c.seen = user, s
	return nil
}

// markUnread sets the unread markers of out (the cards of src, in order) for the
// signed-in supervisor. Without one, or without the personal store, none is unread.
func (a *App) markUnread(ctx context.Context, src []supervisor.ConversationCard, out []ConversationCard) {
	if a.personal == nil || a.sessions == nil {
		return
	}
	sess := a.sessions.current()
	if sess == nil {
		return
	}
	c := &a.seen
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := a.loadSeen(ctx, userKey(sess)); err != nil {
		a.log.Warn("unread markers unavailable", "err", err)
		return
	}
	for i := range out {
		out[i].Unread = c.seen.Unread(src[i].ID, src[i].LastEventAt.UnixMilli())
	}
}

// cardsFor is cardsOf with the unread markers of the signed-in supervisor.
func (a *App) cardsFor(ctx context.Context, cs []supervisor.ConversationCard) []ConversationCard {
	out := cardsOf(cs)
	a.markUnread(ctx, cs, out)
	return out
}

// MarkSeen records that the signed-in supervisor has seen a conversation as it is now:
// its unread marker goes until its next event.
func (a *App) MarkSeen(id string) error {
	return a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		var last int64
		err := a.cache(func(ctx context.Context, st *store.Store, c config) error {
			cards, err := st.Supervisor().CardsByID(ctx, []string{id}, a.opts.now(), c.Thresholds.projection())
			if err != nil {
				return err
			}
			if len(cards) == 0 {
				return fmt.Errorf("Conversation %s was not found", id)
			}
			last = cards[0].LastEventAt.UnixMilli()
			return nil
		})
		if err != nil {
			return err
		}
		c := &a.seen
		c.mu.Lock()
		defer c.mu.Unlock()
		if err := a.loadSeen(ctx, user); err != nil {
			return err
		}
		if err := ps.MarkSeen(ctx, user, id, last); err != nil {
			return err
		}
		c.seen.Conversations[id] = max(c.seen.Conversations[id], last)
		return nil
	})
}

// MarkAllSeen records that the signed-in supervisor has seen everything up to now.
func (a *App) MarkAllSeen() error {
	return a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		c := &a.seen
		c.mu.Lock()
		defer c.mu.Unlock()
		if err := ps.MarkAllSeen(ctx, user, a.opts.now().UnixMilli()); err != nil {
			return err
		}
		c.user, c.seen = "", personal.Seen{} // read again as stored
		return a.loadSeen(ctx, user)
	})
}

// SavedViews are the signed-in supervisor's saved views, oldest first.
func (a *App) SavedViews() ([]SavedView, error) {
	var out []SavedView
	err := a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		vs, err := ps.Views(ctx, user)
		if err != nil {
			return err
		}
		out = make([]SavedView, len(vs))
		for i, v := range vs {
			out[i] = SavedView{ID: v.ID, Name: v.Name, Search: v.Search, Status: v.Status}
		}
		return nil
	})
	return out, err
}

// SaveView saves a new view (id 0) or renames or changes one of the signed-in
// supervisor's, and returns it as stored.
func (a *App) SaveView(v SavedView) (SavedView, error) {
	if _, err := statusOf(v.Status); err != nil {
		return SavedView{}, err
	}
	var out SavedView
	err := a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		saved, err := ps.SaveView(ctx, user, personal.View{ID: v.ID, Name: v.Name, Search: v.Search, Status: v.Status})
		out = SavedView{ID: saved.ID, Name: saved.Name, Search: saved.Search, Status: saved.Status}
		return err
	})
	if err != nil {
		return SavedView{}, err
	}
	return out, nil
}

// DeleteView deletes one of the signed-in supervisor's views.
func (a *App) DeleteView(id int64) error {
	return a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		return ps.DeleteView(ctx, user, id)
	})
}

// GetPreferences are the signed-in supervisor's preferences; the defaults until they
// choose.
func (a *App) GetPreferences() (Preferences, error) {
	var p Preferences
	err := a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) (err error) {
		p, err = a.readPreferences(ctx, ps, user)
		return err
	})
	return p, err
}

func (a *App) readPreferences(ctx context.Context, ps *personal.Store, user string) (Preferences, error) {
	p := Preferences{Density: defaultDensity}
	doc, err := ps.Preferences(ctx, user)
	if err != nil || doc == "" {
		return p, err
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		a.log.Warn("unreadable preferences; starting from the defaults", "err", err)
		return Preferences{Density: defaultDensity}, nil
	}
	if !isDensity(p.Density) {
		p.Density = defaultDensity
	}
	return p, nil
}

// SavePreferences stores the signed-in supervisor's preferences. An empty density
// keeps the stored one, so a screen that edits other preferences leaves it alone.
func (a *App) SavePreferences(p Preferences) (Preferences, error) {
	if p.Density != "" {
		if err := checkDensity(p.Density); err != nil {
			return Preferences{}, err
		}
	}
	return a.updatePreferences(func(q *Preferences) {
		d := q.Density
		*q = p
		if q.Density == "" {
			q.Density = d
		}
	})
}

// updatePreferences changes the signed-in supervisor's preferences by change, under
// prefsMu so that two changes of different fields both stay.
func (a *App) updatePreferences(change func(*Preferences)) (Preferences, error) {
	var p Preferences
	err := a.withPersonal(func(ctx context.Context, user string, ps *personal.Store) error {
		a.prefsMu.Lock()
		defer a.prefsMu.Unlock()
		q, err := a.readPreferences(ctx, ps, user)
		if err != nil {
			return err
		}
		change(&q)
		b, err := json.Marshal(q)
		if err != nil {
			return fmt.Errorf("store preferences: %w", err)
		}
		if err := ps.SetPreferences(ctx, user, string(b)); err != nil {
			return err
		}
		p = q
		return nil
	})
	if err != nil {
		return Preferences{}, err
	}
	return p, nil
}
