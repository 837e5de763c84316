package supervisor

// Needs attention: the conversations a supervisor should look at now, each with the
// reasons why, decided by rules over the read models. Only conversations active within
// the attention window (AttentionWindow, a day) are considered, and of those only the
// ones a rule could flag, read from the facts the supervisor migrations' triggers keep
// (attention_facts), so the view costs what the last day's candidates hold, not what
// the cache holds, and parses no document.

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

// attentionSQL reads the facts of the conversations active since ?1 that a rule could
// flag: the candidates (attention_facts.candidate: open, decided against, ended by the
// customer, or with an assessment that is not a plain pass) and those whose customer
// has a document that expired before ?2 (today), each from its own partial index. The
// facts are kept by the supervisor migrations' triggers (0003), so nothing here parses
// a document but the expired documents' short list.
const attentionSQL = factsSelect + `
	WHERE f.rowid IN (SELECT rowid FROM attention_facts INDEXED BY attention_candidates
			WHERE candidate AND last_activity_at >= ?1
		UNION SELECT rowid FROM attention_facts INDEXED BY attention_expiry
			WHERE earliest_expiry IS NOT NULL AND earliest_expiry < ?2 AND last_activity_at >= ?1)`

// factsSelect reads the facts the rules need (scanAttention), ?2 being today.
const factsSelect = `SELECT f.id, f.decision, f.ended, f.last_message_at, f.last_activity_at, f.last_sender,
	f.fraud, f.identity, f.sanctions, f.pep, f.c_fraud, f.c_identity, f.c_sanctions, f.c_pep,
	f.step, f.stage, f.offer_accepted,
	CASE WHEN f.earliest_expiry < ?2 THEN (SELECT json_group_array(d.value ->> 0)
		FROM attention_customers cu, json_each(cu.documents) d WHERE cu.id = f.customer_id AND d.value ->> 1 < ?2) END
	FROM attention_facts f`

// scanAttention reads one row of attentionSQL into the facts the rules read.
func scanAttention(rows *sql.Rows) (id string, f AttentionFacts, err error) {
	var lastMsg sql.NullInt64
	var activity int64
	var fraud, identity, sanctions, pep, cFraud, cIdentity, cSanctions, cPEP string
	var expired sql.NullString
	err = rows.Scan(&id, &f.Decision, &f.Ended, &lastMsg, &activity, &f.LastSender,
		&fraud, &identity, &sanctions, &pep, &cFraud, &cIdentity, &cSanctions, &cPEP,
		&f.ProcessStep, &f.ProcessStage, &f.OfferAccepted, &expired)
	if err != nil {
		return "", f, err
	}
	if lastMsg.Valid {
		f.LastMessageAt = time.UnixMilli(lastMsg.Int64)
	}
	f.LastActivityAt = time.UnixMilli(activity)
	// The application's assessments win; the conversation's stand in until it has one.
	f.FraudResult = cmp.Or(fraud, cFraud)
	f.IdentityResult = cmp.Or(identity, cIdentity)
	f.Sanctions = cmp.Or(sanctions, cSanctions)
	f.PEP = cmp.Or(pep, cPEP)
	if expired.Valid {
		var docs []*string
		if err := json.Unmarshal([]byte(expired.String), &docs); err != nil {
			return "", f, fmt.Errorf("expired documents of %s: %w", id, err)
		}
		for _, d := range docs {
			if d == nil {
				f.ExpiredDocs = append(f.ExpiredDocs, "")
			} else {
				f.ExpiredDocs = append(f.ExpiredDocs, *d)
			}
		}
	}
	return id, f, nil
}

// NeedsAttention lists the conversations needing attention at now, most urgent first
// (by their most urgent reason, then the most recently active), at most limit of them,
// and how many there are in all.
func (s *Queries) NeedsAttention(ctx context.Context, now time.Time, th projection.Thresholds, limit int) ([]AttentionItem, int, error) {
	limit = clampLimit(limit)
	today := now.UTC().Format("2006-01-02")
	rows, err := s.db.QueryContext(ctx, attentionSQL, now.Add(-AttentionWindow).UnixMilli(), today)
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
		id, f, err := scanAttention(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("needs attention: %w", err)
		}
		if r := AttentionReasons(f, now, th); len(r) > 0 {
			all = append(all, found{id: id, activity: f.LastActivityAt.UnixMilli(), reasons: r})
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
	cards, err := s.cardsByID(ctx, ids, now, th, false)
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
			c.Attention = f.reasons
			items = append(items, AttentionItem{Card: c, Reasons: f.reasons})
		}
	}
	return items, total, nil
}

// cardsAttentionSQL reads the facts of the conversations listed in ?3 (a JSON array)
// active since ?1: the cards of any page carry their own reasons, so a flag never
// depends on the card being among the view's first items.
const cardsAttentionSQL = factsSelect + `
	WHERE f.id IN (SELECT value FROM json_each(?3)) AND f.last_activity_at >= ?1`

// fillAttention sets each card's reasons for attention at now.
func (s *Queries) fillAttention(ctx context.Context, cards []ConversationCard, now time.Time, th projection.Thresholds) error {
	if len(cards) == 0 {
		return nil
	}
	ids := make([]string, len(cards))
	at := make(map[string]int, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
		at[c.ID] = i
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, cardsAttentionSQL, now.Add(-AttentionWindow).UnixMilli(),
		now.UTC().Format("2006-01-02"), string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		id, f, err := scanAttention(rows)
		if err != nil {
			return err
		}
		cards[at[id]].Attention = AttentionReasons(f, now, th)
	}
	return rows.Err()
}
