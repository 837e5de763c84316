package supervisor

// Needs attention: the conversations a supervisor should look at now, each with the
// reasons why, decided by rules over the read models. Only conversations active within
// the attention window (AttentionWindow, a day) are considered, read through the
// activity index (the supervisor migrations), so the view costs what the last day
// holds, not what the cache holds.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// AttentionWindow is how far back activity counts: older conversations are history.
const AttentionWindow = 24 * time.Hour

// WaitingAfter is how long a customer's message may go unanswered before the
// conversation needs attention.
const WaitingAfter = 30 * time.Second

// Reason codes, most urgent first (the order of AttentionRank).
const (
	ReasonWaiting         = "waiting"           // the customer's message has had no reply
	ReasonFraud           = "fraud"             // the fraud check is not low risk
	ReasonIdentity        = "identity"          // identity referred or failed, sanctions match, PEP
	ReasonOfferSilence    = "offer_silence"     // no reply since the offer
	ReasonExpiredDocument = "expired_document"  // an identity document has expired
	ReasonDeclined        = "declined"          // the application was declined
	ReasonEndedByCustomer = "ended_by_customer" // the customer ended or withdrew
)

// AttentionRank orders reasons, most urgent first.
var AttentionRank = []string{ReasonWaiting, ReasonFraud, ReasonIdentity, ReasonOfferSilence,
	ReasonExpiredDocument, ReasonDeclined, ReasonEndedByCustomer}

// Reason is one cause for attention, in plain words.
type Reason struct {
	Code  string
	Label string
}

// AttentionItem is a conversation needing attention and why.
type AttentionItem struct {
	Card    ConversationCard
	Reasons []Reason
}

// AttentionFacts are what the rules read about one conversation.
type AttentionFacts struct {
	Decision       string // as sent
	Ended          bool
	LastSender     string // "customer", "assistant", "" without messages
	LastMessageAt  time.Time
	LastActivityAt time.Time
	FraudResult    string // e.g. LOW_RISK, HIGH_RISK
	IdentityResult string // PASS, FAIL, REFER
	Sanctions      string // CLEAR, POTENTIAL_MATCH
	PEP            string // NOT_PEP, PEP
	ProcessStep    string // the application's current process step
	ProcessStage   string
	OfferAccepted  bool
	ExpiredDocs    []string // the types of expired identity documents
}

func (f AttentionFacts) open() bool {
	d := strings.ToUpper(f.Decision)
	return d != "APPROVED" && d != "DECLINED" && d != "WITHDRAWN" && !f.Ended
}

// AttentionReasons applies the rules to one conversation at now, most urgent first.
func AttentionReasons(f AttentionFacts, now time.Time, th projection.Thresholds) []Reason {
	var out []Reason
	idle := now.Sub(f.LastMessageAt)
	if f.open() && f.LastSender == "customer" && idle >= WaitingAfter {
		out = append(out, Reason{ReasonWaiting, "Customer waiting for a reply for " + shortDuration(idle)})
	}
	if r := strings.ToUpper(f.FraudResult); r != "" && r != "LOW_RISK" && r != "CLEAR" && r != "PASS" {
		out = append(out, Reason{ReasonFraud, "Fraud check: " + plainCode(r)})
	}
	var id []string
	if r := strings.ToUpper(f.IdentityResult); r != "" && r != "PASS" {
		id = append(id, "identity "+plainCode(r))
	}
	if r := strings.ToUpper(f.Sanctions); r != "" && r != "CLEAR" {
		id = append(id, "sanctions "+plainCode(r))
	}
	if strings.ToUpper(f.PEP) == "PEP" {
		id = append(id, "politically exposed person")
	}
	if len(id) > 0 {
		out = append(out, Reason{ReasonIdentity, upperFirst(strings.Join(id, ", "))})
	}
	atOffer := strings.EqualFold(f.ProcessStep, "product_offer") || strings.EqualFold(f.ProcessStage, "offer")
	if f.open() && atOffer && !f.OfferAccepted && f.LastSender == "assistant" && idle >= th.Paused {
		out = append(out, Reason{ReasonOfferSilence, "No reply for " + shortDuration(idle) + " after the offer"})
	}
	for _, d := range f.ExpiredDocs {
		out = append(out, Reason{ReasonExpiredDocument, docName(d) + " expired"})
	}
	switch d := strings.ToUpper(f.Decision); {
	case d == "DECLINED":
		out = append(out, Reason{ReasonDeclined, "Declined"})
	case d == "WITHDRAWN":
		out = append(out, Reason{ReasonEndedByCustomer, "Withdrawn by the customer"})
	case f.Ended && f.LastSender == "customer" && d != "APPROVED":
		out = append(out, Reason{ReasonEndedByCustomer, "Ended by the customer"})
	}
	return out
}

