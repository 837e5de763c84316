package supervisor

// Display names. Until the producer sends a customer's name (the name step comes some
// way into a conversation), a card or a customers row names the customer by the best
// thing known, in this order:
//   - the name the assistant addressed them by in its latest message that does
//     ("Are you still there, Konstantinos?", "Thanks Priya."): the producer's own words;
//   - the loan: amount and purpose ("$400.00 · Car registration");
//   - the customer id.
// Every screen's rows come through here (grid pages, live cards, a customer's or an
// application's conversations, search results, the customers list), so they agree.

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// NameSource says where a display name came from.
type NameSource string

const (
	NameFromProfile NameSource = "profile" // the customer's name as sent
	NameFromMessage NameSource = "message" // how the assistant addressed them
	NameFromLoan    NameSource = "loan"    // no name: amount and purpose
	NameFromID      NameSource = "id"      // no name, no loan: the customer id
	NameNone        NameSource = "none"    // nothing known yet
)

// addressedRe finds a vocative: one or two capitalised words after a comma or a
// greeting, ended by punctuation ("…, Konstantinos?", "Thanks Priya.", "Hi Mary Ann,").
var addressedRe = regexp.MustCompile(`(?:,\s*|\b(?:Thanks|Thank you|Hi|Hello|Hey|Dear|Welcome back|Sorry)\s*,?\s+)` +
	`(\p{Lu}[\p{L}'’-]*\p{Ll}(?:\s\p{Lu}[\p{L}'’-]*\p{Ll})?)\s*[?.!,]`)

// notNames are capitalised words that stand where a name would and are not one.
var notNames = map[string]bool{
	"billie": true, "i": true, "i'm": true, "i’m": true, "i'll": true, "i’ll": true, "i've": true, "i’ve": true,
	"thanks": true, "thank": true, "please": true, "sir": true, "madam": true, "mate": true, "everyone": true,
	"there": true, "today": true, "tomorrow": true, "yesterday": true, "yes": true, "no": true, "ok": true,
	"okay": true, "great": true, "sorry": true, "hello": true, "hi": true, "welcome": true, "again": true,
	"team": true, "friend": true, "customer": true, "australia": true, "medicare": true, "passport": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true,
	"sunday": true, "january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"perfect": true, "done": true, "sure": true, "also": true, "however": true, "unfortunately": true,
	"then": true, "next": true, "now": true, "well": true, "good": true, "right": true, "cheers": true,
}

// AddressedName is the name an assistant message addresses the customer by, "" when
// it addresses nobody by name. The first vocative wins; a word that is no name
// (Billie, a weekday, "Thanks") is no vocative.
func AddressedName(text string) string {
	for _, m := range addressedRe.FindAllStringSubmatch(text, -1) {
		name := m[1]
		ok := true
		for _, w := range strings.Fields(name) {
			if notNames[strings.ToLower(w)] || len([]rune(w)) < 2 {
				ok = false
				break
			}
		}
		if ok {
			return name
		}
	}
	return ""
}

// loanLabel names a customer by their loan: "$400.00 · Car registration", either part
// alone when the other is unknown, "" when neither is.
func loanLabel(amount sql.NullFloat64, purpose string) string {
	purpose = strings.TrimSpace(purpose)
	var parts []string
	if amount.Valid && amount.Float64 > 0 {
		parts = append(parts, FormatAUD(amount.Float64))
	}
	if purpose != "" {
		parts = append(parts, upperFirst(purpose))
	} else if len(parts) > 0 {
		parts[0] += " loan"
	}
	return strings.Join(parts, " · ")
}

func upperFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// FormatAUD writes dollars the way the window does (en-AU currency): "$1,234.50".
func FormatAUD(v float64) string {
	neg := v < 0
	cents := int64(math.Round(math.Abs(v) * 100))
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := "$" + b.String() + "." + strconv.FormatInt(100+cents%100, 10)[1:]
	if neg {
		return "-" + out
	}
	return out
}

// nameCandidate is what is known about one nameless card or row.
type nameCandidate struct {
	customerID string
	appNumber  string
	purpose    string
	display    *string
	source     *NameSource
}

