package app

// The Go side of the desktop's contract with its React frontend (window.go.app.App).
// frontend/src/api/contract.gen.ts is generated from this file by tygo (tygo.yaml;
// `make contract-ts`), and TestContractTypeScript fails while that file is stale, so a
// change here is a change of the frontend's types.
//
// JSON conventions the frontend relies on: every time is an ISO-8601 string with zone
// and an absent one is null (a nil pointer), never the zero time; an absent value is
// null where the field is a pointer, otherwise "" or 0 at worst; lists are [] rather
// than null for "none". Bound methods reject with a human-readable message that the UI
// shows as is.
//
// The tstype tags name the TypeScript for values that are plain strings in Go (statuses,
// roles, senders, raw producer JSON); they change no JSON.

import (
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// The string below is emitted at the top of contract.gen.ts: the TypeScript names the
// tstype tags use. TestContractTypeScriptUnions checks the unions against the Go values.
//
//tygo:emit
var _ = `
/** Free-form producer data, as sent. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** ISO-8601 timestamp with zone, e.g. "2024-11-24T10:12:03.123Z" (a Go time.Time). */
export type IsoTime = string;

/** A stream entry id such as "1732451234567-0". */
export type StreamId = string;

/** Who wrote a transcript message (projection.SenderCustomer, projection.SenderAssistant). */
export type Sender = 'customer' | 'assistant';

/** What a supervisor sees on a conversation's badge (projection.Statuses). */
export type Status = 'Active' | 'Paused' | 'Soft End' | 'Hard End' | 'Ended' | 'Approved' | 'Declined';

/** A supervisor account's role. */
export type Role = 'admin' | 'supervisor';

/** An application's portal status. */
export type ApplicationStatus = 'draft' | 'submitted' | 'under_review' | 'approved' | 'declined';

/** The state of the link to Redis: one of the Link constants. */
export type LinkState = typeof LinkConnected | typeof LinkConnecting | typeof LinkOffline;
`

// SessionInfo is the signed-in supervisor.
type SessionInfo struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role" tstype:"Role"`
	// When the session stops being valid; the UI returns to sign-in then.
	ExpiresAt time.Time `json:"expiresAt"`
}

// User is a supervisor account as the backend's admin API returns it.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role" tstype:"Role"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastLoginAt *time.Time `json:"lastLoginAt"`
}

// NewUser is an account to create.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role" tstype:"Role"`
	Password string `json:"password"`
}

// UserPatch changes only its present fields; null and absent both mean "unchanged".
type UserPatch struct {
	Role     *string `json:"role,omitempty" tstype:"Role | null"`
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
	State string `json:"state" tstype:"LinkState"`
	// True when what is shown may be out of date (offline, or not caught up).
	Stale bool `json:"stale"`
	// Last stream entry applied to the local cache ("" when none yet).
	LastAppliedID string `json:"lastAppliedId" tstype:"StreamId"`
	// Entries in the stream after lastAppliedId, as far as known (0 when caught up).
	Behind int64 `json:"behind"`
	// True while replaying a backlog; the UI shows applied / (applied + behind).
	CatchingUp bool `json:"catchingUp"`
	// Entries applied since the app started.
	Applied int64 `json:"applied"`
	// Last connection error, human-readable; null when none.
	Error *string `json:"error"`
	// Redis URL without credentials, for display.
	RedisURL string `json:"redisUrl"`
	// When the link went down; kept through reconnect attempts, null once connected.
	OfflineSince *time.Time `json:"offlineSince"`
	// Up to when the cache is known to hold the whole stream; null while live
	// (connected and caught up). Offline or catching up, statuses and "… ago" times are
	// those of this instant.
	AsOf *time.Time `json:"asOf"`
	// True from the start of a replay of the stream into an empty cache until it has
	// caught up: no status is final before.
	FirstSync bool `json:"firstSync"`
	// Share of the current catch-up done, 0 to 100 (100 when not catching up).
	Percent float64 `json:"percent"`
	// Entries applied per second during the current catch-up; 0 when not yet known.
	RatePerSec float64 `json:"ratePerSec"`
	// Estimated seconds until caught up; null when not catching up or not yet known.
	EtaSeconds *float64 `json:"etaSeconds"`
	// The connection problem in plain words ("Cannot reach Redis at …"); null when
	// none. Error keeps the technical detail.
	Problem *string `json:"problem"`
}

