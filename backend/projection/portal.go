package projection

import (
	"strings"
	"time"
)

// ApplicationStatus is where an application stands, as the customer portal and the
// desktop's application list show it.
type ApplicationStatus string

const (
	ApplicationDraft       ApplicationStatus = "draft"
	ApplicationSubmitted   ApplicationStatus = "submitted"
	ApplicationUnderReview ApplicationStatus = "under_review"
	ApplicationApproved    ApplicationStatus = "approved"
	ApplicationDeclined    ApplicationStatus = "declined"
)

// ApplicationStatuses lists every application status, from first to last.
func ApplicationStatuses() []ApplicationStatus {
	return []ApplicationStatus{ApplicationDraft, ApplicationSubmitted, ApplicationUnderReview, ApplicationApproved, ApplicationDeclined}
}

// Decided reports whether the status is a final decision.
func (s ApplicationStatus) Decided() bool {
	return s == ApplicationApproved || s == ApplicationDeclined
}

// PortalApplication is the customer portal's denormalised row for one application.
type PortalApplication struct {
	CustomerID                 string             `json:"customerId"`
	ApplicationID              string             `json:"applicationId"`
	Status                     ApplicationStatus  `json:"status"`
	CurrentStage               string             `json:"currentStage"`
	ProgressPercentage         int                `json:"progressPercentage"`
	LoanAmount                 *float64           `json:"loanAmount"`
	LoanFee                    *float64           `json:"loanFee"`
	LoanTotalPayable           *float64           `json:"loanTotalPayable"`
	CustomerName               string             `json:"customerName"`
	CustomerEmail              string             `json:"customerEmail"`
	RequiredDocuments          []RequiredDocument `json:"requiredDocuments"`
	HasOutstandingRequirements bool               `json:"hasOutstandingRequirements"`
	SubmittedAt                *time.Time         `json:"submittedAt"`
	LastUpdateAt               time.Time          `json:"lastUpdateAt"`
	Version                    int64              `json:"version"`
}

// RequiredDocument is one thing the customer must provide, with whether they have.
type RequiredDocument struct {
	Name   string `json:"name"`
	Status string `json:"status"` // "provided" or "outstanding"
}

// PortalConversation is the customer portal's summary of one conversation: no
// rationale, additional data or anything else internal.
type PortalConversation struct {
	CustomerID     string     `json:"customerId"`
	ConversationID string     `json:"conversationId"`
	ApplicationID  string     `json:"applicationId,omitempty"`
	Purpose        string     `json:"purpose"`
	Status         string     `json:"status"` // "active" or "completed"
	LastMessage    string     `json:"lastMessage"`
	LastMessageAt  *time.Time `json:"lastMessageAt"`
	MessageCount   int        `json:"messageCount"`
	StartedAt      time.Time  `json:"startedAt"`
	Version        int64      `json:"version"`
}

// PortalApplicationOf derives the portal row of a from the application and its
// customer (nil when the profile is not known yet).
func PortalApplicationOf(a *Application, cust *Customer) PortalApplication {
	stages := processStages(a.Detail)
	done := 0
	for _, st := range stages {
		if flag(st["complete"]) {
			done++
		}
	}
	p := PortalApplication{
		CustomerID: a.CustomerID, ApplicationID: a.Number,
		CurrentStage: a.CurrentStage(), LastUpdateAt: a.UpdatedAt, Version: a.Version,
		LoanAmount: Number(a.Detail, "loanAmount"), LoanFee: Number(a.Detail, "loanFee"),
		LoanTotalPayable: Number(a.Detail, "loanTotalPayable"),
	}
	if len(stages) > 0 {
		p.ProgressPercentage = done * 100 / len(stages)
	}
	if !a.SubmittedAt.IsZero() {
		at := a.SubmittedAt
		p.SubmittedAt = &at
	}
	p.Status = a.PortalStatus()
	if cust != nil {
		p.CustomerName, p.CustomerEmail = cust.Name(), cust.Email()
	}
	p.RequiredDocuments = requiredDocuments(a, cust)
	for _, d := range p.RequiredDocuments {
		if d.Status == "outstanding" && !p.Status.Decided() {
			p.HasOutstandingRequirements = true
		}
	}
	return p
}

