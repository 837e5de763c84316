package projection

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/billie/supervisor/backend/ledger"
)

// parseMessage reads both message shapes: the Utterance model and the short-keyed
// LLMChatResponse.
func parseMessage(sender string, d map[string]any, ev *ledger.Event) (effect, bool, error) {
	text, err := firstStr(d, "utterance", "u")
	if err != nil {
		return nil, true, err
	}
	rationale, err := firstStr(d, "rationale", "r")
	if err != nil {
		return nil, true, err
	}
	inputType, err := firstStr(d, "answer_input_type", "a")
	if err != nil {
		return nil, true, err
	}
	extra, err := object(d, "additional_data")
	if err == nil && extra == nil {
		extra, err = object(d, "d")
	}
	if err != nil {
		return nil, true, err
	}
	created, hasCreated, err := createdAt(d, ev)
	if err != nil {
		return nil, true, err
	}
	end := flag(d["end_conversation"]) || flag(d["e"])
	stepComplete := Flag(d, "c")
	return func(s *Snapshot, c *Conversation, ev *ledger.Event, _ ids) error {
		at := ev.Time
		if hasCreated {
			at = created
		}
		m := Message{
			ConversationID: c.ID, StreamID: ev.ID.String(), Sender: sender, Text: text,
			Rationale: rationale, AnswerInputType: inputType, AdditionalData: extra,
			StepComplete: stepComplete, EndConversation: end, At: at,
		}
		if ev.HasSeq {
			m.Seq = ev.Seq
		}
		s.messages = append(s.messages, m)
		c.addMessage(m)
		return nil
	}, true, nil
}

func (c *Conversation) addMessage(m Message) {
	c.MessageCount++
	if m.Sender == SenderCustomer {
		c.CustomerMessages++
	} else {
		c.AssistantMessages++
	}
	// The last message is the last in stream order (contract §1), whatever its time
	// says: a reply stamped in another zone may read earlier than its question. The
	// last-message time is the latest of them, the activity that statuses count from.
	c.LastMessage = &MessagePreview{Sender: m.Sender, Text: m.Text, Seq: m.Seq, At: m.At}
	if m.At.After(c.LastMessageAt) {
		c.LastMessageAt = m.At
	}
	if m.EndConversation && c.EndedAt.IsZero() {
		c.EndedAt = m.At
	}
}

// applicationChange is a parsed applicationDetail_changed delta.
type applicationChange struct {
	number     string
	customerID string
	detail     map[string]any
	customer   map[string]any
	documents  []map[string]any
	outcome    string
	setsAmount bool
	loanAmount float64
	hasFee     bool
	hasTotal   bool
}

func parseApplicationChange(d map[string]any) (effect, bool, error) {
	ch, err := readApplicationChange(d)
	if err != nil {
		return nil, true, err
	}
	return ch.apply, true, nil
}

func readApplicationChange(d map[string]any) (*applicationChange, error) {
	ch := &applicationChange{detail: map[string]any{}}
	var err error
	if ch.number, err = firstStr(d, "applicationNumber"); err != nil {
		return nil, err
	}
	if ch.customerID, err = firstStr(d, "customerId"); err != nil {
		return nil, err
	}
	if ch.outcome, err = firstStr(d, "applicationOutcome"); err != nil {
		return nil, err
	}
	if ch.customer, err = object(d, "customer"); err != nil {
		return nil, err
	}
	if ch.customer != nil {
		normaliseCustomer(ch.customer)
	}
	if ch.documents, err = documents(d["customerIdentityDocuments"]); err != nil {
		return nil, err
	}
	if _, err := object(d, "applicationProcess"); err != nil {
		return nil, err
	}
	for k, v := range d {
		switch k {
		case "customer", "customerIdentityDocuments":
		default:
			ch.detail[k] = v
		}
	}
	return ch, ch.readAmounts()
}

