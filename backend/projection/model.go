// Package projection owns the read models of the chatLedger and the one pure reducer
// that applies events to them. The backend projector and the desktop cache both use it;
// they differ only in where events come from and where a Snapshot is persisted.
package projection

import (
	"time"
)

// Sender of a transcript message.
const (
	SenderCustomer  = "customer"
	SenderAssistant = "assistant"
)

// Conversation is the supervisor's read model of one conversation, without its
// transcript (messages are stored one row each).
type Conversation struct {
	ID                string    `json:"id"`
	ApplicationNumber string    `json:"applicationNumber,omitempty"`
	CustomerID        string    `json:"customerId,omitempty"`
	Username          string    `json:"username,omitempty"`
	StartedAt         time.Time `json:"startedAt"`
	// Started is false while the conversation exists only because a later event
	// arrived before conversation_started.
	Started           bool                   `json:"started"`
	LastMessageAt     time.Time              `json:"lastMessageAt,omitzero"`
	LastEventAt       time.Time              `json:"lastEventAt"`
	EndedAt           time.Time              `json:"endedAt,omitzero"`
	Decision          string                 `json:"decision,omitempty"`
	DecisionReason    string                 `json:"decisionReason,omitempty"`
	Purpose           string                 `json:"purpose,omitempty"`
	Facts             []string               `json:"facts,omitempty"`
	MessageCount      int                    `json:"messageCount"`
	CustomerMessages  int                    `json:"customerMessages"`
	AssistantMessages int                    `json:"assistantMessages"`
	LastMessage       *MessagePreview        `json:"lastMessage,omitempty"`
	Assessments       map[string]*Assessment `json:"assessments,omitempty"`
	Noticeboard       map[string]*Topic      `json:"noticeboard,omitempty"`
	UnhandledEvents   int                    `json:"unhandledEvents,omitempty"`
	Version           int64                  `json:"version"`
	// Applied holds "typ/seq" of every event with a sequence already applied, so a
	// logical event re-published under a new stream ID is applied once.
	Applied map[string]struct{} `json:"applied,omitempty"`
}

// MessagePreview is the newest message, kept on the conversation for cards.
type MessagePreview struct {
	Sender string    `json:"sender"`
	Text   string    `json:"text"`
	Seq    int64     `json:"seq,omitempty"`
	At     time.Time `json:"at"`
}

// Message is one transcript line.
type Message struct {
	ConversationID  string         `json:"conversationId"`
	StreamID        string         `json:"streamId"`
	Seq             int64          `json:"seq,omitempty"`
	Sender          string         `json:"sender"`
	Text            string         `json:"text"`
	Rationale       string         `json:"rationale,omitempty"`
	AnswerInputType string         `json:"answerInputType,omitempty"`
	AdditionalData  map[string]any `json:"additionalData,omitempty"`
	StepComplete    *bool          `json:"stepComplete,omitempty"`
	EndConversation bool           `json:"endConversation,omitempty"`
	At              time.Time      `json:"at"`
}

// Assessment is the latest value of one kind of assessment and its earlier values.
type Assessment struct {
	Kind    string              `json:"kind"`
	Type    string              `json:"type"`
	Value   map[string]any      `json:"value"`
	At      time.Time           `json:"at"`
	History []AssessmentVersion `json:"history,omitempty"`
}

// AssessmentVersion is an earlier value of an assessment.
type AssessmentVersion struct {
	Value map[string]any `json:"value"`
	At    time.Time      `json:"at"`
}

// Topic is one noticeboard topic: the latest post and earlier ones, newest first.
type Topic struct {
	Topic   string `json:"topic"`
	Latest  Post   `json:"latest"`
	Earlier []Post `json:"earlier,omitempty"`
}

// Post is one noticeboard post.
type Post struct {
	Agent               string    `json:"agent"`
	Text                string    `json:"text"`
	At                  time.Time `json:"at"`
	StateSeq            int64     `json:"stateSeq,omitempty"`
	AgentFinished       bool      `json:"agentFinished,omitempty"`
	ForceTurn           bool      `json:"forceTurn,omitempty"`
	EndConversation     bool      `json:"endConversation,omitempty"`
	EndConversationText string    `json:"endConversationText,omitempty"`
}

// Application is the merged ApplicationDetail of one application number. Detail holds
// the producer's fields after deep merge (customer and identity documents live on the
// Customer instead).
type Application struct {
	Number         string         `json:"number"`
	CustomerID     string         `json:"customerId,omitempty"`
	ConversationID string         `json:"conversationId,omitempty"`
	Detail         map[string]any `json:"detail"`
	Outcome        string         `json:"outcome,omitempty"`
	OutcomeReason  string         `json:"outcomeReason,omitempty"`
	CreatedAt      time.Time      `json:"createdAt"`
	SubmittedAt    time.Time      `json:"submittedAt,omitzero"`
	UpdatedAt      time.Time      `json:"updatedAt"`
	// Assessments and Noticeboard belong to the application (contract §3); a
	// conversation holds them only until it learns its application number.
	Assessments map[string]*Assessment `json:"assessments,omitempty"`
	Noticeboard map[string]*Topic      `json:"noticeboard,omitempty"`
	Version     int64                  `json:"version"`
}

// Customer is the merged profile of one customer id and their identity documents.
type Customer struct {
	ID           string           `json:"id"`
	Profile      map[string]any   `json:"profile"`
	Documents    []map[string]any `json:"documents,omitempty"`
	Applications []string         `json:"applications,omitempty"`
	UpdatedAt    time.Time        `json:"updatedAt"`
	Version      int64            `json:"version"`
}
