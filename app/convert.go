package app

// Conversions from the read models (projection, supervisor queries) to the contract's shapes.

import (
	"fmt"
	"sort"
	"time"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store/supervisor"
)

// str is nil for "", so absent strings reach the frontend as null.
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func cardOf(c supervisor.ConversationCard) ConversationCard {
	card := ConversationCard{
		ID: c.ID, CustomerID: str(c.CustomerID), CustomerName: str(c.CustomerName),
		DisplayName: c.DisplayName, NameSource: string(c.NameSource),
		ApplicationNumber: str(c.ApplicationNumber), StartedAt: c.StartedAt,
		LastMessageAt: timePtr(c.LastMessageAt), EndedAt: timePtr(c.EndedAt), Decision: str(c.Decision),
		Status: string(c.Status), MessageCount: c.MessageCount, Purpose: str(c.Purpose),
	}
	if m := c.LastMessage; m != nil {
		card.LastMessage = &LastMessage{Sender: m.Sender, Text: m.Text, At: m.At}
	}
	card.Attention = reasonsOf(c.Attention)
	return card
}

// reasonsOf is never nil, so the window reads an empty list rather than null.
func reasonsOf(rs []supervisor.Reason) []AttentionReason {
	out := make([]AttentionReason, len(rs))
	for i, r := range rs {
		out[i] = AttentionReason{Code: r.Code, Label: r.Label}
	}
	return out
}

func cardsOf(cs []supervisor.ConversationCard) []ConversationCard {
	out := make([]ConversationCard, len(cs))
	for i, c := range cs {
		out[i] = cardOf(c)
	}
	return out
}

func messageOf(m projection.Message) Message {
	msg := Message{
		StreamID: m.StreamID, Sender: m.Sender, Text: m.Text, Rationale: str(m.Rationale),
		AnswerInputType: str(m.AnswerInputType), AdditionalData: m.AdditionalData, At: m.At,
		StepComplete: m.StepComplete, EndConversation: m.EndConversation,
	}
	if m.Seq != 0 {
		seq := m.Seq
		msg.Seq = &seq
	}
	return msg
}

func messagesOf(ms []projection.Message) []Message {
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = messageOf(m)
	}
	return out
}

// Well-known assessment kinds come first, in the order the panels show them.
var assessmentOrder = map[string]int{"identityRisk": 0, "serviceability": 1, "fraudCheck": 2}

