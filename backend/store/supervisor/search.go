package supervisor

// Search over the conversation grid. A scope prefix ("name:", "msg:", "app:") limits a
// search to one source (ParseScope). A conversation matches a search when any of:
//   - its customer's name or email has every typed word as a word prefix (customers_fts);
//   - its application number starts with the typed text (case-insensitive);
//   - the text is one word of three or more letters and the final decision starts
//     with it ("approved", "decl");
//   - one of its messages contains every typed word (messages_fts). A typed word
//     matches a message word that starts with it when it stands for at most
//     maxExpansion distinct words in the cache, else only the same word.
//
// Each of these sources is either sparse (few matches: its conversations are collected
// and sorted) or dense (the grid is walked newest first and each chunk is tested),
// so neither a rare word nor a common one reads much more than one page needs.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// search is a compiled search text.
type search struct {
	// limit is the most matches a source may have to count as sparse.
	limit int
	// matched are the conversations of the sparse sources, with their start time
	// where the source read it (unknownStart where it did not).
	matched map[string]int64
	// Dense sources, tested per chunk.
	appPrefixes []string
	decision    string
	custExpr    string         // customers_fts expression, when customers are dense
	custRowids  map[int64]bool // the customers it matches
	msgExpr     string         // messages_fts expression, when messages are dense
	// any is false when no source can match anything.
	any bool
}

// maxRune sorts after every character, so [p, p+maxRune) holds exactly the strings
// starting with p.
const maxRune = "\U0010FFFF"

// searchTokens splits text the way FTS5's unicode61 tokenizer does (letters, digits
// and private-use characters form words) and lowercases the words.
func searchTokens(text string) []string {
	f := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Co, r)
	})
	for i, t := range f {
		f[i] = strings.ToLower(t)
	}
	return f
}

func ftsQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (s *search) empty() bool  { return !s.any }
func (s *search) sparse() bool { return !s.dense() }
func (s *search) dense() bool {
	return len(s.appPrefixes) > 0 || s.decision != "" || s.custExpr != "" || s.msgExpr != ""
}

func (s *search) isMatched(id string) bool {
	_, ok := s.matched[id]
	return ok
}