func (ch *applicationChange) readAmounts() error {
	for _, k := range []string{"loanAmount", "loanFee", "loanTotalPayable"} {
		f, ok, err := amount(ch.detail[k])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if !ok {
			delete(ch.detail, k)
			continue
		}
		ch.detail[k] = f
	}
	ch.loanAmount, ch.setsAmount = ch.detail["loanAmount"].(float64)
	_, ch.hasFee = ch.detail["loanFee"]
	_, ch.hasTotal = ch.detail["loanTotalPayable"]
	if ch.setsAmount && !ch.hasFee {
		ch.detail["loanFee"] = Fee(ch.loanAmount)
	}
	if ch.setsAmount && !ch.hasTotal {
		fee, _ := ch.detail["loanFee"].(float64)
		ch.detail["loanTotalPayable"] = cents(ch.loanAmount + fee)
	}
	for _, k := range []string{"loanFee", "loanTotalPayable"} {
		if f, ok := ch.detail[k].(float64); ok && math.IsInf(f, 0) {
			return fmt.Errorf("%s: out of range", k)
		}
	}
	return nil
}

func documents(v any) ([]map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("customerIdentityDocuments is a %s, want a list", kindOf(v))
	}
	docs := make([]map[string]any, 0, len(list))
	for i, item := range list {
		doc, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("customerIdentityDocuments[%d] is a %s, want an object", i, kindOf(item))
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// normaliseCustomer flattens the producer's alternative spellings in a customer delta.
func normaliseCustomer(c map[string]any) {
	if e, ok := c["email_address"].(map[string]any); ok {
		c["email_address"] = e["value"]
	}
}

func (ch *applicationChange) apply(s *Snapshot, c *Conversation, ev *ledger.Event, ref ids) error {
	number := firstNonEmpty(ch.number, ref.application, c.ApplicationNumber)
	custID := firstNonEmpty(customerKey(ch.customer), ch.customerID, ref.customer, c.CustomerID)
	if number == "" {
		return reject(*ev, "no application number in the envelope, the payload or the conversation")
	}
	if custID == "" && (ch.customer != nil || len(ch.documents) > 0) {
		return reject(*ev, "customer details without a customer id")
	}
	app, err := s.application(number, ev.Time)
	if err != nil {
		return err
	}
	mergeInto(app.Detail, ch.detail)
	if ch.outcome != "" {
		app.Outcome = ch.outcome
	}
	if ch.setsAmount && app.SubmittedAt.IsZero() {
		app.SubmittedAt = ev.Time
	}
	if app.ConversationID == "" {
		app.ConversationID = c.ID
	}
	s.touchApplication(app, ev.Time)
	if err := s.linkApplication(app, custID, ev.Time); err != nil {
		return err
	}
	if c.ApplicationNumber == "" {
		c.ApplicationNumber = number
	}
	return ch.applyCustomer(s, custID, ev)
}

func (ch *applicationChange) applyCustomer(s *Snapshot, custID string, ev *ledger.Event) error {
	if ch.customer != nil {
		cust, err := s.customer(custID)
		if err != nil {
			return err
		}
		mergeInto(cust.Profile, ch.customer)
		s.touchCustomer(cust, ev.Time)
	}
	for _, doc := range ch.documents {
		owner := firstNonEmpty(Text(doc, "customer_id"), custID)
		cust, err := s.customer(owner)
		if err != nil {
			return err
		}
		cust.upsertDocument(doc)
		s.touchCustomer(cust, ev.Time)
	}
	return nil
}

// upsertDocument merges doc into the stored document of the same type and number.
func (c *Customer) upsertDocument(doc map[string]any) {
	typ, num := Text(doc, "document_type"), Text(doc, "document_number")
	for _, have := range c.Documents {
		if Text(have, "document_type") == typ && Text(have, "document_number") == num {
			mergeInto(have, doc)
			return
		}
	}
	fresh := map[string]any{}
	mergeInto(fresh, doc)
	c.Documents = append(c.Documents, fresh)
}

func customerKey(delta map[string]any) string {
	if delta == nil {
		return ""
	}
	return Text(delta, "customer_id")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func parseAssessment(typ string, d map[string]any, ev *ledger.Event) (effect, bool, error) {
	kind := AssessmentKind(typ)
	created, hasCreated, err := createdAt(d, ev)
	if err != nil {
		return nil, true, err
	}
	return func(s *Snapshot, c *Conversation, ev *ledger.Event, ref ids) error {
		at := ev.Time
		if hasCreated {
			at = created
		}
		return s.hold(c, ref, ev.Time, func(as *map[string]*Assessment, _ *map[string]*Topic) {
			recordAssessment(as, &Assessment{Kind: kind, Type: typ, Value: d, At: at}, true)
		})
	}, true, nil
}

func parseNoticeboard(d map[string]any) (effect, bool, error) {
	agent, err := firstStr(d, "agent_name", "agentName")
	if err != nil {
		return nil, true, err
	}
	text, err := firstStr(d, "post", "content")
	if err != nil {
		return nil, true, err
	}
	endText, err := str(d, "end_conversation_text")
	if err != nil {
		return nil, true, err
	}
	if agent == "" && text == "" {
		return nil, true, errors.New("a post needs an agent name or content")
	}
	post := Post{
		Agent: agent, Text: text, StateSeq: integer(d, "conversation_state_seq"),
		AgentFinished: flag(d["agent_finished"]), ForceTurn: flag(d["force_turn"]),
		EndConversation: flag(d["end_conversation"]), EndConversationText: endText,
	}
	return func(s *Snapshot, c *Conversation, ev *ledger.Event, ref ids) error {
		post.At = ev.Time
		return s.hold(c, ref, ev.Time, func(_ *map[string]*Assessment, nb *map[string]*Topic) {
			addPost(nb, &Topic{Topic: TopicOf(agent), Latest: post}, true)
		})
	}, true, nil
}

// TopicOf is the noticeboard topic of an agent name: the part after "::", or the whole
// name when there is none.
func TopicOf(agent string) string {
	if _, topic, ok := strings.Cut(agent, "::"); ok && strings.TrimSpace(topic) != "" {
		return strings.TrimSpace(topic)
	}
	if agent == "" {
		return "General"
	}
	return agent
}

func parseDecision(d map[string]any) (effect, bool, error) {
	decision, err := firstStr(d, "decision", "outcome")
	if err != nil {
		return nil, true, err
	}
	reason, err := str(d, "reason")
	if err != nil {
		return nil, true, err
	}
	if decision == "" {
		return nil, true, errors.New("no decision or outcome")
	}
	return func(s *Snapshot, c *Conversation, ev *ledger.Event, ref ids) error {
		c.Decision, c.DecisionReason = decision, reason
		number := firstNonEmpty(ref.application, c.ApplicationNumber)
		if number == "" {
			return nil
		}
		app, err := s.application(number, ev.Time)
		if err != nil {
			return err
		}
		app.Outcome, app.OutcomeReason = decision, reason
		if app.ConversationID == "" {
			app.ConversationID = c.ID
		}
		s.touchApplication(app, ev.Time)
		return s.linkApplication(app, firstNonEmpty(ref.customer, c.CustomerID), ev.Time)
	}, true, nil
}

func parseSummary(d map[string]any) (effect, bool, error) {
	purpose, err := str(d, "conversation_purpose")
	if err != nil {
		return nil, true, err
	}
	var facts []string
	switch t := d["conversation_facts"].(type) {
	case nil:
	case []any:
		facts = make([]string, 0, len(t))
		for i, f := range t {
			s, ok := f.(string)
			if !ok {
				return nil, true, fmt.Errorf("conversation_facts[%d] is a %s, want a string", i, kindOf(f))
			}
			facts = append(facts, s)
		}
	default:
		return nil, true, fmt.Errorf("conversation_facts is a %s, want a list", kindOf(t))
	}
	return func(s *Snapshot, c *Conversation, _ *ledger.Event, _ ids) error {
		if purpose != "" {
			c.Purpose = purpose
		}
		if facts != nil {
			c.Facts = facts
		}
		return nil
	}, true, nil
}
