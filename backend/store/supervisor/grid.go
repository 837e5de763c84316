// Package supervisor owns the queries the supervisor's desktop reads its cache with:
// the conversation grid (keyset pages newest first, status filter, search, counts),
// customers and applications. They read the tables that store.ApplyBatch writes and
// never write them; the indexes they rely on are the store's supervisor migrations,
// which a store opened with Options.SupervisorQueries has.
//
// Status depends on the clock, so it is never stored: StatusFilter and statusCase turn
// projection.StatusAt's rules into SQL over the stored columns at a given instant, and
// cards compute their status from the same columns, so a filtered page agrees with the
// badges on its cards to the millisecond.
package supervisor

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// Queries reads the read models for the supervisor's desktop. It only reads, so any
// number of goroutines may share one.
type Queries struct {
	db *sql.DB
}

// New returns the queries over db, a read-only pool on a database with the store's
// supervisor migrations (the indexes these queries name).
func New(db *sql.DB) *Queries { return &Queries{db: db} }

// Tuning of the search plans (see conversationIDs).
const (
	// sparseLimit is the most conversations (or messages, or customers) a search
	// source may match for its matches to be collected and sorted; above it the grid
	// is scanned newest first instead, which is cheap exactly when matches are dense.
	sparseLimit = 3000
	// sparsePerRow bounds a short page's collected matches to this many a row
	// (sparseFor): walking newest first reads about rows × (all / matches) entries and
	// stops, collecting reads and sorts every match, so for the palette's five rows
	// the walk wins from a few hundred matches on (at 100,000 records: 80 ms to sort
	// 2,800 customers' applications against a few ms to walk; docs/performance.md).
	sparsePerRow = 100
	// scanChunk is how many conversations a dense scan tests in its first round; each
	// further round doubles it up to maxScanChunk, so sparse matches cost few rounds.
	scanChunk    = 256
	maxScanChunk = 4096
	// maxExpansion is how many distinct message words a typed prefix may stand for.
	// A prefix that stands for more (one or two letters, digits of licence numbers,
	// a surname that starts many email addresses) matches whole words only: FTS5
	// merges every matching word's postings for a prefix query, which costs hundreds
	// of milliseconds for common words, and each spelled-out word costs a seek in the
	// vocabulary and one more term in every match (at 100,000 conversations 64 words
	// took 18 ms to list before the search began, 16 take 5 ms).
	maxExpansion = 16
	// rangeGap splits a chunk's message ids into separate FTS rowid ranges.
	rangeGap = 4096
	// MaxPage bounds every page size.
	MaxPage = 500
)

// ---------------------------------------------------------------------------
// Status rules as SQL

const (
	openSQL  = "decision NOT IN ('APPROVED', 'DECLINED') AND ended_at IS NULL"
	endedSQL = "decision NOT IN ('APPROVED', 'DECLINED') AND ended_at IS NOT NULL"
)

// cutoffs are, for each idle threshold T, the smallest last_activity_at (Unix ms) that
// is not idle longer than T at now: idle > T ⇔ last_activity_at < cut.
type cutoffs struct{ paused, soft, hard int64 }

func cutoffsAt(now time.Time, th projection.Thresholds) cutoffs {
	return cutoffs{paused: cutoff(now, th.Paused), soft: cutoff(now, th.SoftEnd), hard: cutoff(now, th.HardEnd)}
}

// cutoff solves now - last*1ms > t for integer last: last*1e6 < now_ns - t_ns, so
// last < ceil((now_ns - t_ns) / 1e6).
func cutoff(now time.Time, t time.Duration) int64 {
	x := now.UnixNano() - int64(t)
	q := x / 1e6
	if x%1e6 != 0 && x > 0 {
		q++
	}
	return q
}

// activityRange is the half-open range [lo, hi) of last_activity_at for an idle
// status, checked in StatusAt's order (hard end first) so that any thresholds, even
// out of order, give the same answer as StatusAt.
func (c cutoffs) activityRange(st projection.Status) (lo, hi int64) {
	switch st {
	case projection.StatusHardEnd:
		return math.MinInt64, c.hard
	case projection.StatusSoftEnd:
		return c.hard, c.soft
	case projection.StatusPaused:
		return max(c.soft, c.hard), c.paused
	default: // Active
		return max(c.paused, c.soft, c.hard), math.MaxInt64
	}
}