func assessmentsOf(as map[string]*projection.Assessment) []Assessment {
	out := make([]Assessment, 0, len(as))
	for _, a := range as {
		hist := make([]AssessmentVersion, len(a.History))
		for i, h := range a.History {
			hist[i] = AssessmentVersion{Value: orEmpty(h.Value), At: h.At}
		}
		out = append(out, Assessment{Kind: a.Kind, Type: a.Type, Value: orEmpty(a.Value), At: a.At, History: hist})
	}
	sort.Slice(out, func(i, j int) bool {
		oi, iKnown := assessmentOrder[out[i].Kind]
		oj, jKnown := assessmentOrder[out[j].Kind]
		switch {
		case iKnown && jKnown:
			return oi < oj
		case iKnown != jKnown:
			return iKnown
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func postOf(p projection.Post) Post {
	return Post{Agent: p.Agent, Text: p.Text, At: p.At, AgentFinished: p.AgentFinished}
}

// noticeboardOf lists topics by name, so panels keep their places as posts arrive.
func noticeboardOf(topics map[string]*projection.Topic) []NoticeboardTopic {
	out := make([]NoticeboardTopic, 0, len(topics))
	for _, t := range topics {
		earlier := make([]Post, len(t.Earlier))
		for i, p := range t.Earlier {
			earlier[i] = postOf(p)
		}
		out = append(out, NoticeboardTopic{Topic: t.Topic, Latest: postOf(t.Latest), Earlier: earlier})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// ---------------------------------------------------------------------------
// Customers

// optField is a text field of producer data, nil when absent. The field readers are
// projection's, so the desktop reads a field as the portal does.
func optField(m map[string]any, key string) *string { return str(projection.Text(m, key)) }

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k := range m {
		if s := projection.Text(m, k); s != "" {
			out[k] = s
		}
	}
	return out
}

func addressOf(v any) *Address {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	return &Address{Formatted: projection.FormatAddress(m), Fields: stringMap(m)}
}

func customerProfileOf(c *projection.Customer, now time.Time) CustomerProfile {
	p := c.Profile
	docs := make([]IdentityDocument, 0, len(c.Documents))
	for _, d := range c.Documents {
		docs = append(docs, IdentityDocument{
			DocumentType: optField(d, "document_type"), DocumentSubtype: optField(d, "document_subtype"),
			DocumentNumber: optField(d, "document_number"), ExpiryDate: optField(d, "expiry_date"),
			StateOfIssue: optField(d, "state_of_issue"), CountryOfIssue: optField(d, "country_of_issue"),
			AdditionalInfo: stringMap(d["additional_info"]), Expired: projection.DocumentExpired(d, now),
		})
	}
	return CustomerProfile{
		ID: c.ID, Name: str(projection.DisplayName(p)), Title: optField(p, "title"),
		PreferredName: optField(p, "preferred_name"), FirstName: optField(p, "first_name"),
		MiddleName: optField(p, "middle_name"), LastName: optField(p, "last_name"), Email: str(c.Email()),
		Mobile: optField(p, "mobile_phone_number"), DateOfBirth: optField(p, "date_of_birth"),
		ResidentialAddress: addressOf(p["residential_address"]), MailingAddress: addressOf(p["mailing_address"]),
		Flags: CustomerFlags{
			Staff: projection.Flag(p, "staff_flag"), Investor: projection.Flag(p, "investor_flag"), Founder: projection.Flag(p, "founder_flag"),
		},
		EkycStatus: optField(p, "ekyc_status"), IndividualStatus: optField(p, "individual_status"), Documents: docs,
	}
}

func customerRowOf(r supervisor.CustomerRow) CustomerRow {
	return CustomerRow{ID: r.ID, Name: str(r.Name), DisplayName: r.DisplayName, NameSource: string(r.NameSource), Email: str(r.Email), Mobile: str(r.Mobile),
		Applications: r.Applications, Conversations: r.Conversations}
}

// ---------------------------------------------------------------------------
// Applications

func applicationRowOf(r supervisor.ApplicationRow) ApplicationRow {
	return ApplicationRow{Number: r.Number, CustomerID: str(r.CustomerID), CustomerName: str(r.CustomerName),
		LoanAmount: r.LoanAmount, Status: r.Status, Stage: r.Stage, UpdatedAt: r.UpdatedAt,
		ConversationID: str(r.ConversationID)}
}

func applicationRowsOf(rs []supervisor.ApplicationRow) []ApplicationRow {
	out := make([]ApplicationRow, len(rs))
	for i, r := range rs {
		out[i] = applicationRowOf(r)
	}
	return out
}

func stagesOf(detail map[string]any) []ProcessStage {
	proc, _ := detail["applicationProcess"].(map[string]any)
	list, _ := proc["applicationProcessState"].([]any)
	stages := make([]ProcessStage, 0, len(list))
	for _, item := range list {
		st, ok := item.(map[string]any)
		if !ok {
			continue
		}
		steps, _ := st["steps"].([]any)
		stage := ProcessStage{Name: projection.Text(st, "stageName"), Complete: isTrue(st, "complete"), Steps: make([]ProcessStep, 0, len(steps))}
		for _, s := range steps {
			if step, ok := s.(map[string]any); ok {
				stage.Steps = append(stage.Steps, ProcessStep{Name: projection.Text(step, "stepName"),
					Description: optField(step, "description"), Complete: isTrue(step, "complete"), Type: optField(step, "type")})
			}
		}
		stages = append(stages, stage)
	}
	return stages
}

func isTrue(m map[string]any, key string) bool {
	b := projection.Flag(m, key)
	return b != nil && *b
}

// applicationOf is an application's detail; cust (nil when unknown) fills the
// derived fields that depend on the customer.
func applicationOf(a *projection.Application, cust *projection.Customer) Application {
	row := projection.PortalApplicationOf(a, cust)
	d := a.Detail
	proc, _ := d["applicationProcess"].(map[string]any)
	return Application{
		Number: a.Number, CustomerID: str(a.CustomerID), ConversationID: str(a.ConversationID),
		Status: string(row.Status), Outcome: str(a.Outcome), OutcomeReason: str(a.OutcomeReason),
		CurrentStage: optField(proc, "currentProcessStage"), CurrentStep: optField(proc, "currentProcessStep"),
		ProgressPercentage: row.ProgressPercentage, Stages: stagesOf(d), LoanPurpose: optField(d, "loanPurpose"),
		LoanAmount: row.LoanAmount, LoanFee: row.LoanFee, LoanTotalPayable: row.LoanTotalPayable,
		LoanTermDays: projection.Number(d, "loanTerm"),
		Flags: ApplicationFlags{
			CustomerAttestationAcceptance:   projection.Flag(d, "customerAttestationAcceptance"),
			StatementCaptureConsentProvided: projection.Flag(d, "statementCaptureConsentProvided"),
			StatementCaptureCompleted:       projection.Flag(d, "statementCaptureCompleted"),
			ProductOfferAcceptance:          projection.Flag(d, "productOfferAcceptance"),
		},
		SubmittedAt: row.SubmittedAt, UpdatedAt: a.UpdatedAt, Detail: orEmpty(d),
	}
}

// statusOf checks a status name from the frontend.
func statusOf(s string) (projection.Status, error) {
	if s == "" {
		return "", nil
	}
	for _, st := range projection.Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q", s)
}

// isApplicationStatus checks an application status name from the frontend.
func isApplicationStatus(s string) bool {
	for _, st := range projection.ApplicationStatuses() {
		if string(st) == s {
			return true
		}
	}
	return false
}
