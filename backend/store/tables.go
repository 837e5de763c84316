package store

import (
	"strings"

	tw "github.com/billie/supervisor/backend/store/internal/txwriter"
)

// The rows a batch writes, one type per table, and each table's columns named with
// the field they take: the statements and their values come from the same lists.

// conversationRow is a conversations row. Times are Unix milliseconds; the ones that
// may be absent are nil then.
type conversationRow struct {
	id                         string
	startedAt, lastActivityAt  int64
	lastMessageAt, endedAt     any
	decision                   string // upper case
	customerID, applicationNum string
	messageCount               int
	version                    int64
	doc                        []byte
	// firstPos and lastPos are the span of the conversation's entries in this batch's
	// archive (nil without); the statement widens the stored span to them.
	firstPos, lastPos any
	// firstMessage and lastMessage are the span of the batch's message ids, which the
	// writer fills in once it has numbered the messages (nil without).
	firstMessage, lastMessage any
}

var conversationsTable = tw.NewTable("conversations", `ON CONFLICT (id) DO UPDATE SET
		started_at = excluded.started_at, last_activity_at = excluded.last_activity_at,
		last_message_at = excluded.last_message_at, ended_at = excluded.ended_at, decision = excluded.decision,
		customer_id = excluded.customer_id, application_number = excluded.application_number,
		message_count = excluded.message_count, version = excluded.version, doc = excluded.doc,
		first_pos = min(coalesce(first_pos, excluded.first_pos), coalesce(excluded.first_pos, first_pos)),
		last_pos = max(coalesce(last_pos, excluded.last_pos), coalesce(excluded.last_pos, last_pos)),
		first_message = coalesce(first_message, excluded.first_message),
		last_message = coalesce(excluded.last_message, last_message)`,
	tw.Col("id", func(r *conversationRow) any { return r.id }),
	tw.Col("started_at", func(r *conversationRow) any { return r.startedAt }),
	tw.Col("last_activity_at", func(r *conversationRow) any { return r.lastActivityAt }),
	tw.Col("last_message_at", func(r *conversationRow) any { return r.lastMessageAt }),
	tw.Col("ended_at", func(r *conversationRow) any { return r.endedAt }),
	tw.Col("decision", func(r *conversationRow) any { return r.decision }),
	tw.Col("customer_id", func(r *conversationRow) any { return r.customerID }),
	tw.Col("application_number", func(r *conversationRow) any { return r.applicationNum }),
	tw.Col("message_count", func(r *conversationRow) any { return r.messageCount }),
	tw.Col("version", func(r *conversationRow) any { return r.version }),
	tw.Col("doc", func(r *conversationRow) any { return r.doc }),
	tw.Col("first_pos", func(r *conversationRow) any { return r.firstPos }),
	tw.Col("last_pos", func(r *conversationRow) any { return r.lastPos }),
	tw.Col("first_message", func(r *conversationRow) any { return r.firstMessage }),
	tw.Col("last_message", func(r *conversationRow) any { return r.lastMessage }),
)

func conversationKey(r *conversationRow) string { return r.id }

// messageRow is a messages row and its search index row. The writer gives it its id.
type messageRow struct {
	id                               int64
	conversationID, streamID, sender string
	text                             string
	seq                              any // nil when the event had none
	at                               int64
	doc                              []byte
}

var messagesTable = tw.NewTable("messages", "",
	tw.Col("id", func(r *messageRow) any { return r.id }),
	tw.Col("conversation_id", func(r *messageRow) any { return r.conversationID }),
	tw.Col("stream_id", func(r *messageRow) any { return r.streamID }),
	tw.Col("seq", func(r *messageRow) any { return r.seq }),
	tw.Col("sender", func(r *messageRow) any { return r.sender }),
	tw.Col("text", func(r *messageRow) any { return r.text }),
	tw.Col("at", func(r *messageRow) any { return r.at }),
	tw.Col("doc", func(r *messageRow) any { return r.doc }),
)

// messageWordsTable indexes a message's words under its id.
var messageWordsTable = tw.NewTable("messages_fts", "",
	tw.Col("rowid", func(r *messageRow) any { return r.id }),
	tw.Col("text", func(r *messageRow) any { return r.text }),
)

// applicationRow is an applications row.
type applicationRow struct {
	number, customerID, status, stage string
	loanAmount                        *float64
	updatedAt, version                int64
	doc                               []byte
}