// StatusFilter is the SQL condition on the conversations table (unqualified columns)
// that holds exactly for the conversations projection.StatusAt shows as st at now.
func StatusFilter(st projection.Status, now time.Time, th projection.Thresholds) (string, []any, error) {
	switch st {
	case projection.StatusApproved:
		return "decision = 'APPROVED'", nil, nil
	case projection.StatusDeclined:
		return "decision = 'DECLINED'", nil, nil
	case projection.StatusEnded:
		return endedSQL, nil, nil
	case projection.StatusActive, projection.StatusPaused, projection.StatusSoftEnd, projection.StatusHardEnd:
		lo, hi := cutoffsAt(now, th).activityRange(st)
		return openSQL + " AND last_activity_at >= ? AND last_activity_at < ?", []any{lo, hi}, nil
	}
	return "", nil, fmt.Errorf("unknown status %q", st)
}

// statusCase is an SQL expression giving a conversation's status at now, for counts.
func statusCase(now time.Time, th projection.Thresholds) (string, []any) {
	c := cutoffsAt(now, th)
	return `CASE WHEN decision = 'APPROVED' THEN 'Approved' WHEN decision = 'DECLINED' THEN 'Declined'
		WHEN ended_at IS NOT NULL THEN 'Ended' WHEN last_activity_at < ? THEN 'Hard End'
		WHEN last_activity_at < ? THEN 'Soft End' WHEN last_activity_at < ? THEN 'Paused' ELSE 'Active' END`,
		[]any{c.hard, c.soft, c.paused}
}

// statusOfColumns is StatusAt over the stored (millisecond) columns, as the SQL sees them.
func statusOfColumns(decision string, ended bool, startedMs int64, lastMsgMs sql.NullInt64, now time.Time, th projection.Thresholds) projection.Status {
	in := projection.StatusInputs{Decision: decision, Ended: ended, StartedAt: time.UnixMilli(startedMs)}
	if lastMsgMs.Valid {
		in.LastMessageAt = time.UnixMilli(lastMsgMs.Int64)
	}
	return projection.StatusAt(in, now, th)
}

// ---------------------------------------------------------------------------
// Cursors

// conversationKey is a conversation's place in the newest-first order.
type conversationKey struct {
	startedAt int64
	id        string
}

func (k conversationKey) before(o conversationKey) bool {
	return k.startedAt > o.startedAt || k.startedAt == o.startedAt && k.id > o.id
}

// encodeCursor makes an opaque page cursor from a sort value and an id.
func encodeCursor(n int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(n, 10) + ":" + id))
}

func decodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", fmt.Errorf("bad cursor: %w", err)
	}
	num, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, "", errors.New("bad cursor")
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("bad cursor: %w", err)
	}
	return n, id, nil
}

// decodeKey reads a conversation cursor; "" is the start.
func decodeKey(c string) (*conversationKey, error) {
	if c == "" {
		return nil, nil
	}
	n, id, err := decodeCursor(c)
	if err != nil {
		return nil, err
	}
	return &conversationKey{startedAt: n, id: id}, nil
}

// sparseFor is the most matches a search collects and sorts for a page of n: the
// palette's five rows (six to eight keys with the exact matches) collect at most 600-800,
// the grid's pages of 60 up to sparseLimit.
func sparseFor(n int) int { return min(sparseLimit, sparsePerRow*n) }

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, MaxPage)
}

// ---------------------------------------------------------------------------
// Cards

// ConversationCard is one conversation as the grid shows it. Times come from the
// stored millisecond columns, the same values the status filter compares.
type ConversationCard struct {
	ID           string
	CustomerID   string
	CustomerName string
	// DisplayName is what the window calls the customer: the name, else the best
	// thing known (see names.go); NameSource says which.
	DisplayName       string
	NameSource        NameSource
	ApplicationNumber string
	StartedAt         time.Time
	LastMessageAt     time.Time // zero when there is no message
	EndedAt           time.Time // zero unless an end flag was seen
	Decision          string    // as sent
	Status            projection.Status
	MessageCount      int
	Purpose           string
	LastMessage       *projection.MessagePreview
	// LastEventAt is the time of the conversation's latest event of any kind: what
	// the unread markers compare with where the supervisor last looked.
	LastEventAt time.Time
	// Attention is why the conversation needs attention now, most urgent first
	// (attention.go); none when it does not.
	Attention []Reason
}