// PortalStatus is approved / declined from the outcome; else under_review when a
// current process stage is known; else submitted when a loan amount is known; else draft.
func (a *Application) PortalStatus() ApplicationStatus {
	switch strings.ToUpper(a.Outcome) {
	case "APPROVED":
		return ApplicationApproved
	case "DECLINED":
		return ApplicationDeclined
	}
	if a.processString("currentProcessStage") != "" {
		return ApplicationUnderReview
	}
	if Number(a.Detail, "loanAmount") != nil {
		return ApplicationSubmitted
	}
	return ApplicationDraft
}

// CurrentStage is the current process stage, else "submitted".
func (a *Application) CurrentStage() string {
	if s := a.processString("currentProcessStage"); s != "" {
		return s
	}
	return "submitted"
}

func (a *Application) processString(key string) string {
	proc, _ := a.Detail["applicationProcess"].(map[string]any)
	return Text(proc, key)
}

func processStages(detail map[string]any) []map[string]any {
	proc, _ := detail["applicationProcess"].(map[string]any)
	list, _ := proc["applicationProcessState"].([]any)
	stages := make([]map[string]any, 0, len(list))
	for _, item := range list {
		if st, ok := item.(map[string]any); ok {
			stages = append(stages, st)
		}
	}
	return stages
}

func requiredDocuments(a *Application, cust *Customer) []RequiredDocument {
	status := func(ok bool) string {
		if ok {
			return "provided"
		}
		return "outstanding"
	}
	hasID := cust != nil && len(cust.Documents) > 0
	return []RequiredDocument{
		{Name: "Identity document", Status: status(hasID)},
		{Name: "Bank statements", Status: status(flag(a.Detail["statementCaptureCompleted"]))},
		{Name: "Offer acceptance", Status: status(flag(a.Detail["productOfferAcceptance"]))},
		{Name: "Customer attestation", Status: status(flag(a.Detail["customerAttestationAcceptance"]))},
	}
}

// PortalConversationOf derives the portal summary of c. It is active until the
// conversation ends or a final decision is made.
func PortalConversationOf(c *Conversation) PortalConversation {
	p := PortalConversation{
		CustomerID: c.CustomerID, ConversationID: c.ID, ApplicationID: c.ApplicationNumber,
		Purpose: c.Purpose, Status: "active", MessageCount: c.MessageCount,
		StartedAt: c.StartedAt, Version: c.Version,
	}
	if !c.EndedAt.IsZero() || c.Decision != "" {
		p.Status = "completed"
	}
	if c.LastMessage != nil {
		p.LastMessage = c.LastMessage.Text
		at := c.LastMessage.At // the time of the message shown, not the latest time
		p.LastMessageAt = &at
	}
	return p
}

// PortalApplications derives the portal rows the batch changed: every changed
// application, and every application of a changed customer (name and email are
// denormalised into them).
func (s *Snapshot) PortalApplications() ([]PortalApplication, error) {
	var rows []PortalApplication
	seen := map[string]bool{}
	add := func(a *Application) error {
		if seen[a.Number] || a.CustomerID == "" {
			return nil
		}
		seen[a.Number] = true
		var cust *Customer
		if c, err := s.customer(a.CustomerID); err != nil {
			return err
		} else if len(c.Profile) > 1 || len(c.Documents) > 0 {
			cust = c
		}
		rows = append(rows, PortalApplicationOf(a, cust))
		return nil
	}
	for _, n := range s.dirty.applications {
		if err := add(s.applications[n]); err != nil {
			return nil, err
		}
	}
	for _, id := range s.dirty.customers {
		for _, n := range s.customers[id].Applications {
			a, err := s.application(n, time.Time{})
			if err != nil {
				return nil, err
			}
			if err := add(a); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}