// fillCardNames sets every card's display name.
func (s *Queries) fillCardNames(ctx context.Context, cards []ConversationCard) error {
	var nameless []int
	for i := range cards {
		c := &cards[i]
		if c.CustomerName != "" {
			c.DisplayName, c.NameSource = c.CustomerName, NameFromProfile
			continue
		}
		nameless = append(nameless, i)
	}
	if len(nameless) == 0 {
		return nil
	}
	ids := make([]string, len(nameless))
	cands := make(map[string]*nameCandidate, len(nameless))
	for j, i := range nameless {
		c := &cards[i]
		ids[j] = c.ID
		cands[c.ID] = &nameCandidate{customerID: c.CustomerID, appNumber: c.ApplicationNumber, purpose: c.Purpose,
			display: &c.DisplayName, source: &c.NameSource}
	}
	// Newest first, so each conversation's latest vocative is met first.
	err := s.addressedNames(ctx, `SELECT m.conversation_id, m.text FROM messages m
		WHERE m.conversation_id IN (SELECT value FROM json_each(?)) AND m.sender = 'assistant'
		ORDER BY m.conversation_id, m.at DESC, m.id DESC`, ids, cands)
	if err != nil {
		return err
	}
	return s.loanNames(ctx, cands, func(c *nameCandidate) string { return c.appNumber },
		`SELECT a.number, a.loan_amount, COALESCE(json_extract(a.doc, '$.detail.loanPurpose'), '')
		FROM applications a WHERE a.number IN (SELECT value FROM json_each(?))`)
}

// fillCustomerNames sets every customers row's display name: for a nameless customer,
// from the messages of their conversations, else their latest application's loan.
func (s *Queries) fillCustomerNames(ctx context.Context, rows []CustomerRow) error {
	cands := map[string]*nameCandidate{}
	var ids []string
	for i := range rows {
		r := &rows[i]
		if r.Name != "" {
			r.DisplayName, r.NameSource = r.Name, NameFromProfile
			continue
		}
		ids = append(ids, r.ID)
		cands[r.ID] = &nameCandidate{customerID: r.ID, display: &r.DisplayName, source: &r.NameSource}
	}
	if len(ids) == 0 {
		return nil
	}
	err := s.addressedNames(ctx, `SELECT v.customer_id, m.text FROM conversations v
		JOIN messages m ON m.conversation_id = v.id
		WHERE v.customer_id IN (SELECT value FROM json_each(?)) AND m.sender = 'assistant'
		ORDER BY v.customer_id, m.at DESC, m.id DESC`, ids, cands)
	if err != nil {
		return err
	}
	return s.loanNames(ctx, cands, func(c *nameCandidate) string { return c.customerID },
		`SELECT a.customer_id, a.loan_amount, COALESCE(json_extract(a.doc, '$.detail.loanPurpose'), '')
		FROM applications a WHERE a.customer_id IN (SELECT value FROM json_each(?))
		ORDER BY a.updated_at DESC`)
}

// addressedNames reads (key, assistant text) rows, each key's newest first, and names
// each candidate by the first vocative found.
func (s *Queries) addressedNames(ctx context.Context, query string, keys []string, cands map[string]*nameCandidate) error {
	list, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, query, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key, text string
		if err := rows.Scan(&key, &text); err != nil {
			return err
		}
		c := cands[key]
		if c == nil || *c.source != "" {
			continue
		}
		if n := AddressedName(text); n != "" {
			*c.display, *c.source = n, NameFromMessage
		}
	}
	return rows.Err()
}

// loanNames names the candidates still nameless by a loan (the first row of each key),
// else by their customer id.
func (s *Queries) loanNames(ctx context.Context, cands map[string]*nameCandidate, keyOf func(*nameCandidate) string, query string) error {
	byKey := map[string][]*nameCandidate{}
	var keys []string
	for _, c := range cands {
		if *c.source != "" {
			continue
		}
		if k := keyOf(c); k != "" {
			if _, seen := byKey[k]; !seen {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], c)
		}
	}
	if len(keys) > 0 {
		list, err := json.Marshal(keys)
		if err != nil {
			return err
		}
		rows, err := s.db.QueryContext(ctx, query, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key, purpose string
			var amount sql.NullFloat64
			if err := rows.Scan(&key, &amount, &purpose); err != nil {
				return err
			}
			for _, c := range byKey[key] {
				if *c.source != "" {
					continue
				}
				if c.purpose != "" && purpose == "" {
					purpose = c.purpose
				}
				if l := loanLabel(amount, purpose); l != "" {
					*c.display, *c.source = l, NameFromLoan
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, c := range cands {
		switch {
		case *c.source != "":
		case c.customerID != "":
			*c.display, *c.source = c.customerID, NameFromID
		default:
			*c.display, *c.source = "", NameNone
		}
	}
	return nil
}