var applicationsTable = tw.NewTable("applications", `ON CONFLICT (number) DO UPDATE SET
		customer_id = excluded.customer_id, status = excluded.status,
		stage = excluded.stage, loan_amount = excluded.loan_amount, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc`,
	tw.Col("number", func(r *applicationRow) any { return r.number }),
	tw.Col("customer_id", func(r *applicationRow) any { return r.customerID }),
	tw.Col("status", func(r *applicationRow) any { return r.status }),
	tw.Col("stage", func(r *applicationRow) any { return r.stage }),
	tw.Col("loan_amount", func(r *applicationRow) any { return r.loanAmount }),
	tw.Col("updated_at", func(r *applicationRow) any { return r.updatedAt }),
	tw.Col("version", func(r *applicationRow) any { return r.version }),
	tw.Col("doc", func(r *applicationRow) any { return r.doc }),
)

func applicationKey(r *applicationRow) string { return r.number }

// customerRow is a customers row; its search index row holds its id, name and email
// under its rowid.
type customerRow struct {
	id, name, firstName, lastName, email string
	updatedAt, version                   int64
	doc                                  []byte
	rowid                                int64 // the upsert's, for the index row
}

// customersTable's upsert returns the row's rowid, for the search index.
var customersTable = tw.NewTable("customers", `ON CONFLICT (id) DO UPDATE SET
		name = excluded.name, first_name = excluded.first_name,
		last_name = excluded.last_name, email = excluded.email, updated_at = excluded.updated_at,
		version = excluded.version, doc = excluded.doc
		RETURNING rowid`,
	tw.Col("id", func(r *customerRow) any { return r.id }),
	tw.Col("name", func(r *customerRow) any { return r.name }),
	tw.Col("first_name", func(r *customerRow) any { return r.firstName }),
	tw.Col("last_name", func(r *customerRow) any { return r.lastName }),
	tw.Col("email", func(r *customerRow) any { return r.email }),
	tw.Col("updated_at", func(r *customerRow) any { return r.updatedAt }),
	tw.Col("version", func(r *customerRow) any { return r.version }),
	tw.Col("doc", func(r *customerRow) any { return r.doc }),
)

var customerWordsTable = tw.NewTable("customers_fts", "",
	tw.Col("rowid", func(r *customerRow) any { return r.rowid }),
	tw.Col("id", func(r *customerRow) any { return r.id }),
	tw.Col("name", func(r *customerRow) any { return r.name }),
	tw.Col("email", func(r *customerRow) any { return r.email }),
)

// portalApplicationRow is a portal_applications row.
type portalApplicationRow struct {
	customerID, applicationID string
	lastUpdateAt, version     int64
	doc                       []byte
}

var portalApplicationsTable = tw.NewTable("portal_applications", `ON CONFLICT (customer_id, application_id) DO UPDATE SET
		last_update_at = excluded.last_update_at, version = excluded.version, doc = excluded.doc`,
	tw.Col("customer_id", func(r *portalApplicationRow) any { return r.customerID }),
	tw.Col("application_id", func(r *portalApplicationRow) any { return r.applicationID }),
	tw.Col("last_update_at", func(r *portalApplicationRow) any { return r.lastUpdateAt }),
	tw.Col("version", func(r *portalApplicationRow) any { return r.version }),
	tw.Col("doc", func(r *portalApplicationRow) any { return r.doc }),
)

func portalApplicationKey(r *portalApplicationRow) string { return r.applicationID }

// portalConversationRow is a portal_conversations row.
type portalConversationRow struct {
	customerID, conversationID string
	lastMessageAt              any // nil without messages
	startedAt, version         int64
	doc                        []byte
}

var portalConversationsTable = tw.NewTable("portal_conversations", `ON CONFLICT (customer_id, conversation_id) DO UPDATE SET
		last_message_at = excluded.last_message_at, started_at = excluded.started_at,
		version = excluded.version, doc = excluded.doc`,
	tw.Col("customer_id", func(r *portalConversationRow) any { return r.customerID }),
	tw.Col("conversation_id", func(r *portalConversationRow) any { return r.conversationID }),
	tw.Col("last_message_at", func(r *portalConversationRow) any { return r.lastMessageAt }),
	tw.Col("started_at", func(r *portalConversationRow) any { return r.startedAt }),
	tw.Col("version", func(r *portalConversationRow) any { return r.version }),
	tw.Col("doc", func(r *portalConversationRow) any { return r.doc }),
)

func portalConversationKey(r *portalConversationRow) string { return r.conversationID }

// eventRow is an archived entry: its position, outcome, and the archive's columns
// as archiveRow gives them, in archiveColumns order.
type eventRow struct {
	pos      int64
	outcome  string
	archived []any
}

var eventsTable = tw.NewTable("events", "", eventColumns()...)

func eventColumns() []tw.Column[eventRow] {
	cols := []tw.Column[eventRow]{
		tw.Col("pos", func(r *eventRow) any { return r.pos }),
		tw.Col("outcome", func(r *eventRow) any { return r.outcome }),
	}
	for i, name := range strings.Split(archiveColumns, ", ") {
		cols = append(cols, tw.Col(name, func(r *eventRow) any { return r.archived[i] }))
	}
	return cols
}
