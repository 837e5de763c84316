package app

// The Operations screens' part of the desktop contract (admins only): what the app's
// ops bindings return to the window. The shapes follow the backend's admin API
// (/api/admin/pipeline, dead-letters, rebuilds, audit; docs/api.md) field for field,
// because the app only passes them on; the conventions at the top of contract.go hold
// here too (lists [] not null, absent times null).
//
// Optional times are OptTime (ops.go): the backend may send null or "" for them, and
// the window always gets null.

import "time"

//tygo:emit
var _ = `
/** Where an alert's banner link goes (a screen of the Operations area). */
export type OpsScreen = 'pipeline' | 'dead-letters' | 'rebuilds' | 'desktops' | 'audit';

/** A circuit breaker's state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** How bad a firing alert is. */
export type AlertSeverity = 'warning' | 'critical';

/** A rebuild or replay job's state. */
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Where a rebuild reads from. */
export type RebuildSource = 'archive' | 'stream';

/** One original field of a dead letter: [name, value]. */
export type FieldPair = [string, string];

/** The window of the pipeline's history. */
export type HistoryWindow = '1h' | '24h';
`

// Pipeline is the backend's health at one moment (GET /api/admin/pipeline).
type Pipeline struct {
	At          time.Time        `json:"at"`
	Redis       Reachability     `json:"redis"`
	Database    DatabaseHealth   `json:"database"`
	Stream      StreamInfo       `json:"stream"`
	Projection  ProjectionHealth `json:"projection"`
	Breakers    []Breaker        `json:"breakers"`
	DeadLetters DeadLetterCount  `json:"deadLetters"`
	Rebuild     *RebuildJob      `json:"rebuild"`
	Desktops    []DesktopReport  `json:"desktops"`
	Alerts      []Alert          `json:"alerts"`
}

// Reachability is whether a dependency answered, and how fast.
type Reachability struct {
	OK    bool    `json:"ok"`
	RttMs float64 `json:"rttMs"`
	Error string  `json:"error"`
}

// DatabaseHealth is the backend database's reachability and sizes.
type DatabaseHealth struct {
	OK           bool    `json:"ok"`
	RttMs        float64 `json:"rttMs"`
	Error        string  `json:"error"`
	SizeBytes    int64   `json:"sizeBytes"`
	OpsSizeBytes int64   `json:"opsSizeBytes"`
}

// StreamInfo is the ledger stream: its length and first and last ids (the trim horizon).
type StreamInfo struct {
	Key     string `json:"key"`
	Length  int64  `json:"length"`
	FirstID string `json:"firstId" tstype:"StreamId"`
	LastID  string `json:"lastId" tstype:"StreamId"`
}

// ProjectionHealth is the backend projector's progress.
type ProjectionHealth struct {
	Group           string           `json:"group"`
	LeaseHolder     string           `json:"leaseHolder"`
	LastAppliedID   string           `json:"lastAppliedId" tstype:"StreamId"`
	Behind          int64            `json:"behind"`
	Pending         int64            `json:"pending"`
	Consumers       []ConsumerHealth `json:"consumers"`
	EventsPerSec1m  float64          `json:"eventsPerSec1m"`
	EventsPerSec15m float64          `json:"eventsPerSec15m"`
	Outcomes        map[string]int64 `json:"outcomes"`
	LastError       string           `json:"lastError"`
	LastErrorAt     OptTime          `json:"lastErrorAt" tstype:"IsoTime | null"`
}

// ConsumerHealth is one consumer of the projector's group.
type ConsumerHealth struct {
	Name    string `json:"name"`
	Pending int64  `json:"pending"`
	IdleMs  int64  `json:"idleMs"`
}

// Breaker is one circuit breaker.
type Breaker struct {
	Name  string `json:"name"`
	State string `json:"state" tstype:"BreakerState"`
}

// DeadLetterCount is how many entries are in the dead letters.
type DeadLetterCount struct {
	Count int64 `json:"count"`
}

// DesktopReport is a desktop's last report: its user, version, host and how far its
// cache is behind the stream.
type DesktopReport struct {
	User          string    `json:"user"`
	Name          string    `json:"name"`
	Version       string    `json:"version"`
	Host          string    `json:"host"`
	CachePosition string    `json:"cachePosition" tstype:"StreamId"`
	Behind        int64     `json:"behind"`
	ReportedAt    time.Time `json:"reportedAt"`
	// True when the desktop has not reported for a while.
	Stale bool `json:"stale"`
}

// Alert is a condition firing now; Screen is the Operations screen that helps.
type Alert struct {
	Name     string    `json:"name"`
	Severity string    `json:"severity" tstype:"AlertSeverity"`
	Summary  string    `json:"summary"`
	Since    time.Time `json:"since"`
	Runbook  string    `json:"runbook"`
	Screen   string    `json:"screen" tstype:"OpsScreen"`
}