// cardDoc is the part of a conversation's document a card needs.
type cardDoc struct {
	Decision    string                     `json:"decision"`
	Purpose     string                     `json:"purpose"`
	LastMessage *projection.MessagePreview `json:"lastMessage"`
	LastEventAt time.Time                  `json:"lastEventAt"`
}

const cardSelect = `SELECT c.id, c.customer_id, COALESCE(cu.name, ''), c.application_number, c.started_at,
	c.last_message_at, c.ended_at, c.decision, c.message_count, c.doc
	FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanCard(r rowScanner, now time.Time, th projection.Thresholds) (ConversationCard, error) {
	var c ConversationCard
	var started int64
	var lastMsg, ended sql.NullInt64
	var decision string
	var doc []byte
	if err := r.Scan(&c.ID, &c.CustomerID, &c.CustomerName, &c.ApplicationNumber, &started, &lastMsg, &ended,
		&decision, &c.MessageCount, &doc); err != nil {
		return c, err
	}
	var d cardDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return c, fmt.Errorf("decode conversation %s: %w", c.ID, err)
	}
	c.StartedAt = time.UnixMilli(started).UTC()
	if lastMsg.Valid {
		c.LastMessageAt = time.UnixMilli(lastMsg.Int64).UTC()
	}
	if ended.Valid {
		c.EndedAt = time.UnixMilli(ended.Int64).UTC()
	}
	c.Decision, c.Purpose, c.LastMessage, c.LastEventAt = d.Decision, d.Purpose, d.LastMessage, d.LastEventAt
	c.Status = statusOfColumns(decision, ended.Valid, started, lastMsg, now, th)
	return c, nil
}

// CardsByID reads the cards of the given conversations, in the order of ids; unknown
// ids are left out.
func (s *Queries) CardsByID(ctx context.Context, ids []string, now time.Time, th projection.Thresholds) ([]ConversationCard, error) {
	return s.cardsByID(ctx, ids, now, th, true)
}

// cardsByID is CardsByID, with the reasons for attention only when asked
// (NeedsAttention has them already).
func (s *Queries) cardsByID(ctx context.Context, ids []string, now time.Time, th projection.Thresholds, reasons bool) ([]ConversationCard, error) {
	if len(ids) == 0 {
		return []ConversationCard{}, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("cards by id: %w", err)
	}
	cards, err := s.queryCards(ctx, now, th, reasons, cardSelect+" WHERE c.id IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return nil, fmt.Errorf("cards by id: %w", err)
	}
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := pos[id]; !dup {
			pos[id] = i
		}
	}
	slices.SortFunc(cards, func(a, b ConversationCard) int { return pos[a.ID] - pos[b.ID] })
	return cards, nil
}

func (s *Queries) queryCards(ctx context.Context, now time.Time, th projection.Thresholds, reasons bool, query string, args ...any) ([]ConversationCard, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cards := []ConversationCard{}
	for rows.Next() {
		c, err := scanCard(rows, now, th)
		if err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := s.fillCardNames(ctx, cards); err != nil {
		return nil, fmt.Errorf("display names: %w", err)
	}
	if reasons {
		if err := s.fillAttention(ctx, cards, now, th); err != nil {
			return nil, fmt.Errorf("attention: %w", err)
		}
	}
	return cards, nil
}

// ---------------------------------------------------------------------------
// The conversation grid

// ConversationQuery asks for one page of the grid.
type ConversationQuery struct {
	Search     string
	Status     projection.Status // "" for any
	Cursor     string            // "" for the first page
	Limit      int
	Now        time.Time
	Thresholds projection.Thresholds
}

// ConversationPage is one page, newest start first; Next is "" on the last page.
type ConversationPage struct {
	Cards []ConversationCard
	Next  string
}

// Conversations reads one page of the grid.
func (s *Queries) Conversations(ctx context.Context, q ConversationQuery) (ConversationPage, error) {
	after, err := decodeKey(q.Cursor)
	if err != nil {
		return ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	limit := clampLimit(q.Limit)
	// What the text names exactly (an email, a customer id, an application number)
	// comes first, on the first page, and is left out of the pages after it.
	var exact []string
	if strings.TrimSpace(q.Search) != "" && q.Status == "" && limit > 1 {
		if exact, err = s.exactConversations(ctx, q.Search); err != nil {
			return ConversationPage{}, fmt.Errorf("list conversations: %w", err)
		}
		exact = exact[:min(len(exact), limit/2)]
	}
	keys, err := s.conversationKeys(ctx, q, after, limit+1+len(exact))
	if err != nil {
		return ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	var ids []string
	if after == nil {
		ids = append(ids, exact...)
	}
	if len(exact) > 0 {
		keys = slices.DeleteFunc(keys, func(k conversationKey) bool { return slices.Contains(exact, k.id) })
	}
	page := ConversationPage{}
	if room := limit - len(ids); len(keys) > room {
		keys = keys[:room]
		last := keys[len(keys)-1]
		page.Next = encodeCursor(last.startedAt, last.id)
	}
	for _, k := range keys {
		ids = append(ids, k.id)
	}
	if page.Cards, err = s.CardsByID(ctx, ids, q.Now, q.Thresholds); err != nil {
		return ConversationPage{}, fmt.Errorf("list conversations: %w", err)
	}
	return page, nil
}

// conversationKeys finds up to n conversations after the cursor that pass the status
// filter and the search, newest first.
func (s *Queries) conversationKeys(ctx context.Context, q ConversationQuery, after *conversationKey, n int) ([]conversationKey, error) {
	if strings.TrimSpace(q.Search) == "" {
		return s.statusKeys(ctx, q.Status, q.Now, q.Thresholds, after, n)
	}
	srch, err := s.compileSearch(ctx, q.Search, sparseFor(n))
	if err != nil {
		return nil, err
	}
	if srch.empty() {
		return nil, nil
	}
	if srch.sparse() {
		if q.Status == "" {
			return s.sortedCandidates(ctx, srch.matched, after, n)
		}
		return s.candidateKeys(ctx, srch.candidateList(), q, after, n)
	}
	return s.scanKeys(ctx, srch, q, after, n)
}

// statusKeys pages through one status (or all) in newest-first order, each status
// through the index that serves it.
func (s *Queries) statusKeys(ctx context.Context, st projection.Status, now time.Time, th projection.Thresholds, after *conversationKey, n int) ([]conversationKey, error) {
	from, where, args, err := s.statusSource(ctx, st, now, th)
	if err != nil {
		return nil, err
	}
	return s.keys(ctx, from, where, args, after, n)
}

// statusSource is the FROM clause (with its index) and condition for one status.
func (s *Queries) statusSource(ctx context.Context, st projection.Status, now time.Time, th projection.Thresholds) (string, string, []any, error) {
	if st == "" {
		return "conversations INDEXED BY conversations_walk", "1", nil, nil
	}
	where, args, err := StatusFilter(st, now, th)
	if err != nil {
		return "", "", nil, err
	}
	switch st {
	case projection.StatusApproved, projection.StatusDeclined:
		return "conversations INDEXED BY conversations_walk_decision", where, args, nil
	case projection.StatusEnded:
		return "conversations INDEXED BY conversations_walk_ended", where, args, nil
	case projection.StatusHardEnd:
		return "conversations INDEXED BY conversations_walk_open", where, args, nil
	}
	// Active, Paused and Soft End are usually few and recent: read their activity
	// range and sort it. When one is large, walking the open conversations newest
	// first finds a page sooner.
	few, err := s.fewerThan(ctx, "SELECT 1 FROM conversations INDEXED BY conversations_open WHERE "+where, args, sparseLimit)
	if err != nil {
		return "", "", nil, err
	}
	if few {
		return "conversations INDEXED BY conversations_open", where, args, nil
	}
	return "conversations INDEXED BY conversations_walk_open", where, args, nil
}

// fewerThan reports whether query returns fewer than n rows, reading at most n.
func (s *Queries) fewerThan(ctx context.Context, query string, args []any, n int) (bool, error) {
	var count int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM ("+query+" LIMIT ?)", append(slices.Clone(args), n)...).Scan(&count)
	if err != nil {
		return false, fmt.Errorf("count: %w", err)
	}
	return count < n, nil
}

// keysSQL selects cols FROM from WHERE where, after the cursor, newest first.
func keysSQL(cols, from, where string, args []any, after *conversationKey, n int) (string, []any) {
	query := "SELECT " + cols + " FROM " + from + " WHERE " + where
	args = slices.Clone(args)
	if after != nil {
		query += " AND (started_at, id) < (?, ?)"
		args = append(args, after.startedAt, after.id)
	}
	return query + " ORDER BY started_at DESC, id DESC LIMIT ?", append(args, n)
}

// keys reads the keys of up to n conversations FROM from WHERE where, after the
// cursor, newest first.
func (s *Queries) keys(ctx context.Context, from, where string, args []any, after *conversationKey, n int) ([]conversationKey, error) {
	query, args := keysSQL("started_at, id", from, where, args, after, n)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("page keys: %w", err)
	}
	defer rows.Close()
	var out []conversationKey
	for rows.Next() {
		var k conversationKey
		if err := rows.Scan(&k.startedAt, &k.id); err != nil {
			return nil, fmt.Errorf("page keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// candidateKeys pages through a known (small) set of conversation ids.
func (s *Queries) candidateKeys(ctx context.Context, ids []string, q ConversationQuery, after *conversationKey, n int) ([]conversationKey, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	where, args := "id IN (SELECT value FROM json_each(?))", []any{string(list)}
	if q.Status != "" {
		w, a, err := StatusFilter(q.Status, q.Now, q.Thresholds)
		if err != nil {
			return nil, err
		}
		where, args = where+" AND "+w, append(args, a...)
	}
	return s.keys(ctx, "conversations", where, args, after, n)
}

// sortedCandidates pages through a known (small) set of conversations, most with
// their start time already read: only the rest are looked up, and the set is sorted
// here rather than by SQLite, which would read every row again.
func (s *Queries) sortedCandidates(ctx context.Context, matched map[string]int64, after *conversationKey, n int) ([]conversationKey, error) {
	keys := make([]conversationKey, 0, len(matched))
	var unknown []string
	for id, started := range matched {
		if started == unknownStart {
			unknown = append(unknown, id)
			continue
		}
		keys = append(keys, conversationKey{startedAt: started, id: id})
	}
	if len(unknown) > 0 {
		list, err := json.Marshal(unknown)
		if err != nil {
			return nil, err
		}
		read, err := s.keys(ctx, "conversations INDEXED BY conversations_start", "id IN (SELECT value FROM json_each(?))",
			[]any{string(list)}, nil, len(unknown))
		if err != nil {
			return nil, err
		}
		keys = append(keys, read...)
	}
	slices.SortFunc(keys, func(a, b conversationKey) int {
		return cmp.Or(cmp.Compare(b.startedAt, a.startedAt), cmp.Compare(b.id, a.id))
	})
	out := keys[:0]
	for _, k := range keys {
		if after != nil && !after.before(k) {
			continue
		}
		if out = append(out, k); len(out) == n {
			break
		}
	}
	return out, nil
}

// scanKeys walks the status's conversations newest first in chunks, testing each
// chunk against the search, until it has n matches or runs out.
func (s *Queries) scanKeys(ctx context.Context, srch *search, q ConversationQuery, after *conversationKey, n int) ([]conversationKey, error) {
	from, where, args, err := s.statusSource(ctx, q.Status, q.Now, q.Thresholds)
	if err != nil {
		return nil, err
	}
	var out []conversationKey
	for size := scanChunk; len(out) < n; size = min(2*size, maxScanChunk) {
		chunk, err := s.scanRows(ctx, from, where, args, after, size)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			break
		}
		hits, err := srch.test(ctx, s, chunk)
		if err != nil {
			return nil, err
		}
		for _, r := range chunk {
			if hits[r.key.id] && len(out) < n {
				out = append(out, r.key)
			}
		}
		after = &chunk[len(chunk)-1].key
		if len(chunk) < size {
			break
		}
	}
	return out, nil
}

// scanRow is what a dense search tests of a conversation without more reads.
type scanRow struct {
	key               conversationKey
	customerID        string
	applicationNumber string
	decision          string
	// messages is the span of the conversation's message ids; zero without messages.
	messages [2]int64
}

func (s *Queries) scanRows(ctx context.Context, from, where string, args []any, after *conversationKey, size int) ([]scanRow, error) {
	query, args := keysSQL("started_at, id, customer_id, application_number, decision, coalesce(first_message, 0), coalesce(last_message, 0)",
		from, where, args, after, size)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("scan conversations: %w", err)
	}
	defer rows.Close()
	var out []scanRow
	for rows.Next() {
		var r scanRow
		if err := rows.Scan(&r.key.startedAt, &r.key.id, &r.customerID, &r.applicationNumber, &r.decision,
			&r.messages[0], &r.messages[1]); err != nil {
			return nil, fmt.Errorf("scan conversations: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StatusCounts counts the conversations per status at now among those matching the
// search ("" for all). Every status is present.
func (s *Queries) StatusCounts(ctx context.Context, searchText string, now time.Time, th projection.Thresholds) (map[projection.Status]int, error) {
	var counts map[projection.Status]int
	var err error
	if strings.TrimSpace(searchText) == "" {
		counts, err = s.allStatusCounts(ctx, now, th)
	} else {
		counts, err = s.searchStatusCounts(ctx, searchText, now, th)
	}
	if err != nil {
		return nil, fmt.Errorf("status counts: %w", err)
	}
	for _, st := range projection.Statuses {
		counts[st] += 0 // every status present
	}
	return counts, nil
}

// allStatusCounts counts each status on the index that holds it, reading index
// entries only.
func (s *Queries) allStatusCounts(ctx context.Context, now time.Time, th projection.Thresholds) (map[projection.Status]int, error) {
	parts := []string{
		"(SELECT count(*) FROM conversations INDEXED BY conversations_walk_decision WHERE decision = 'APPROVED')",
		"(SELECT count(*) FROM conversations INDEXED BY conversations_walk_decision WHERE decision = 'DECLINED')",
		"(SELECT count(*) FROM conversations INDEXED BY conversations_walk_ended WHERE " + endedSQL + ")",
	}
	order := []projection.Status{projection.StatusApproved, projection.StatusDeclined, projection.StatusEnded}
	var args []any
	c := cutoffsAt(now, th)
	for _, st := range []projection.Status{projection.StatusActive, projection.StatusPaused, projection.StatusSoftEnd, projection.StatusHardEnd} {
		lo, hi := c.activityRange(st)
		parts = append(parts, "(SELECT count(*) FROM conversations INDEXED BY conversations_open WHERE "+openSQL+
			" AND last_activity_at >= ? AND last_activity_at < ?)")
		args = append(args, lo, hi)
		order = append(order, st)
	}
	vals := make([]int, len(order))
	dest := make([]any, len(order))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := s.db.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	counts := make(map[projection.Status]int, len(order))
	for i, st := range order {
		counts[st] = vals[i]
	}
	return counts, nil
}

// searchStatusCounts counts every match of a search by status. With dense sources
// this reads all their matches, which for a common word costs far more than a page.
func (s *Queries) searchStatusCounts(ctx context.Context, text string, now time.Time, th projection.Thresholds) (map[projection.Status]int, error) {
	counts := map[projection.Status]int{}
	srch, err := s.compileSearch(ctx, text, sparseLimit)
	if err != nil || srch.empty() {
		return counts, err
	}
	where, args, err := srch.countFilter()
	if err != nil {
		return nil, err
	}
	expr, eargs := statusCase(now, th)
	rows, err := s.db.QueryContext(ctx, "SELECT "+expr+", count(*) FROM conversations WHERE "+where+" GROUP BY 1",
		append(eargs, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		counts[projection.Status(st)] = n
	}
	return counts, rows.Err()
}

// ConversationsOfCustomer are a customer's conversation cards, newest first.
func (s *Queries) ConversationsOfCustomer(ctx context.Context, customerID string, now time.Time, th projection.Thresholds) ([]ConversationCard, error) {
	cards, err := s.queryCards(ctx, now, th, true, cardSelect+" WHERE c.customer_id = ? ORDER BY c.started_at DESC, c.id DESC LIMIT ?",
		customerID, MaxPage)
	if err != nil {
		return nil, fmt.Errorf("conversations of customer %s: %w", customerID, err)
	}
	return cards, nil
}

// ConversationsOfApplication are the cards of the conversations about an
// application, newest first.
func (s *Queries) ConversationsOfApplication(ctx context.Context, number string, now time.Time, th projection.Thresholds) ([]ConversationCard, error) {
	cards, err := s.queryCards(ctx, now, th, true, cardSelect+" WHERE c.application_number = ? ORDER BY c.started_at DESC, c.id DESC LIMIT ?",
		number, MaxPage)
	if err != nil {
		return nil, fmt.Errorf("conversations of application %s: %w", number, err)
	}
	return cards, nil
}
