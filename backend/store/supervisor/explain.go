package supervisor

// Search that explains itself: scopes that limit a search to one source, exact matches
// (an email, a customer id, an application number, a conversation id) before the rest,
// and for each result the field that matched with the matching words marked.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Scope limits a search to one of its sources.
type Scope string

const (
	ScopeAll         Scope = ""
	ScopeName        Scope = "name" // the customer's name and email
	ScopeMessage     Scope = "msg"  // message text
	ScopeApplication Scope = "app"  // application numbers
)

// ParseScope splits "name: smith" into the scope and the text; text without a known
// scope prefix is searched everywhere.
func ParseScope(text string) (Scope, string) {
	t := strings.TrimSpace(text)
	at := strings.IndexByte(t, ':')
	if at <= 0 {
		return ScopeAll, t
	}
	switch sc := Scope(strings.ToLower(t[:at])); sc {
	case ScopeName, ScopeMessage, ScopeApplication:
		return sc, strings.TrimSpace(t[at+1:])
	}
	return ScopeAll, t
}

// exactConversations are the conversations the text names exactly, newest first: by
// their id, their application number (any case), their customer's id, or their
// customer's email (any case). Only a single word can name one.
func (s *Queries) exactConversations(ctx context.Context, text string) ([]string, error) {
	scope, t := ParseScope(text)
	if t == "" || strings.ContainsFunc(t, unicode.IsSpace) || scope == ScopeMessage {
		return nil, nil
	}
	var parts []string
	var args []any
	if scope != ScopeName {
		parts = append(parts, "SELECT started_at, id FROM conversations WHERE application_number IN (?, ?)")
		args = append(args, t, strings.ToUpper(t))
	}
	if scope == ScopeAll {
		parts = append(parts, "SELECT started_at, id FROM conversations WHERE id = ?",
			"SELECT started_at, id FROM conversations WHERE customer_id = ?")
		args = append(args, t, t)
	}
	if tokens := searchTokens(t); strings.Contains(t, "@") && len(tokens) > 0 && scope != ScopeApplication {
		// The email's words as one phrase in the FTS index narrow it to a few
		// customers; the comparison then keeps the exact one.
		parts = append(parts, `SELECT v.started_at, v.id FROM conversations v WHERE v.customer_id IN (
			SELECT c.id FROM customers c WHERE c.rowid IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT 200)
			AND lower(c.email) = lower(?))`)
		args = append(args, "email : "+ftsQuote(strings.Join(tokens, " ")), t)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, strings.Join(parts, " UNION ")+" ORDER BY 1 DESC, 2 DESC LIMIT ?", append(args, MaxPage)...)
	if err != nil {
		return nil, fmt.Errorf("exact matches: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var started int64
		var id string
		if err := rows.Scan(&started, &id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MatchPart is a piece of a matched field; Hit marks the words that matched.
type MatchPart struct {
	Text string
	Hit  bool
}

// Match says why a conversation matched a search: the field and its text with the
// matching words marked (a window around them for a message).
type Match struct {
	Field string // "Email", "Customer id", "Application", "Name", "Decision", "Customer said", "Assistant said", "Conversation id"
	Exact bool
	Parts []MatchPart
}

// snippetRunes is about how much of a message a snippet shows around its first hit.
const snippetRunes = 90

// ExplainMatches says, for each of the given conversations, why it matches text: the
// first of an exact id, application number or email, the customer's name or email,
// the application number, the decision, or the newest message holding every word.
// The rules are the search's (every typed word a word prefix; one- and two-letter
// words whole words), applied to these few conversations only, so a page of results is
// explained in a few milliseconds whatever the cache's size. A conversation that no
// longer matches is left out.
func (s *Queries) ExplainMatches(ctx context.Context, text string, ids []string) (map[string]Match, error) {
	out := map[string]Match{}
	scope, t := ParseScope(text)
	tokens := searchTokens(t)
	if len(tokens) == 0 || len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.customer_id, COALESCE(cu.name, ''), COALESCE(cu.email, ''),
		c.application_number, c.decision FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id
		WHERE c.id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("explain matches: %w", err)
	}
	var rest []string
	single := !strings.ContainsFunc(t, unicode.IsSpace)
	for rows.Next() {
		var id, cust, name, email, app, decision string
		if err := rows.Scan(&id, &cust, &name, &email, &app, &decision); err != nil {
			rows.Close()
			return nil, err
		}
		m, ok := Match{}, false
		switch {
		case single && scope == ScopeAll && strings.EqualFold(id, t):
			m, ok = Match{Field: "Conversation id", Exact: true, Parts: []MatchPart{{Text: id, Hit: true}}}, true
		case single && scope != ScopeMessage && scope != ScopeName && app != "" && strings.EqualFold(app, t):
			m, ok = Match{Field: "Application", Exact: true, Parts: []MatchPart{{Text: app, Hit: true}}}, true
		case single && scope == ScopeAll && cust != "" && cust == t:
			m, ok = Match{Field: "Customer id", Exact: true, Parts: []MatchPart{{Text: cust, Hit: true}}}, true
		case single && (scope == ScopeAll || scope == ScopeName) && email != "" && strings.EqualFold(email, t):
			m, ok = Match{Field: "Email", Exact: true, Parts: []MatchPart{{Text: email, Hit: true}}}, true
		}
		if !ok && (scope == ScopeAll || scope == ScopeName) {
			if parts, hit := markWords(name, tokens); hit {
				m, ok = Match{Field: "Name", Parts: parts}, true
			} else if parts, hit := markWords(email, tokens); hit {
				m, ok = Match{Field: "Email", Parts: parts}, true
			}
		}
		if !ok && (scope == ScopeAll || scope == ScopeApplication) && single && app != "" &&
			strings.HasPrefix(strings.ToUpper(app), strings.ToUpper(t)) {
			n := len(t)
			m, ok = Match{Field: "Application", Parts: []MatchPart{{Text: app[:n], Hit: true}, {Text: app[n:]}}}, true
		}
		if !ok && scope == ScopeAll && len(tokens) == 1 && len([]rune(tokens[0])) >= 3 && decision != "" &&
			strings.HasPrefix(decision, strings.ToUpper(tokens[0])) {
			m, ok = Match{Field: "Decision", Parts: []MatchPart{{Text: decision, Hit: true}}}, true
		}
		if ok {
			out[id] = m
		} else if scope == ScopeAll || scope == ScopeMessage {
			rest = append(rest, id)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	if len(rest) == 0 {
		return out, nil
	}
	return out, s.explainByMessages(ctx, tokens, rest, out)
}

// explainByMessages finds each conversation's newest message holding every token.
func (s *Queries) explainByMessages(ctx context.Context, tokens, ids []string, out map[string]Match) error {
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT conversation_id, sender, text FROM messages
		WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, at DESC, id DESC`, string(list))
	if err != nil {
		return fmt.Errorf("explain matches: messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sender, text string
		if err := rows.Scan(&id, &sender, &text); err != nil {
			return err
		}
		if _, done := out[id]; done {
			continue
		}
		if parts, hit := markWords(text, tokens); hit {
			field := "Customer said"
			if sender == "assistant" {
				field = "Assistant said"
			}
			out[id] = Match{Field: field, Parts: window(parts, snippetRunes)}
		}
	}
	return rows.Err()
}

// markWords splits text into words and the rest, marking the words some token
// matches (a word prefix; a token of one or two characters only as a whole word).
// hit is true when every token matched some word.
func markWords(text string, tokens []string) ([]MatchPart, bool) {
	if text == "" {
		return nil, false
	}
	var parts []MatchPart
	seen := make([]bool, len(tokens))
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Co, r) }
	rs := []rune(text)
	for i := 0; i < len(rs); {
		j := i
		word := isWord(rs[i])
		for j < len(rs) && isWord(rs[j]) == word {
			j++
		}
		piece := string(rs[i:j])
		hit := false
		if word {
			w := strings.ToLower(foldDiacritics(piece))
			for k, t := range tokens {
				ft := foldDiacritics(t)
				if w == ft || (len([]rune(ft)) > 2 && strings.HasPrefix(w, ft)) {
					hit, seen[k] = true, true
				}
			}
		}
		if n := len(parts); n > 0 && parts[n-1].Hit == hit {
			parts[n-1].Text += piece
		} else {
			parts = append(parts, MatchPart{Text: piece, Hit: hit})
		}
		i = j
	}
	return parts, !slices.Contains(seen, false)
}

// foldDiacritics drops the common Latin diacritics, as the FTS tokenizer's
// remove_diacritics does, so "zoe" marks "Zoë".
func foldDiacritics(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if f, ok := latinFold[r]; ok {
			return f
		}
		return r
	}, s)
}

var latinFold = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåā", 'c': "çćč", 'e': "èéêëēėę", 'i': "ìíîïī", 'n': "ñń", 'o': "òóôõöøō",
		'u': "ùúûüū", 'y': "ýÿ", 's': "śš", 'z': "źżž", 'l': "ł", 'g': "ğ",
	} {
		for _, r := range accented {
			m[r] = base
			m[unicode.ToUpper(r)] = unicode.ToUpper(base)
		}
	}
	return m
}()

// window keeps about n runes of parts around the first hit, with "…" where cut.
func window(parts []MatchPart, n int) []MatchPart {
	total, first := 0, -1
	for i, p := range parts {
		if p.Hit && first < 0 {
			first = total
		}
		total += len([]rune(p.Text))
		_ = i
	}
	if total <= n || first < 0 {
		return parts
	}
	lo := max(0, first-n/3)
	hi := min(total, lo+n)
	var out []MatchPart
	pos := 0
	for _, p := range parts {
		rs := []rune(p.Text)
		a, b := max(lo, pos), min(hi, pos+len(rs))
		if a < b {
			out = append(out, MatchPart{Text: string(rs[a-pos : b-pos]), Hit: p.Hit})
		}
		pos += len(rs)
	}
	if lo > 0 {
		out = append([]MatchPart{{Text: "…"}}, out...)
	}
	if hi < total {
		out = append(out, MatchPart{Text: "…"})
	}
	return out
}
