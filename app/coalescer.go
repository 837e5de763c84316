package app

// The coalescer turns the stream of applied batches into one ledger:batch event at
// most every interval. On Linux every Wails emit is a JSON encode plus a JavaScript
// evaluation on the UI thread, so the window must never get one emit per entry.

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

// Bounds of one ledger:batch. During catch-up thousands of conversations change per
// interval; the window only needs the newest, and reloads what it shows once the
// catch-up ends (the connection state says when).
const (
	maxBatchCards    = 200
	maxBatchMessages = 300
	maxBatchIDs      = 1000
	maxMessageText   = 4000 // bytes; the conversation view refetches full messages
	maxRationale     = 1000
	maxAdditional    = 2048 // bytes of JSON; larger additional data waits for the refetch
)

// cardSource reads the cards of changed conversations when the batch is built, so
// live cards and listed cards come from the same query.
type cardSource func(ctx context.Context, ids []string) ([]ConversationCard, error)

// coalescer collects changes and emits them in batches.
type coalescer struct {
	interval time.Duration
	emit     func(name string, data any)
	cards    cardSource
	// enabled says whether anyone may see data: nothing is emitted without a session.
	enabled func() bool
	log     *slog.Logger

	kick chan struct{}
	mu   sync.Mutex
	pend pending
}

// pending is what changed since the last emit; ids keep first-change order.
type pending struct {
	convs    orderedSet
	msgs     []projection.Message
	apps     orderedSet
	custs    orderedSet
	dropped  int // messages left out because of maxBatchMessages
	nonEmpty bool
}

type orderedSet struct {
	seen map[string]bool
	list []string
}

func (s *orderedSet) add(id string) {
	if id == "" || s.seen[id] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[id] = true
	s.list = append(s.list, id)
}

// last is the newest n ids.
func (s *orderedSet) last(n int) []string {
	if len(s.list) <= n {
		return s.list
	}
	return s.list[len(s.list)-n:]
}

func newCoalescer(interval time.Duration, emit func(string, any), cards cardSource, enabled func() bool, log *slog.Logger) *coalescer {
	return &coalescer{interval: interval, emit: emit, cards: cards, enabled: enabled, log: log, kick: make(chan struct{}, 1)}
}

// add records the changes of one applied batch.
func (c *coalescer) add(ch store.Changes) {
	if len(ch.Conversations)+len(ch.Messages)+len(ch.Applications)+len(ch.Customers) == 0 {
		return
	}
	c.mu.Lock()
	p := &c.pend
	for _, id := range ch.Conversations {
		p.convs.add(id)
	}
	for _, number := range ch.Applications {
		p.apps.add(number)
	}
	for _, id := range ch.Customers {
		p.custs.add(id)
	}
	p.msgs = append(p.msgs, ch.Messages...)
	if extra := len(p.msgs) - maxBatchMessages; extra > 0 {
		p.msgs, p.dropped = p.msgs[extra:], p.dropped+extra
	}
	p.nonEmpty = true
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// run emits until ctx ends: the first change after a quiet spell goes out at once,
// later ones wait until interval has passed since the previous emit.
func (c *coalescer) run(ctx context.Context) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		if wait := time.Until(last.Add(c.interval)); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		c.mu.Lock()
		p := c.pend
		c.pend = pending{}
		c.mu.Unlock()
		if !p.nonEmpty || !c.enabled() {
			continue
		}
		c.flush(ctx, p)
		last = time.Now()
	}
}

func (c *coalescer) flush(ctx context.Context, p pending) {
	cards, err := c.cards(ctx, p.convs.last(maxBatchCards))
	if err != nil {
		c.log.Warn("reading changed cards failed; sending ids only", "err", err)
		cards = []ConversationCard{}
	}
	if p.dropped > 0 {
		c.log.Debug("live batch left out messages; the window refetches them", "dropped", p.dropped)
	}
	msgs := make([]LiveMessage, len(p.msgs))
	for i, m := range p.msgs {
		msgs[i] = liveMessage(m)
	}
	c.emit(EventBatch, LedgerBatch{
		Conversations: cards, Messages: msgs,
		Applications: nonNil(p.apps.last(maxBatchIDs)), Customers: nonNil(p.custs.last(maxBatchIDs)),
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// liveMessage is a message cut to a size fit for an event.
func liveMessage(m projection.Message) LiveMessage {
	m.Text = truncate(m.Text, maxMessageText)
	m.Rationale = truncate(m.Rationale, maxRationale)
	if len(m.AdditionalData) > 0 {
		if b, err := json.Marshal(m.AdditionalData); err != nil || len(b) > maxAdditional {
			m.AdditionalData = nil
		}
	}
	return LiveMessage{Message: messageOf(m), ConversationID: m.ConversationID}
}

// truncate cuts s to at most n bytes on a character boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
