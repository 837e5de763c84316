package projection

import (
	"fmt"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// Source gives the reducer the stored records it needs. An absent record is nil with
// a nil error; an error means the store failed and the batch must be retried.
type Source interface {
	Conversation(id string) (*Conversation, error)
	Application(number string) (*Application, error)
	Customer(id string) (*Customer, error)
}

// Snapshot is the part of the read models one batch of events touches. Apply changes
// it in memory only; the caller persists Changes in one transaction.
type Snapshot struct {
	src           Source
	conversations map[string]*Conversation
	applications  map[string]*Application
	customers     map[string]*Customer
	dirty         dirtySet
	messages      []Message
}

type dirtySet struct {
	seen                                   map[string]bool
	conversations, applications, customers []string
}

func (d *dirtySet) mark(kind byte, key string, list *[]string) {
	k := string(kind) + key
	if d.seen[k] {
		return
	}
	d.seen[k] = true
	*list = append(*list, key)
}

// NewSnapshot starts an empty batch over src.
func NewSnapshot(src Source) *Snapshot {
	return &Snapshot{
		src:           src,
		conversations: map[string]*Conversation{},
		applications:  map[string]*Application{},
		customers:     map[string]*Customer{},
		dirty:         dirtySet{seen: map[string]bool{}},
	}
}

// Changes lists what the batch changed, in the order it first changed.
type Changes struct {
	Conversations []*Conversation
	Applications  []*Application
	Customers     []*Customer
	Messages      []Message
}

// Changes returns the records Apply changed since NewSnapshot.
func (s *Snapshot) Changes() Changes {
	c := Changes{Messages: s.messages}
	for _, id := range s.dirty.conversations {
		c.Conversations = append(c.Conversations, s.conversations[id])
	}
	for _, n := range s.dirty.applications {
		c.Applications = append(c.Applications, s.applications[n])
	}
	for _, id := range s.dirty.customers {
		c.Customers = append(c.Customers, s.customers[id])
	}
	return c
}

// effect changes state for one parsed event. It may reject the event with a
// *ledger.Error only before it has changed anything.
type effect func(s *Snapshot, c *Conversation, ev *ledger.Event, ids ids) error

// ids are the application number and customer id an event names, from the envelope
// first, then from its payload.
type ids struct{ application, customer string }

// Apply applies one event, as ledger.Decode gave it (without tax fields). A
// *ledger.Error means the event is bad input and belongs in the dead-letter stream;
// any other error means the source failed.
func (s *Snapshot) Apply(ev ledger.Event) (Outcome, error) {
	if !ev.Projected() {
		return SkippedOtherAgent, nil
	}
	eff, known, err := parse(&ev)
	if err != nil {
		return 0, reject(ev, err.Error())
	}
	ref, err := eventIDs(ev)
	if err != nil {
		if known {
			return 0, reject(ev, err.Error())
		}
		// An unknown type's payload is not ours to judge: use the envelope ids.
		ref = ids{application: ev.ApplicationNumber, customer: ev.CustomerID}
	}
	if ev.ConversationID == "" {
		if !known {
			return Unhandled, nil
		}
		return 0, reject(ev, "missing cid")
	}
	_, cached := s.conversations[ev.ConversationID]
	c, err := s.conversation(ev.ConversationID, ev.Time)
	if err != nil {
		return 0, err
	}
	key := ev.Type + "/" + fmt.Sprint(ev.Seq)
	if _, done := c.Applied[key]; ev.HasSeq && done {
		return Duplicate, nil
	}
	if err := eff(s, c, &ev, ref); err != nil {
		if !cached {
			// Forget a record this event created (or loaded), so a later event of the
			// batch does not start the conversation with this rejected event's time.
			delete(s.conversations, ev.ConversationID)
		}
		return 0, err
	}
	if c.ApplicationNumber == "" {
		c.ApplicationNumber = ref.application
	}
	if c.CustomerID == "" {
		c.CustomerID = ref.customer
	}
	if err := s.adoptHeld(c, ev.Time); err != nil {
		return 0, err
	}
	if ev.HasSeq {
		if c.Applied == nil {
			c.Applied = map[string]struct{}{}
		}
		c.Applied[key] = struct{}{}
	}
	if ev.Time.After(c.LastEventAt) {
		c.LastEventAt = ev.Time
	}
	s.touchConversation(c)
	if !known {
		c.UnhandledEvents++
		return Unhandled, nil
	}
	return Applied, nil
}

func reject(ev ledger.Event, reason string) error {
	return &ledger.Error{ID: ev.ID, Reason: ev.Type + ": " + reason}
}

func eventIDs(ev ledger.Event) (ids, error) {
	app, err := firstStr(ev.Data, "application_number", "applicationNumber")
	if err != nil {
		return ids{}, err
	}
	cust, err := firstStr(ev.Data, "customer_id", "customerId")
	if err != nil {
		return ids{}, err
	}
	if cust == "" {
		if inner, ok := ev.Data["customer"].(map[string]any); ok {
			if cust, err = firstStr(inner, "customer_id"); err != nil {
				return ids{}, err
			}
		}
	}
	r := ids{application: ev.ApplicationNumber, customer: ev.CustomerID}
	if r.application == "" {
		r.application = app
	}
	if r.customer == "" {
		r.customer = cust
	}
	return r, nil
}

// parse validates a payload and returns the effect it has; known is false for types
// the contract does not name.
func parse(ev *ledger.Event) (effect, bool, error) {
	typ, d := ev.Type, ev.Data
	switch {
	case typ == "conversation_started":
		return parseStarted(d)
	case typ == "user_input":
		return parseMessage(SenderCustomer, d, ev)
	case typ == "assistant_response":
		return parseMessage(SenderAssistant, d, ev)
	case typ == "applicationDetail_changed":
		return parseApplicationChange(d)
	case typ == "noticeboard_updated":
		return parseNoticeboard(d)
	case typ == "final_decision":
		return parseDecision(d)
	case typ == "conversation_summary":
		return parseSummary(d)
	case AssessmentKind(typ) != "":
		return parseAssessment(typ, d, ev)
	}
	return func(*Snapshot, *Conversation, *ledger.Event, ids) error { return nil }, false, nil
}

// AssessmentKind names the assessment an event type stores, or "" when the type is
// not an assessment.
func AssessmentKind(typ string) string {
	switch typ {
	case "identityRisk_assessment":
		return "identityRisk"
	case "serviceability_assessment_results":
		return "serviceability"
	case "fraudCheck_results", "fraudCheck_assessment":
		return "fraudCheck"
	}
	if strings.HasSuffix(typ, "_assessment") || strings.HasSuffix(typ, "_results") {
		return typ
	}
	return ""
}

func parseStarted(d map[string]any) (effect, bool, error) {
	user, err := str(d, "username")
	if err != nil {
		return nil, true, err
	}
	return func(s *Snapshot, c *Conversation, ev *ledger.Event, _ ids) error {
		if !c.Started {
			c.Started = true
			c.StartedAt = ev.Time
		}
		if c.Username == "" {
			c.Username = user
		}
		return nil
	}, true, nil
}

func (s *Snapshot) conversation(id string, at time.Time) (*Conversation, error) {
	if c, ok := s.conversations[id]; ok {
		return c, nil
	}
	c, err := s.src.Conversation(id)
	if err != nil {
		return nil, fmt.Errorf("load conversation %s: %w", id, err)
	}
	if c == nil {
		c = &Conversation{ID: id, StartedAt: at, LastEventAt: at}
	}
	s.conversations[id] = c
	return c, nil
}

func (s *Snapshot) touchConversation(c *Conversation) {
	c.Version++
	s.dirty.mark('c', c.ID, &s.dirty.conversations)
}

func (s *Snapshot) application(number string, at time.Time) (*Application, error) {
	if a, ok := s.applications[number]; ok {
		return a, nil
	}
	a, err := s.src.Application(number)
	if err != nil {
		return nil, fmt.Errorf("load application %s: %w", number, err)
	}
	if a == nil {
		a = &Application{Number: number, Detail: map[string]any{}, CreatedAt: at, UpdatedAt: at}
	}
	s.applications[number] = a
	return a, nil
}

func (s *Snapshot) touchApplication(a *Application, at time.Time) {
	a.Version++
	if at.After(a.UpdatedAt) {
		a.UpdatedAt = at
	}
	s.dirty.mark('a', a.Number, &s.dirty.applications)
}

func (s *Snapshot) customer(id string) (*Customer, error) {
	if c, ok := s.customers[id]; ok {
		return c, nil
	}
	c, err := s.src.Customer(id)
	if err != nil {
		return nil, fmt.Errorf("load customer %s: %w", id, err)
	}
	if c == nil {
		c = &Customer{ID: id, Profile: map[string]any{"customer_id": id}}
	}
	s.customers[id] = c
	return c, nil
}

func (s *Snapshot) touchCustomer(c *Customer, at time.Time) {
	c.Version++
	if at.After(c.UpdatedAt) {
		c.UpdatedAt = at
	}
	s.dirty.mark('u', c.ID, &s.dirty.customers)
}

// linkApplication records that application a belongs to customer id.
func (s *Snapshot) linkApplication(a *Application, customerID string, at time.Time) error {
	if customerID == "" {
		return nil
	}
	if a.CustomerID == "" {
		a.CustomerID = customerID
	}
	cust, err := s.customer(customerID)
	if err != nil {
		return err
	}
	for _, n := range cust.Applications {
		if n == a.Number {
			return nil
		}
	}
	cust.Applications = append(cust.Applications, a.Number)
	s.touchCustomer(cust, at)
	return nil
}

// Messages are the messages Apply added since NewSnapshot, in order.
func (s *Snapshot) Messages() []Message { return s.messages }