// PipelineHistory is the per-minute series of a window (GET /api/admin/pipeline/history).
type PipelineHistory struct {
	Window string          `json:"window" tstype:"HistoryWindow"`
	Points []PipelinePoint `json:"points"`
}

// PipelinePoint is one minute of the pipeline's history.
type PipelinePoint struct {
	At                time.Time `json:"at"`
	EventsPerSec      float64   `json:"eventsPerSec"`
	Lag               int64     `json:"lag"`
	Errors            int64     `json:"errors"`
	DeadLetters       int64     `json:"deadLetters"`
	APIRequestsPerSec float64   `json:"apiRequestsPerSec"`
	APIP99Ms          float64   `json:"apiP99Ms"`
}

// DeadLetterQuery filters and pages the dead letters; empty fields filter nothing.
type DeadLetterQuery struct {
	Reason string `json:"reason"`
	Type   string `json:"type"`
	// RFC 3339 times, or "".
	Since  string `json:"since"`
	Until  string `json:"until"`
	Cursor string `json:"cursor"`
	Limit  int    `json:"limit"`
}

// DeadLetterFilter selects every dead letter that matches it.
type DeadLetterFilter struct {
	Reason string `json:"reason"`
	Type   string `json:"type"`
	Since  string `json:"since"`
	Until  string `json:"until"`
}

// DeadLetterSelection is what a retry or drop applies to: exactly one of ids, all,
// or filter.
type DeadLetterSelection struct {
	IDs    []string          `json:"ids,omitempty"`
	All    bool              `json:"all,omitempty"`
	Filter *DeadLetterFilter `json:"filter,omitempty"`
}

// DeadLetter is one entry the projector could not apply.
type DeadLetter struct {
	// The original stream entry's id.
	ID             string  `json:"id" tstype:"StreamId"`
	Type           string  `json:"type"`
	ConversationID string  `json:"conversationId"`
	Reason         string  `json:"reason"`
	Consumer       string  `json:"consumer"`
	DeadAt         OptTime `json:"deadAt" tstype:"IsoTime | null"`
	Retries        int64   `json:"retries"`
	LastRetryAt    OptTime `json:"lastRetryAt" tstype:"IsoTime | null"`
}

// DeadLetterPage is one page of dead letters; total counts every match.
type DeadLetterPage struct {
	Items      []DeadLetter `json:"items"`
	Total      int64        `json:"total"`
	NextCursor *string      `json:"nextCursor"`
}

// DeadLetterDetail is a dead letter with its original fields as [name, value] pairs,
// in stream order (tax values are removed by the backend).
type DeadLetterDetail struct {
	DeadLetter `tstype:",extends"`
	Fields     [][]string `json:"fields" tstype:"FieldPair[]"`
}

// RetryResult is what a retry did: applied entries left the dead letters, the others
// stayed with their new reason.
type RetryResult struct {
	Retried   int64          `json:"retried"`
	Applied   int64          `json:"applied"`
	StillDead int64          `json:"stillDead"`
	Results   []RetryOutcome `json:"results"`
}

// RetryOutcome is one entry's retry.
type RetryOutcome struct {
	ID     string `json:"id" tstype:"StreamId"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
}

// DropResult is how many dead letters were dropped (they stay in the audit log).
type DropResult struct {
	Dropped int64 `json:"dropped"`
}

// RebuildRequest starts a rebuild (no since and no conversation) or a replay.
type RebuildRequest struct {
	Source string `json:"source" tstype:"RebuildSource"`
	// An RFC 3339 time or a stream id; "" for everything.
	Since string `json:"since,omitempty"`
	// A conversation id; "" for every conversation.
	Conversation string `json:"conversation,omitempty"`
}

// RebuildJob is a rebuild or replay, running or finished.
type RebuildJob struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind" tstype:"'rebuild' | 'replay'"`
	Source       string  `json:"source" tstype:"RebuildSource"`
	Since        string  `json:"since"`
	Conversation string  `json:"conversation"`
	State        string  `json:"state" tstype:"JobState"`
	Done         int64   `json:"done"`
	Total        int64   `json:"total"`
	RatePerSec   float64 `json:"ratePerSec"`
	EtaSeconds   float64 `json:"etaSeconds"`
	Error        string  `json:"error"`
	StartedAt    OptTime `json:"startedAt" tstype:"IsoTime | null"`
	FinishedAt   OptTime `json:"finishedAt" tstype:"IsoTime | null"`
	StartedBy    string  `json:"startedBy"`
}

// AuditQuery filters and pages the audit log.
type AuditQuery struct {
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Cursor string `json:"cursor"`
	Limit  int    `json:"limit"`
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items      []AuditEntry `json:"items"`
	NextCursor *string      `json:"nextCursor"`
}

// AuditEntry is who did what, when.
type AuditEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}