func plainCode(c string) string {
	switch c {
	case "HIGH_RISK":
		return "high risk"
	case "MEDIUM_RISK":
		return "medium risk"
	case "REFER":
		return "referred"
	case "FAIL", "FAILED":
		return "failed"
	case "POTENTIAL_MATCH":
		return "potential match"
	}
	return strings.ToLower(strings.ReplaceAll(c, "_", " "))
}

func docName(t string) string {
	switch strings.ToUpper(t) {
	case "DRIVERS_LICENCE":
		return "Driver licence"
	case "PASSPORT":
		return "Passport"
	case "MEDICARE":
		return "Medicare card"
	case "":
		return "Identity document"
	}
	return upperFirst(strings.ToLower(strings.ReplaceAll(t, "_", " ")))
}

// shortDuration writes "45s", "5m", "3h 4m", "2d 5h", as the window does.
func shortDuration(d time.Duration) string {
	s := max(int64(d/time.Second), 0)
	if s < 60 {
		return fmt.Sprintf("%ds", s)
	}
	m := s / 60
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	h := m / 60
	if h < 24 {
		if m%60 != 0 {
			return fmt.Sprintf("%dh %dm", h, m%60)
		}
		return fmt.Sprintf("%dh", h)
	}
	if h%24 != 0 {
		return fmt.Sprintf("%dd %dh", h/24, h%24)
	}
	return fmt.Sprintf("%dd", h/24)
}

func rankOf(code string) int { return slices.Index(AttentionRank, code) }