func (s *search) candidateList() []string {
	out := make([]string, 0, len(s.matched))
	for id := range s.matched {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// unknownStart marks a matched conversation whose start time the source did not read.
const unknownStart = math.MinInt64

func (s *search) add(found []conversationKey) {
	for _, k := range found {
		if started, ok := s.matched[k.id]; !ok || started == unknownStart {
			s.matched[k.id] = k.startedAt
		}
	}
	if len(found) > 0 {
		s.any = true
	}
}

// compileSearch decides, source by source, whether its matches are few enough
// (at most limit) to collect.
func (st *Queries) compileSearch(ctx context.Context, text string, limit int) (*search, error) {
	s := &search{limit: limit, matched: map[string]int64{}}
	scope, raw := ParseScope(text)
	tokens := searchTokens(raw)
	if len(tokens) == 0 {
		return s, nil
	}
	var steps []func() error
	if scope == ScopeAll || scope == ScopeApplication {
		steps = append(steps, func() error { return st.searchApplications(ctx, s, raw) })
	}
	if scope == ScopeAll {
		steps = append(steps, func() error { return st.searchDecision(ctx, s, tokens) })
	}
	if scope == ScopeAll || scope == ScopeName {
		steps = append(steps, func() error { return st.searchCustomers(ctx, s, tokens) })
	}
	if scope == ScopeAll || scope == ScopeMessage {
		steps = append(steps, func() error { return st.searchMessages(ctx, s, tokens) })
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil { // a palette lookup stops between steps too
			return nil, err
		}
		if err := step(); err != nil {
			return nil, fmt.Errorf("search %q: %w", raw, err)
		}
	}
	return s, nil
}

// collect reads up to limit+1 (start time, id) rows, the id of a conversation (or of
// another record, with no start time); a NULL start time is unknownStart. dense
// reports that there were more.
func (st *Queries) collect(ctx context.Context, limit int, query string, args ...any) (found []conversationKey, dense bool, err error) {
	rows, err := st.db.QueryContext(ctx, query+" LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var started sql.NullInt64
		var k conversationKey
		if err := rows.Scan(&started, &k.id); err != nil {
			return nil, false, err
		}
		k.startedAt = unknownStart
		if started.Valid {
			k.startedAt = started.Int64
		}
		found = append(found, k)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return found, len(found) > limit, nil
}

func (st *Queries) searchApplications(ctx context.Context, s *search, raw string) error {
	if strings.ContainsFunc(raw, unicode.IsSpace) {
		return nil
	}
	prefixes := []string{raw}
	if up := strings.ToUpper(raw); up != raw {
		prefixes = append(prefixes, up)
	}
	for _, p := range prefixes {
		found, dense, err := st.collect(ctx, s.limit,
			"SELECT started_at, id FROM conversations WHERE application_number >= ? AND application_number < ?", p, p+maxRune)
		if err != nil {
			return fmt.Errorf("application numbers: %w", err)
		}
		if dense {
			s.appPrefixes, s.any = append(s.appPrefixes, p), true
			continue
		}
		s.add(found)
	}
	return nil
}

func (st *Queries) searchDecision(ctx context.Context, s *search, tokens []string) error {
	if len(tokens) != 1 || len([]rune(tokens[0])) < 3 || strings.ContainsFunc(tokens[0], unicode.IsDigit) {
		return nil
	}
	p := strings.ToUpper(tokens[0])
	found, dense, err := st.collect(ctx, s.limit,
		"SELECT started_at, id FROM conversations INDEXED BY conversations_walk_decision WHERE decision >= ? AND decision < ?", p, p+maxRune)
	if err != nil {
		return fmt.Errorf("decisions: %w", err)
	}
	if dense {
		s.decision, s.any = p, true
		return nil
	}
	s.add(found)
	return nil
}

// customerExpr matches customers whose name or email has every token as a word prefix.
func customerExpr(tokens []string) string {
	parts := make([]string, len(tokens))
	for i, t := range tokens {
		parts[i] = ftsQuote(t) + "*"
	}
	return "{name email} : (" + strings.Join(parts, " AND ") + ")"
}

func (st *Queries) searchCustomers(ctx context.Context, s *search, tokens []string) error {
	expr := customerExpr(tokens)
	rowids, err := st.customerRowids(ctx, expr, s.limit+1)
	if err != nil {
		return err
	}
	if len(rowids) > s.limit {
		if s.custRowids, err = st.customerRowids(ctx, expr, -1); err != nil {
			return err
		}
		s.custExpr, s.any = expr, true
		return nil
	}
	if len(rowids) == 0 {
		return nil
	}
	list, err := json.Marshal(keysOf(rowids))
	if err != nil {
		return err
	}
	// The ids come from the FTS table's own small rows, not the wide customer rows.
	found, dense, err := st.collect(ctx, s.limit, `SELECT c.started_at, c.id FROM conversations c INDEXED BY conversations_customer_start WHERE c.customer_id IN
		(SELECT id FROM customers_fts WHERE rowid IN (SELECT value FROM json_each(?)))`, string(list))
	if err != nil {
		return fmt.Errorf("conversations of customers: %w", err)
	}
	if dense {
		s.custRowids, s.custExpr, s.any = rowids, expr, true
		return nil
	}
	s.add(found)
	return nil
}

// customerRowids reads up to limit (-1: all) customers matching expr.
func (st *Queries) customerRowids(ctx context.Context, expr string, limit int) (map[int64]bool, error) {
	rows, err := st.db.QueryContext(ctx, "SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT ?", expr, limit)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

func keysOf[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (st *Queries) searchMessages(ctx context.Context, s *search, tokens []string) error {
	expr, ok, err := st.messageExpr(ctx, tokens)
	if err != nil || !ok {
		return err
	}
	// Counting inside SQLite reads the spelled-out words' postings lazily and stops
	// early; only a rarer word's messages are then mapped to conversations.
	var n int
	err = st.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)",
		expr, s.limit*repeatFactor+1).Scan(&n)
	if err != nil {
		return fmt.Errorf("messages: %w", err)
	}
	if n == 0 {
		return nil
	}
	if n > s.limit*repeatFactor {
		s.msgExpr, s.any = expr, true
		return nil
	}
	if n > s.limit {
		dense, err := st.messagesLookDense(ctx, expr, n, s.limit)
		if err != nil {
			return err
		}
		if dense {
			s.msgExpr, s.any = expr, true
			return nil
		}
	}
	// A name the assistant repeats in every turn matches many messages of few
	// conversations: density is decided by conversations, and the join stops as soon
	// as it has seen more than limit of them.
	// The start times are not on the message rows; the page reads the ones it needs.
	found, dense, err := st.collect(ctx, s.limit, `SELECT DISTINCT NULL, m.conversation_id FROM messages_fts f
		JOIN messages m INDEXED BY messages_owner ON m.id = f.rowid WHERE f.messages_fts MATCH ?`, expr)
	if err != nil {
		return fmt.Errorf("conversations of messages: %w", err)
	}
	if dense {
		s.msgExpr, s.any = expr, true
		return nil
	}
	s.add(found)
	return nil
}

// messagesLookDense estimates from the newest of n matching messages whether they
// belong to more than limit conversations. Either answer gives the same results; a
// dense source spares mapping every message to its conversation.
func (st *Queries) messagesLookDense(ctx context.Context, expr string, n, limit int) (bool, error) {
	var sample, owners int
	err := st.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT m.conversation_id) FROM
		(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?) f
		JOIN messages m INDEXED BY messages_owner ON m.id = f.rowid`, expr, densitySample).Scan(&sample, &owners)
	if err != nil {
		return false, fmt.Errorf("messages: sample: %w", err)
	}
	return sample > 0 && n*owners/sample > limit, nil
}

// densitySample is how many matching messages messagesLookDense maps.
const densitySample = 500

// repeatFactor bounds how many matching messages are mapped to conversations to
// find out whether they are few: up to this many per conversation on average.
const repeatFactor = 3

// messageExpr is the messages_fts expression for tokens: each token stands for the
// words it expands to. ok is false when some token matches no word at all.
func (st *Queries) messageExpr(ctx context.Context, tokens []string) (string, bool, error) {
	groups := make([]string, 0, len(tokens))
	for _, t := range tokens {
		g, err := st.tokenGroup(ctx, t)
		if err != nil {
			return "", false, err
		}
		if g == "" {
			return "", false, nil
		}
		groups = append(groups, g)
	}
	return strings.Join(groups, " AND "), true, nil
}

// tokenGroup is one token's part of a messages_fts expression: the words of the
// cache that start with it, spelled out, so FTS5 reads their postings lazily instead
// of merging all of them up front as it does for a prefix query.
func (st *Queries) tokenGroup(ctx context.Context, token string) (string, error) {
	if !isASCII(token) {
		// The vocabulary holds words after case folding and diacritics removal,
		// which only FTS5 itself does right for other scripts.
		return ftsQuote(token) + "*", nil
	}
	words, err := st.wordsStartingWith(ctx, token, maxExpansion+1)
	if err != nil {
		return "", err
	}
	switch {
	case len(words) == 0:
		return "", nil
	case len(words) > maxExpansion:
		return ftsQuote(token), nil
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = ftsQuote(w)
	}
	return "(" + strings.Join(quoted, " OR ") + ")", nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// wordsStartingWith lists up to n distinct message words starting with prefix. It
// skips from word to word through the vocabulary (each step seeks past the previous
// word), so it costs one seek per word however often each word occurs.
func (st *Queries) wordsStartingWith(ctx context.Context, prefix string, n int) ([]string, error) {
	const q = `WITH RECURSIVE w(term) AS (
		SELECT (SELECT term FROM messages_fts_vocab WHERE term >= ?1 LIMIT 1)
		UNION ALL
		SELECT (SELECT term FROM messages_fts_vocab WHERE term >= w.term || char(0) LIMIT 1) FROM w
		WHERE w.term IS NOT NULL AND substr(w.term, 1, length(?1)) = ?1
	) SELECT term FROM w WHERE term IS NOT NULL AND substr(term, 1, length(?1)) = ?1 LIMIT ?2`
	rows, err := st.db.QueryContext(ctx, q, prefix, n)
	if err != nil {
		return nil, fmt.Errorf("words starting with %q: %w", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("words starting with %q: %w", prefix, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// test reports which conversations of a chunk match.
func (s *search) test(ctx context.Context, st *Queries, chunk []scanRow) (map[string]bool, error) {
	hits := map[string]bool{}
	var custIDs []string
	for _, r := range chunk {
		switch {
		case s.isMatched(r.key.id), s.decision != "" && strings.HasPrefix(r.decision, s.decision),
			s.hasAppPrefix(r.applicationNumber):
			hits[r.key.id] = true
		case s.custExpr != "" && r.customerID != "":
			custIDs = append(custIDs, r.customerID)
		}
	}
	if err := s.testCustomers(ctx, st, chunk, custIDs, hits); err != nil {
		return nil, err
	}
	if s.msgExpr != "" {
		if err := st.testMessages(ctx, s.msgExpr, chunk, hits); err != nil {
			return nil, err
		}
	}
	return hits, nil
}

func (s *search) hasAppPrefix(number string) bool {
	for _, p := range s.appPrefixes {
		if strings.HasPrefix(number, p) {
			return true
		}
	}
	return false
}

// testCustomers marks the chunk's conversations whose customer is one of the
// matched customers.
func (s *search) testCustomers(ctx context.Context, st *Queries, chunk []scanRow, custIDs []string, hits map[string]bool) error {
	if len(custIDs) == 0 {
		return nil
	}
	list, err := json.Marshal(custIDs)
	if err != nil {
		return err
	}
	rows, err := st.db.QueryContext(ctx, "SELECT id, rowid FROM customers WHERE id IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return fmt.Errorf("test customers: %w", err)
	}
	defer rows.Close()
	matchedCustomer := map[string]bool{}
	for rows.Next() {
		var id string
		var rowid int64
		if err := rows.Scan(&id, &rowid); err != nil {
			return fmt.Errorf("test customers: %w", err)
		}
		matchedCustomer[id] = s.custRowids[rowid]
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("test customers: %w", err)
	}
	for _, r := range chunk {
		if matchedCustomer[r.customerID] {
			hits[r.key.id] = true
		}
	}
	return nil
}

// testMessages marks the chunk's conversations with a message matching expr. It asks
// FTS5 only about the rowid ranges the chunk's messages occupy, then looks up the
// owners of just the matching messages: with dense words that is a few per chunk.
func (st *Queries) testMessages(ctx context.Context, expr string, chunk []scanRow, hits map[string]bool) error {
	inChunk := map[string]bool{}
	var ids []string
	var spans [][2]int64
	for _, r := range chunk {
		if !hits[r.key.id] && r.messages[0] != 0 {
			inChunk[r.key.id] = true
			ids = append(ids, r.key.id)
			spans = append(spans, r.messages)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var matched []int64
	for _, sp := range mergeSpans(spans) {
		m, err := st.matchInRange(ctx, expr, sp[0], sp[1])
		if err != nil {
			return err
		}
		matched = append(matched, m...)
	}
	owners, err := st.ownersOf(ctx, matched, ids)
	if err != nil {
		return err
	}
	for _, c := range owners {
		if inChunk[c] {
			hits[c] = true
		}
	}
	return nil
}

// ownersOf finds the conversations of the matched messages: by looking each one up
// when they are few, else by reading the chunk's (conversation, message) index
// entries, which costs less than many table lookups.
func (st *Queries) ownersOf(ctx context.Context, matched []int64, convIDs []string) ([]string, error) {
	if len(matched) <= 2*len(convIDs) {
		return st.messageOwners(ctx, matched)
	}
	owner, err := st.messageRowids(ctx, convIDs)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matched {
		if c, ok := owner[m]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// messageRowids maps the rowids of the given conversations' messages to their
// conversation, from the messages_conversation index alone.
func (st *Queries) messageRowids(ctx context.Context, convIDs []string) (map[int64]string, error) {
	list, err := json.Marshal(convIDs)
	if err != nil {
		return nil, err
	}
	rows, err := st.db.QueryContext(ctx,
		"SELECT conversation_id, id FROM messages WHERE conversation_id IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return nil, fmt.Errorf("messages of chunk: %w", err)
	}
	defer rows.Close()
	owner := map[int64]string{}
	for rows.Next() {
		var c string
		var id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, fmt.Errorf("messages of chunk: %w", err)
		}
		owner[id] = c
	}
	return owner, rows.Err()
}

// mergeSpans joins overlapping or nearly adjacent spans, so FTS5 is asked few times.
func mergeSpans(spans [][2]int64) [][2]int64 {
	slices.SortFunc(spans, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	var out [][2]int64
	for _, sp := range spans {
		if n := len(out); n > 0 && sp[0]-out[n-1][1] <= rangeGap {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}

// messageOwners are the conversations of the given messages.
func (st *Queries) messageOwners(ctx context.Context, rowids []int64) ([]string, error) {
	if len(rowids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(rowids)
	if err != nil {
		return nil, err
	}
	rows, err := st.db.QueryContext(ctx,
		"SELECT DISTINCT conversation_id FROM messages INDEXED BY messages_owner WHERE id IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return nil, fmt.Errorf("owners of messages: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("owners of messages: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (st *Queries) matchInRange(ctx context.Context, expr string, lo, hi int64) ([]int64, error) {
	rows, err := st.db.QueryContext(ctx,
		"SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? AND rowid >= ? AND rowid <= ?", expr, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("match messages: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("match messages: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// countFilter is the search as one SQL condition on conversations, for counting
// every match (dense sources make it read all their matches).
func (s *search) countFilter() (string, []any, error) {
	var parts []string
	var args []any
	if len(s.matched) > 0 {
		list, err := json.Marshal(s.candidateList())
		if err != nil {
			return "", nil, err
		}
		parts, args = append(parts, "id IN (SELECT value FROM json_each(?))"), append(args, string(list))
	}
	for _, p := range s.appPrefixes {
		parts, args = append(parts, "(application_number >= ? AND application_number < ?)"), append(args, p, p+maxRune)
	}
	if s.decision != "" {
		parts, args = append(parts, "(decision >= ? AND decision < ?)"), append(args, s.decision, s.decision+maxRune)
	}
	if s.custExpr != "" {
		parts = append(parts, `customer_id IN (SELECT id FROM customers WHERE rowid IN
			(SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?))`)
		args = append(args, s.custExpr)
	}
	if s.msgExpr != "" {
		parts = append(parts, `id IN (SELECT conversation_id FROM messages WHERE id IN
			(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))`)
		args = append(args, s.msgExpr)
	}
	if len(parts) == 0 {
		return "0", nil, nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args, nil
}