// LastMessage is a card's newest message.
type LastMessage struct {
	Sender string    `json:"sender" tstype:"Sender"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// NameSource says where a display name came from: "profile" (the customer's name as
// sent), "message" (how the assistant addressed them), "loan" (amount and purpose),
// "id" (the customer id) or "none".
type NameSource string

// ConversationCard is one conversation as a grid card (no transcript).
type ConversationCard struct {
	ID         string  `json:"id"`
	CustomerID *string `json:"customerId"`
	// Display name (first + middle + last, else preferred name); null when unknown.
	CustomerName *string `json:"customerName"`
	// What the window calls the customer: the name, else the best thing known (the name
	// the assistant addressed them by, the loan's amount and purpose, the customer id);
	// "" only when nothing is known yet.
	DisplayName string `json:"displayName"`
	// Where displayName came from.
	NameSource        string  `json:"nameSource" tstype:"NameSource"`
	ApplicationNumber *string `json:"applicationNumber"`
	// Always set: the time of conversation_started, else of the first event.
	StartedAt     time.Time  `json:"startedAt"`
	LastMessageAt *time.Time `json:"lastMessageAt"`
	// Set when an end-of-conversation flag was seen.
	EndedAt *time.Time `json:"endedAt"`
	// Final decision as sent by the producer ("APPROVED", "DECLINED", other); null when none.
	Decision *string `json:"decision"`
	// Status computed by Go at read time; the UI recomputes it as the clock moves.
	Status       string       `json:"status" tstype:"Status"`
	MessageCount int          `json:"messageCount"`
	Purpose      *string      `json:"purpose"`
	LastMessage  *LastMessage `json:"lastMessage"`
	// The conversation had events since the signed-in supervisor last opened it (or,
	// never opened, since their first sign-in here or their last "Mark all as read").
	Unread bool `json:"unread"`
	// Why the conversation needs attention now, most urgent first (the "Needs
	// attention" view's rules); empty when it does not.
	Attention []AttentionReason `json:"attention"`
}

// ConversationQuery asks for a page of the grid.
type ConversationQuery struct {
	// Free text: customer first/last name, application number, decision, message words. "" = all.
	Search string `json:"search"`
	// "" = any status.
	Status string `json:"status" tstype:"Status | ''"`
	// null = first page.
	Cursor *string `json:"cursor"`
	Limit  int     `json:"limit"`
	// The instant statuses are computed at (the window's view instant, so a page and
	// StatusCountsAt agree); null = now.
	At *time.Time `json:"at"`
}

// ConversationPage is one page of cards, newest by startedAt first; nextCursor is
// null on the last page.
type ConversationPage struct {
	Items      []ConversationCard `json:"items"`
	NextCursor *string            `json:"nextCursor"`
}

// Message is one transcript line.
type Message struct {
	// Stream entry id of the event; unique, used to de-duplicate live messages.
	StreamID        string  `json:"streamId" tstype:"StreamId"`
	Seq             *int64  `json:"seq"`
	Sender          string  `json:"sender" tstype:"Sender"`
	Text            string  `json:"text"`
	Rationale       *string `json:"rationale"`
	AnswerInputType *string `json:"answerInputType"`
	// Null when the producer sent none.
	AdditionalData map[string]any `json:"additionalData" tstype:"JsonObject | null"`
	At             time.Time      `json:"at"`
	// The LLM's "current step complete" flag; null when not sent.
	StepComplete *bool `json:"stepComplete"`
	// The message carried an end-of-conversation flag.
	EndConversation bool `json:"endConversation"`
}

// LiveMessage is a message as it arrives in ledger:batch.
type LiveMessage struct {
	Message        `tstype:",extends"`
	ConversationID string `json:"conversationId"`
}

// AssessmentVersion is an earlier value of an assessment.
type AssessmentVersion struct {
	Value map[string]any `json:"value" tstype:"JsonObject"`
	At    time.Time      `json:"at"`
}

// Assessment is the latest value of one kind of assessment.
type Assessment struct {
	// 'identityRisk' | 'serviceability' | 'fraudCheck' | any other kind name.
	Kind string `json:"kind"`
	// The event type it came from, e.g. "fraudCheck_results".
	Type  string         `json:"type"`
	Value map[string]any `json:"value" tstype:"JsonObject"`
	At    time.Time      `json:"at"`
	// Earlier values, newest first.
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
	Topic  string `json:"topic"`
	Latest Post   `json:"latest"`
	// Earlier posts of this topic, newest first.
	Earlier []Post `json:"earlier"`
}

// ConversationInfo is a card plus what only the detail view shows.
type ConversationInfo struct {
	ConversationCard `tstype:",extends"`
	Facts            []string `json:"facts"`
	// "" when none.
	DecisionReason string `json:"decisionReason"`
	// Producer's username field; "" when none.
	Username string `json:"username"`
}

// ConversationDetail is everything the conversation screen shows.
type ConversationDetail struct {
	Conversation ConversationInfo `json:"conversation"`
	// Oldest first.
	Messages    []Message          `json:"messages"`
	Application *Application       `json:"application"`
	Customer    *CustomerProfile   `json:"customer"`
	Assessments []Assessment       `json:"assessments"`
	Noticeboard []NoticeboardTopic `json:"noticeboard"`
}

// Address is a formatted address and its raw fields.
type Address struct {
	// One-line formatted address ("" when nothing known).
	Formatted string `json:"formatted"`
	// Raw address fields (snake_case keys as sent), strings only.
	Fields map[string]string `json:"fields"`
}

// IdentityDocument is one of a customer's identity documents.
type IdentityDocument struct {
	DocumentType    *string `json:"documentType"`
	DocumentSubtype *string `json:"documentSubtype"`
	DocumentNumber  *string `json:"documentNumber"`
	// YYYY-MM-DD as sent.
	ExpiryDate     *string           `json:"expiryDate"`
	StateOfIssue   *string           `json:"stateOfIssue"`
	CountryOfIssue *string           `json:"countryOfIssue"`
	AdditionalInfo map[string]string `json:"additionalInfo"`
	Expired        bool              `json:"expired"`
}

// CustomerFlags are the producer's staff/investor/founder flags.
type CustomerFlags struct {
	Staff    *bool `json:"staff"`
	Investor *bool `json:"investor"`
	Founder  *bool `json:"founder"`
}

// CustomerProfile is a customer's merged profile.
type CustomerProfile struct {
	ID string `json:"id"`
	// Display name; null when no name is known.
	Name          *string `json:"name"`
	Title         *string `json:"title"`
	PreferredName *string `json:"preferredName"`
	FirstName     *string `json:"firstName"`
	MiddleName    *string `json:"middleName"`
	LastName      *string `json:"lastName"`
	Email         *string `json:"email"`
	Mobile        *string `json:"mobile"`
	// YYYY-MM-DD.
	DateOfBirth        *string       `json:"dateOfBirth"`
	ResidentialAddress *Address      `json:"residentialAddress"`
	MailingAddress     *Address      `json:"mailingAddress"`
	Flags              CustomerFlags `json:"flags"`
	EkycStatus         *string       `json:"ekycStatus"`
	// LIVING, DECEASED, MISSING.
	IndividualStatus *string            `json:"individualStatus"`
	Documents        []IdentityDocument `json:"documents"`
}

// CustomerRow is one line of the customers list.
type CustomerRow struct {
	ID   string  `json:"id"`
	Name *string `json:"name"`
	// As on a card: the name, else the best thing known.
	DisplayName   string  `json:"displayName"`
	NameSource    string  `json:"nameSource" tstype:"NameSource"`
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
	Profile      CustomerProfile  `json:"profile"`
	Applications []ApplicationRow `json:"applications"`
	// Newest first.
	Conversations []ConversationCard `json:"conversations"`
}

// ApplicationRow is one line of the applications list.
type ApplicationRow struct {
	Number       string   `json:"number"`
	CustomerID   *string  `json:"customerId"`
	CustomerName *string  `json:"customerName"`
	LoanAmount   *float64 `json:"loanAmount"`
	Status       string   `json:"status" tstype:"ApplicationStatus"`
	// Current process stage, else "submitted".
	Stage     string    `json:"stage"`
	UpdatedAt time.Time `json:"updatedAt"`
	// The latest conversation about this application; null when none.
	ConversationID *string `json:"conversationId"`
}

// ApplicationQuery asks for a page of applications.
type ApplicationQuery struct {
	// An ApplicationStatus, or "" for any.
	Status string `json:"status" tstype:"ApplicationStatus | ''"`
	// Application number, customer name or id; "" = all.
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
	Number         string  `json:"number"`
	CustomerID     *string `json:"customerId"`
	ConversationID *string `json:"conversationId"`
	Status         string  `json:"status" tstype:"ApplicationStatus"`
	// Outcome as sent ("APPROVED", "DECLINED", ...); null when none.
	Outcome       *string `json:"outcome"`
	OutcomeReason *string `json:"outcomeReason"`
	CurrentStage  *string `json:"currentStage"`
	CurrentStep   *string `json:"currentStep"`
	// Completed stages / all stages × 100 (0 with no stages).
	ProgressPercentage int            `json:"progressPercentage"`
	Stages             []ProcessStage `json:"stages"`
	LoanPurpose        *string        `json:"loanPurpose"`
	// AUD.
	LoanAmount       *float64         `json:"loanAmount"`
	LoanFee          *float64         `json:"loanFee"`
	LoanTotalPayable *float64         `json:"loanTotalPayable"`
	LoanTermDays     *float64         `json:"loanTermDays"`
	Flags            ApplicationFlags `json:"flags"`
	SubmittedAt      *time.Time       `json:"submittedAt"`
	UpdatedAt        time.Time        `json:"updatedAt"`
	// The merged producer ApplicationDetail (never tax fields). Shown generically.
	Detail map[string]any `json:"detail" tstype:"JsonObject"`
}

// ApplicationDetail is an application's page.
type ApplicationDetail struct {
	Application Application      `json:"application"`
	Customer    *CustomerProfile `json:"customer"`
	// Newest first.
	Conversations []ConversationCard `json:"conversations"`
	// The application's own (contract §3), the same the conversation screen shows.
	Assessments []Assessment       `json:"assessments"`
	Noticeboard []NoticeboardTopic `json:"noticeboard"`
}

// Thresholds are the idle times of the status rules, in seconds.
type Thresholds struct {
	// Idle seconds after which a conversation is "Paused" (default 180).
	PausedSeconds int64 `json:"pausedSeconds"`
	// Idle seconds after which it is "Soft End" (default 1200).
	SoftEndSeconds int64 `json:"softEndSeconds"`
	// Idle seconds after which it is "Hard End" (default 86400).
	HardEndSeconds int64 `json:"hardEndSeconds"`
}

func (t Thresholds) projection() projection.Thresholds {
	return projection.Thresholds{
		Paused:  time.Duration(t.PausedSeconds) * time.Second,
		SoftEnd: time.Duration(t.SoftEndSeconds) * time.Second,
		HardEnd: time.Duration(t.HardEndSeconds) * time.Second,
	}
}

// Settings are the desktop's connection settings.
type Settings struct {
	RedisURL      string `json:"redisUrl"`
	RedisUsername string `json:"redisUsername"`
	// Write-only. GetSettings/SaveSettings always return "". On SaveSettings a
	// non-empty value replaces the stored password; "" keeps the stored one when
	// hasRedisPassword is true and removes it when hasRedisPassword is false.
	RedisPassword string `json:"redisPassword"`
	// True when a password is stored (see redisPassword).
	HasRedisPassword bool `json:"hasRedisPassword"`
	RedisTLS         bool `json:"redisTls"`
	// Stream key, default "chatLedger".
	Stream string `json:"stream"`
	// Base URL of the backend HTTP API: required, it is where supervisors sign in.
	BackendURL string     `json:"backendUrl"`
	Thresholds Thresholds `json:"thresholds"`
	// True when an administrator set this desktop's Redis URL and stream instead of the
	// shared ones (only an administrator may turn it on or off).
	ConnectionOverride bool `json:"connectionOverride"`
}

// Event names.
const (
	EventBatch      = "ledger:batch"
	EventConnection = "ledger:connection"
)

// LedgerBatch is one coalesced live update, emitted every 50–100 ms while something
// changed (nothing is emitted when nothing changed). Any list may be empty. It stays
// small: cards and new messages, not details.
type LedgerBatch struct {
	// Cards of conversations that are new or changed in any way: messages, summary,
	// decision, end flag, and also assessments and noticeboard posts (the open
	// conversation view refetches its detail when its card appears here). At most one
	// card per conversation per batch (the latest). Status computed at emit time.
	Conversations []ConversationCard `json:"conversations"`
	// New transcript messages, in stream order.
	Messages []LiveMessage `json:"messages"`
	// Application numbers whose detail changed.
	Applications []string `json:"applications"`
	// Customer ids whose profile changed.
	Customers []string `json:"customers"`
}
