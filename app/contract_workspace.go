package app

// The workspace's contract (attention, search explanations, the jump palette): shapes
// the frontend sees, generated into frontend/src/api/contract.gen.ts with contract.go.

// MatchPart is a piece of a matched field; hit marks the words that matched.
type MatchPart struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit"`
}

// SearchMatch says why a conversation matched a search.
type SearchMatch struct {
	// "Name", "Email", "Customer id", "Application", "Decision", "Customer said",
	// "Assistant said", "Conversation id".
	Field string `json:"field"`
	// The text names it exactly (an email, a customer id, an application number).
	Exact bool        `json:"exact"`
	Parts []MatchPart `json:"parts"`
}

// AttentionReason is one cause for attention.
type AttentionReason struct {
	// waiting, fraud, identity, offer_silence, expired_document, declined, ended_by_customer.
	Code  string `json:"code"`
	Label string `json:"label"`
}

// AttentionItem is a conversation needing attention and why, most urgent reason first.
type AttentionItem struct {
	Card    ConversationCard  `json:"card"`
	Reasons []AttentionReason `json:"reasons"`
}

// AttentionPage is the "Needs attention" view: the most urgent items and how many in all.
type AttentionPage struct {
	Items []AttentionItem `json:"items"`
	Total int             `json:"total"`
}

// JumpResult is one result of the Ctrl-K palette.
type JumpResult struct {
	Kind string `json:"kind" tstype:"'conversation' | 'customer' | 'application'"`
	// The conversation or customer id, or the application number.
	ID       string `json:"id"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
}

// SavedView is a supervisor's saved grid filter: a search (scopes included) and a
// status. Each supervisor has their own, kept on this computer.
type SavedView struct {
	// 0 for a view not saved yet.
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Search string `json:"search"`
	// "" = any status.
	Status string `json:"status" tstype:"Status | ''"`
}

// Preferences are the signed-in supervisor's own choices, kept on this computer.
type Preferences struct {
	// Raise a desktop notification when a conversation starts needing attention.
	NotifyAttention bool `json:"notifyAttention"`
	// The conversation grid's density: "comfortable", "compact" or "wall" ("" when
	// saving: keep the stored one).
	Density string `json:"density" tstype:"'comfortable' | 'compact' | 'wall' | ''"`
}

// DesktopNotification is a notification the window asks the desktop to show.
type DesktopNotification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// The conversation a click opens; "" for a grouped one (a click opens the
	// "Needs attention" view).
	ConversationID string `json:"conversationId"`
}

// EventNotificationOpen is emitted when a desktop notification is clicked; its data is
// the notification's conversationId ("" for a grouped one).
const EventNotificationOpen = "notification:open"
