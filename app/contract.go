package app

// The Go side of frontend/src/api/types.ts: the same JSON field names, null (a nil
// pointer) for an absent value, and [] rather than null for empty lists.

import (
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// SessionInfo is the signed-in supervisor.
type SessionInfo struct {
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// User is a supervisor account as the backend's admin API returns it.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastLoginAt *time.Time `json:"lastLoginAt"`
}

// NewUser is an account to create.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// UserPatch changes only its present fields.
type UserPatch struct {
	Role     *string `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Password *string `json:"password,omitempty"`
}

// Link states of the connection to Redis.
const (
	LinkConnected  = "connected"
	LinkConnecting = "connecting"
	LinkOffline    = "offline"
)

// ConnectionState is the desktop consumer's view of the ledger.
type ConnectionState struct {
	State         string  `json:"state"`
	Stale         bool    `json:"stale"`
	LastAppliedID string  `json:"lastAppliedId"`
	Behind        int64   `json:"behind"`
	CatchingUp    bool    `json:"catchingUp"`
	Applied       int64   `json:"applied"`
	Error         *string `json:"error"`
	RedisURL      string  `json:"redisUrl"`
}

// LastMessage is a card's newest message.
type LastMessage struct {
	Sender string    `json:"sender"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// ConversationCard is one conversation as a grid card.
type ConversationCard struct {
	ID                string       `json:"id"`
	CustomerID        *string      `json:"customerId"`
	CustomerName      *string      `json:"customerName"`
	ApplicationNumber *string      `json:"applicationNumber"`
	StartedAt         time.Time    `json:"startedAt"`
	LastMessageAt     *time.Time   `json:"lastMessageAt"`
	EndedAt           *time.Time   `json:"endedAt"`
	Decision          *string      `json:"decision"`
	Status            string       `json:"status"`
	MessageCount      int          `json:"messageCount"`
	Purpose           *string      `json:"purpose"`
	LastMessage       *LastMessage `json:"lastMessage"`
}

// ConversationQuery asks for a page of the grid.
type ConversationQuery struct {
	Search string  `json:"search"`
	Status string  `json:"status"`
	Cursor *string `json:"cursor"`
	Limit  int     `json:"limit"`
}

// ConversationPage is one page of cards, newest first.
type ConversationPage struct {
	Items      []ConversationCard `json:"items"`
	NextCursor *string            `json:"nextCursor"`
}

// Message is one transcript line.
type Message struct {
	StreamID        string         `json:"streamId"`
	Seq             *int64         `json:"seq"`
	Sender          string         `json:"sender"`
	Text            string         `json:"text"`
	Rationale       *string        `json:"rationale"`
	AnswerInputType *string        `json:"answerInputType"`
	AdditionalData  map[string]any `json:"additionalData"`
	At              time.Time      `json:"at"`
	StepComplete    *bool          `json:"stepComplete"`
	EndConversation bool           `json:"endConversation"`
}

// LiveMessage is a message as it arrives in ledger:batch.
type LiveMessage struct {
	Message
	ConversationID string `json:"conversationId"`
}

// AssessmentVersion is an earlier value of an assessment.
type AssessmentVersion struct {
	Value map[string]any `json:"value"`
	At    time.Time      `json:"at"`
}

// Assessment is the latest value of one kind of assessment.
type Assessment struct {
	Kind    string              `json:"kind"`
	Type    string              `json:"type"`
	Value   map[string]any      `json:"value"`
	At      time.Time           `json:"at"`
	History []AssessmentVersion `json:"history"`
}

// Post is one noticeboard post.
type Post struct {
	Agent         string    `json:"agent"`
	Text          string    `json:"text"`
	At            time.Time `json:"at"`
	AgentFinished bool      `json:"agentFinished"`
}

// NoticeboardTopic is the latest post of a topic and the earlier ones, newest first.
type NoticeboardTopic struct {
	Topic   string `json:"topic"`
	Latest  Post   `json:"latest"`
	Earlier []Post `json:"earlier"`
}

// ConversationInfo is a card plus what only the detail view shows.
type ConversationInfo struct {
	ConversationCard
	Facts          []string `json:"facts"`
	DecisionReason string   `json:"decisionReason"`
	Username       string   `json:"username"`
}

// ConversationDetail is everything the conversation screen shows.
type ConversationDetail struct {
	Conversation ConversationInfo   `json:"conversation"`
	Messages     []Message          `json:"messages"`
	Application  *Application       `json:"application"`
	Customer     *CustomerProfile   `json:"customer"`
	Assessments  []Assessment       `json:"assessments"`
	Noticeboard  []NoticeboardTopic `json:"noticeboard"`
}

// Address is a formatted address and its raw fields.
type Address struct {
	Formatted string            `json:"formatted"`
	Fields    map[string]string `json:"fields"`
}

// IdentityDocument is one of a customer's identity documents.
type IdentityDocument struct {
	DocumentType    *string           `json:"documentType"`
	DocumentSubtype *string           `json:"documentSubtype"`
	DocumentNumber  *string           `json:"documentNumber"`
	ExpiryDate      *string           `json:"expiryDate"`
	StateOfIssue    *string           `json:"stateOfIssue"`
	CountryOfIssue  *string           `json:"countryOfIssue"`
	AdditionalInfo  map[string]string `json:"additionalInfo"`
	Expired         bool              `json:"expired"`
}

// CustomerFlags are the producer's staff/investor/founder flags.
type CustomerFlags struct {
	Staff    *bool `json:"staff"`
	Investor *bool `json:"investor"`
	Founder  *bool `json:"founder"`
}

// CustomerProfile is a customer's merged profile.
type CustomerProfile struct {
	ID                 string             `json:"id"`
	Name               *string            `json:"name"`
	Title              *string            `json:"title"`
	PreferredName      *string            `json:"preferredName"`
	FirstName          *string            `json:"firstName"`
	MiddleName         *string            `json:"middleName"`
	LastName           *string            `json:"lastName"`
	Email              *string            `json:"email"`
	Mobile             *string            `json:"mobile"`
	DateOfBirth        *string            `json:"dateOfBirth"`
	ResidentialAddress *Address           `json:"residentialAddress"`
	MailingAddress     *Address           `json:"mailingAddress"`
	Flags              CustomerFlags      `json:"flags"`
	EkycStatus         *string            `json:"ekycStatus"`
	IndividualStatus   *string            `json:"individualStatus"`
	Documents          []IdentityDocument `json:"documents"`
}

// CustomerRow is one line of the customers list.
type CustomerRow struct {
	ID            string  `json:"id"`
	Name          *string `json:"name"`
	Email         *string `json:"email"`
	Mobile        *string `json:"mobile"`
	Applications  int     `json:"applications"`
	Conversations int     `json:"conversations"`
}

// CustomerPage is one page of customers.
type CustomerPage struct {
	Items      []CustomerRow `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}

// CustomerDetail is a customer's page.
type CustomerDetail struct {
	Profile       CustomerProfile    `json:"profile"`
	Applications  []ApplicationRow   `json:"applications"`
	Conversations []ConversationCard `json:"conversations"`
}

// ApplicationRow is one line of the applications list.
type ApplicationRow struct {
	Number         string    `json:"number"`
	CustomerID     *string   `json:"customerId"`
	CustomerName   *string   `json:"customerName"`
	LoanAmount     *float64  `json:"loanAmount"`
	Status         string    `json:"status"`
	Stage          string    `json:"stage"`
	UpdatedAt      time.Time `json:"updatedAt"`
	ConversationID *string   `json:"conversationId"`
}

// ApplicationQuery asks for a page of applications.
type ApplicationQuery struct {
	Status string  `json:"status"`
	Search string  `json:"search"`
	Cursor *string `json:"cursor"`
	Limit  int     `json:"limit"`
}

// ApplicationPage is one page of applications, most recently updated first.
type ApplicationPage struct {
	Items      []ApplicationRow `json:"items"`
	NextCursor *string          `json:"nextCursor"`
}

// ProcessStep is one step of a process stage.
type ProcessStep struct {
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Complete    bool    `json:"complete"`
	Type        *string `json:"type"`
}

// ProcessStage is one stage of the application process.
type ProcessStage struct {
	Name     string        `json:"name"`
	Complete bool          `json:"complete"`
	Steps    []ProcessStep `json:"steps"`
}

// ApplicationFlags are the application's consent and acceptance flags.
type ApplicationFlags struct {
	CustomerAttestationAcceptance   *bool `json:"customerAttestationAcceptance"`
	StatementCaptureConsentProvided *bool `json:"statementCaptureConsentProvided"`
	StatementCaptureCompleted       *bool `json:"statementCaptureCompleted"`
	ProductOfferAcceptance          *bool `json:"productOfferAcceptance"`
}

// Application is one application's detail.
type Application struct {
	Number             string           `json:"number"`
	CustomerID         *string          `json:"customerId"`
	ConversationID     *string          `json:"conversationId"`
	Status             string           `json:"status"`
	Outcome            *string          `json:"outcome"`
	OutcomeReason      *string          `json:"outcomeReason"`
	CurrentStage       *string          `json:"currentStage"`
	CurrentStep        *string          `json:"currentStep"`
	ProgressPercentage int              `json:"progressPercentage"`
	Stages             []ProcessStage   `json:"stages"`
	LoanPurpose        *string          `json:"loanPurpose"`
	LoanAmount         *float64         `json:"loanAmount"`
	LoanFee            *float64         `json:"loanFee"`
	LoanTotalPayable   *float64         `json:"loanTotalPayable"`
	LoanTermDays       *float64         `json:"loanTermDays"`
	Flags              ApplicationFlags `json:"flags"`
	SubmittedAt        *time.Time       `json:"submittedAt"`
	UpdatedAt          time.Time        `json:"updatedAt"`
	Detail             map[string]any   `json:"detail"`
}

// ApplicationDetail is an application's page.
type ApplicationDetail struct {
	Application   Application        `json:"application"`
	Customer      *CustomerProfile   `json:"customer"`
	Conversations []ConversationCard `json:"conversations"`
}

// Thresholds are the idle times of the status rules, in seconds.
type Thresholds struct {
	PausedSeconds  int64 `json:"pausedSeconds"`
	SoftEndSeconds int64 `json:"softEndSeconds"`
	HardEndSeconds int64 `json:"hardEndSeconds"`
}

func (t Thresholds) projection() projection.Thresholds {
	return projection.Thresholds{
		Paused:  time.Duration(t.PausedSeconds) * time.Second,
		SoftEnd: time.Duration(t.SoftEndSeconds) * time.Second,
		HardEnd: time.Duration(t.HardEndSeconds) * time.Second,
	}
}

// Settings are the desktop's connection settings. RedisPassword is write-only.
type Settings struct {
	RedisURL         string     `json:"redisUrl"`
	RedisUsername    string     `json:"redisUsername"`
	RedisPassword    string     `json:"redisPassword"`
	HasRedisPassword bool       `json:"hasRedisPassword"`
	RedisTLS         bool       `json:"redisTls"`
	Stream           string     `json:"stream"`
	BackendURL       string     `json:"backendUrl"`
	Thresholds       Thresholds `json:"thresholds"`
}

// Event names.
const (
	EventBatch      = "ledger:batch"
	EventConnection = "ledger:connection"
)

// LedgerBatch is one coalesced live update.
type LedgerBatch struct {
	Conversations []ConversationCard `json:"conversations"`
	Messages      []LiveMessage      `json:"messages"`
	Applications  []string           `json:"applications"`
	Customers     []string           `json:"customers"`
}