// riskMarks is true when a document may hold a flagged assessment: a byte search for
// the producer's flag codes, far cheaper than parsing the JSON. It may say yes for a
// flag in an earlier value (the JSON then decides); it says no only when no flag code
// is there at all.
func riskMarks(doc string) string {
	var parts []string
	for _, code := range []string{"HIGH_RISK", "MEDIUM_RISK", `"REFER"`, `"FAIL`, "POTENTIAL_MATCH", `"PEP"`} {
		parts = append(parts, "instr("+doc+", '"+code+"') > 0")
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// deepSQL says which conversations of the window need their JSON read: the undecided
// (open or ended: waiting, silence after the offer, ended by the customer, and any
// flag) and those whose application or own document may hold a flag. A decided
// conversation without a flag code needs only its columns (declined, withdrawn).
var deepSQL = "(upper(c.decision) NOT IN ('APPROVED', 'DECLINED', 'WITHDRAWN') OR c.ended_at IS NOT NULL OR " +
	riskMarks("a.doc") + " OR " + riskMarks("c.doc") + ")"

// attentionSQL reads, for every conversation active since ? that any rule could
// flag, the facts the rules need, each document parsed once (a json_extract of several
// paths answers a JSON array): from the conversation its last sender and the
// assessments it holds until it learns its application number; from the application
// its assessments, process step and offer acceptance; from the customer the documents
// past their expiry date. Approved conversations without a flag code are not read.
var attentionSQL = `SELECT c.id, c.decision, c.ended_at IS NOT NULL, c.last_message_at, c.last_activity_at,
	CASE WHEN ` + deepSQL + ` THEN json_extract(c.doc, '$.lastMessage.sender', '$.assessments.fraudCheck.value.result',
		'$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
		'$.assessments.identityRisk.value.pepResult') END,
	CASE WHEN a.doc IS NOT NULL AND ` + deepSQL + ` THEN json_extract(a.doc, '$.assessments.fraudCheck.value.result',
		'$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
		'$.assessments.identityRisk.value.pepResult', '$.detail.applicationProcess.currentProcessStep',
		'$.detail.applicationProcess.currentProcessStage', '$.detail.productOfferAcceptance') END,
	CASE WHEN ` + deepSQL + ` THEN (SELECT json_group_array(json_extract(d.value, '$.document_type'))
		FROM json_each(cu.doc, '$.documents') d WHERE json_extract(d.value, '$.expiry_date') < ?) END
	FROM conversations c INDEXED BY conversations_activity
	LEFT JOIN applications a ON a.number = c.application_number AND c.application_number != ''
	LEFT JOIN customers cu ON cu.id = c.customer_id AND c.customer_id != ''
	WHERE c.last_activity_at >= ? AND (upper(c.decision) IN ('DECLINED', 'WITHDRAWN') OR ` + deepSQL + `)`

// jsonValues decodes a json_extract of several paths; nil when there is none.
func jsonValues(s sql.NullString) []any {
	var v []any
	if s.Valid {
		_ = json.Unmarshal([]byte(s.String), &v)
	}
	return v
}

// text is the i-th value as a string ("" when absent or not a string).
func text(v []any, i int) string {
	if i < len(v) {
		if s, ok := v[i].(string); ok {
			return s
		}
	}
	return ""
}

// NeedsAttention lists the conversations needing attention at now, most urgent first
// (by their most urgent reason, then the most recently active), at most limit of them,
// and how many there are in all.
func (s *Queries) NeedsAttention(ctx context.Context, now time.Time, th projection.Thresholds, limit int) ([]AttentionItem, int, error) {
	limit = clampLimit(limit)
	today := now.UTC().Format("2006-01-02")
	rows, err := s.db.QueryContext(ctx, attentionSQL, today, now.Add(-AttentionWindow).UnixMilli())
	if err != nil {
		return nil, 0, fmt.Errorf("needs attention: %w", err)
	}
	type found struct {
		id       string
		activity int64
		reasons  []Reason
	}
	var all []found
	for rows.Next() {
		var f AttentionFacts
		var id string
		var lastMsg sql.NullInt64
		var activity int64
		var conv, app, expired sql.NullString
		if err := rows.Scan(&id, &f.Decision, &f.Ended, &lastMsg, &activity, &conv, &app, &expired); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("needs attention: %w", err)
		}
		if lastMsg.Valid {
			f.LastMessageAt = time.UnixMilli(lastMsg.Int64)
		}
		f.LastActivityAt = time.UnixMilli(activity)
		cv, av := jsonValues(conv), jsonValues(app)
		f.LastSender = text(cv, 0)
		// The application's assessments win; the conversation's stand in until it has one.
		f.FraudResult = cmp.Or(text(av, 0), text(cv, 1))
		f.IdentityResult = cmp.Or(text(av, 1), text(cv, 2))
		f.Sanctions = cmp.Or(text(av, 2), text(cv, 3))
		f.PEP = cmp.Or(text(av, 3), text(cv, 4))
		f.ProcessStep, f.ProcessStage = text(av, 4), text(av, 5)
		if len(av) > 6 {
			f.OfferAccepted = av[6] == true || av[6] == float64(1)
		}
		for _, d := range jsonValues(expired) {
			t, _ := d.(string)
			f.ExpiredDocs = append(f.ExpiredDocs, t)
		}
		if r := AttentionReasons(f, now, th); len(r) > 0 {
			all = append(all, found{id: id, activity: activity, reasons: r})
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, 0, fmt.Errorf("needs attention: %w", err)
	}
	rows.Close()
	slices.SortFunc(all, func(a, b found) int {
		return cmp.Or(cmp.Compare(rankOf(a.reasons[0].Code), rankOf(b.reasons[0].Code)),
			cmp.Compare(b.activity, a.activity), strings.Compare(a.id, b.id))
	})
	total := len(all)
	all = all[:min(len(all), limit)]
	ids := make([]string, len(all))
	for i, f := range all {
		ids[i] = f.id
	}
	cards, err := s.CardsByID(ctx, ids, now, th)
	if err != nil {
		return nil, 0, fmt.Errorf("needs attention: %w", err)
	}
	byID := make(map[string]ConversationCard, len(cards))
	for _, c := range cards {
		byID[c.ID] = c
	}
	items := make([]AttentionItem, 0, len(all))
	for _, f := range all {
		if c, ok := byID[f.id]; ok {
			items = append(items, AttentionItem{Card: c, Reasons: f.reasons})
		}
	}
	return items, total, nil
}
