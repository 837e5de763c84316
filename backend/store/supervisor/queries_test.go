package supervisor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

// qDB is a store in a temporary file, with the supervisor queries over it: the store
// applies the test's entries, the queries read them.
type qDB struct {
	*store.Store
	*Queries
}

// qStore opens a qDB, closed when the test ends. The supervisor indexes come with the
// store's supervisor migrations (Options.SupervisorQueries).
func qStore(t *testing.T) qDB {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "cache.db"), store.Options{Relaxed: true, SupervisorQueries: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return qDB{Store: st, Queries: st.Supervisor()}
}

// qLedger builds chatLedger entries with increasing stream ids.
type qLedger struct {
	ms      int64
	entries []ledger.Entry
}

type qMsg struct {
	at     time.Time
	text   string
	sender string // "customer" or "assistant"
	end    bool
}

type qConv struct {
	id, app, cust       string
	first, last, email  string
	start               time.Time
	msgs                []qMsg
	decision            string
	unstarted, noPerson bool
}

func (l *qLedger) add(typ, cid, aid, uid string, seq int, tsp time.Time, dat map[string]any) {
	b, err := json.Marshal(dat)
	if err != nil {
		panic(err)
	}
	l.ms++
	l.entries = append(l.entries, ledger.Entry{ID: fmt.Sprintf("%d-0", l.ms), Fields: map[string]string{
		"agt": "broker", "typ": typ, "cid": cid, "aid": aid, "uid": uid, "seq": strconv.Itoa(seq),
		"tsp": tsp.UTC().Format("2006-01-02T15:04:05.000Z"), "dat": string(b),
	}})
}

func (l *qLedger) conv(c qConv) {
	seq := 1
	if !c.unstarted {
		l.add("conversation_started", c.id, c.app, c.cust, seq, c.start,
			map[string]any{"conversation_id": c.id, "application_number": c.app, "customer_id": c.cust})
	}
	if !c.noPerson {
		seq++
		l.add("applicationDetail_changed", c.id, c.app, c.cust, seq, c.start, map[string]any{
			"applicationNumber": c.app, "customerId": c.cust, "loanAmount": 400,
			"customer": map[string]any{"customer_id": c.cust, "first_name": c.first, "last_name": c.last, "email_address": c.email},
		})
	}
	for _, m := range c.msgs {
		seq++
		typ := "user_input"
		if m.sender == "assistant" {
			typ = "assistant_response"
		}
		l.add(typ, c.id, c.app, c.cust, seq, m.at, map[string]any{"utterance": m.text, "end_conversation": m.end})
	}
	if c.decision != "" {
		seq++
		l.add("final_decision", c.id, c.app, c.cust, seq, c.start, map[string]any{"decision": c.decision})
	}
}

func (l *qLedger) apply(t *testing.T, st qDB) {
	t.Helper()
	for len(l.entries) > 0 {
		n := min(500, len(l.entries))
		if _, err := st.ApplyBatch(context.Background(), "desktop", l.entries[:n]); err != nil {
			t.Fatal(err)
		}
		l.entries = l.entries[n:]
	}
}

// allPages pages through a grid query with a small page size.
func allPages(t *testing.T, st qDB, q ConversationQuery) []ConversationCard {
	t.Helper()
	var out []ConversationCard
	q.Cursor = ""
	for i := 0; ; i++ {
		p, err := st.Conversations(context.Background(), q)
		if err != nil {
			t.Fatalf("page %d of %+v: %v", i, q, err)
		}
		out = append(out, p.Cards...)
		if p.Next == "" {
			return out
		}
		if i > 10000 {
			t.Fatal("endless paging")
		}
		q.Cursor = p.Next
	}
}

func ids(cards []ConversationCard) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.ID
	}
	return out
}

// ---------------------------------------------------------------------------
// Status rules

var qThresholdSets = []projection.Thresholds{
	projection.DefaultThresholds,
	{Paused: time.Second, SoftEnd: 2 * time.Second, HardEnd: 3 * time.Second},
	{Paused: 90 * time.Second, SoftEnd: 10 * time.Minute, HardEnd: time.Hour},
	// Out of order: StatusAt checks hard end first, and so must the SQL.
	{Paused: 20 * time.Minute, SoftEnd: 3 * time.Minute, HardEnd: 2 * time.Minute},
}

// statusCorpus makes conversations whose last activity sits on, just before and
// just after every threshold of every set, plus decided, ended and silent ones.
func statusCorpus(anchor time.Time, rng *rand.Rand) []qConv {
	var offsets []time.Duration
	for _, th := range qThresholdSets {
		for _, d := range []time.Duration{th.Paused, th.SoftEnd, th.HardEnd} {
			offsets = append(offsets, d-time.Millisecond, d, d+time.Millisecond, d+2*time.Millisecond)
		}
	}
	for range 60 {
		offsets = append(offsets, time.Duration(rng.Int64N(int64(48*time.Hour))))
	}
	decisions := []string{"", "", "", "APPROVED", "DECLINED", "approved", "WITHDRAWN"}
	var convs []qConv
	for i, off := range offsets {
		last := anchor.Add(-off)
		c := qConv{
			id: fmt.Sprintf("conv-%04d", i), app: fmt.Sprintf("APP-%04d", i), cust: fmt.Sprintf("cust-%04d", i%50),
			first: "First", last: "Last", start: last.Add(-time.Duration(rng.IntN(3)) * time.Minute),
			decision: decisions[rng.IntN(len(decisions))],
		}
		switch rng.IntN(4) {
		case 0: // no message: the start counts
			c.start = last
		default:
			c.msgs = []qMsg{{at: last, text: "hello", sender: "customer", end: rng.IntN(8) == 0}}
		}
		convs = append(convs, c)
	}
	return convs
}

func TestStatusFilterAgreesWithStatusAt(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	anchor := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	convs := statusCorpus(anchor, rng)
	l := &qLedger{ms: anchor.Add(-72 * time.Hour).UnixMilli()}
	for _, c := range convs {
		l.conv(c)
	}
	l.apply(t, st)

	docs := map[string]*projection.Conversation{}
	for _, c := range convs {
		d, err := st.Conversation(ctx, c.id)
		if err != nil || d == nil {
			t.Fatalf("conversation %s: %v", c.id, err)
		}
		docs[c.id] = d
	}
	// Instants on the millisecond and between milliseconds, so the cut-offs' rounding
	// is exercised.
	nows := []time.Time{anchor, anchor.Add(time.Nanosecond), anchor.Add(500 * time.Microsecond),
		anchor.Add(time.Millisecond - time.Nanosecond), anchor.Add(-time.Millisecond), anchor.Add(90 * time.Second)}
	seen := map[projection.Status]int{}
	for _, th := range qThresholdSets {
		for _, now := range nows {
			want := map[projection.Status][]string{}
			for id, d := range docs {
				s := projection.StatusAt(d.StatusInputs(), now, th)
				want[s] = append(want[s], id)
				seen[s]++
			}
			checkStatuses(t, st, now, th, want)
		}
	}
	for _, s := range projection.Statuses {
		if seen[s] == 0 {
			t.Errorf("the corpus never shows %s; the test would not notice a wrong filter", s)
		}
	}
}

func checkStatuses(t *testing.T, st qDB, now time.Time, th projection.Thresholds, want map[projection.Status][]string) {
	t.Helper()
	counts, err := st.StatusCounts(context.Background(), "", now, th)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range projection.Statuses {
		cards := allPages(t, st, ConversationQuery{Status: s, Limit: 7, Now: now, Thresholds: th})
		got, exp := ids(cards), slices.Clone(want[s])
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Fatalf("now %s, thresholds %+v, status %s:\n got %v\nwant %v", now.Format(time.RFC3339Nano), th, s, got, exp)
		}
		for _, c := range cards {
			if c.Status != s {
				t.Fatalf("card %s under filter %s shows %s", c.ID, s, c.Status)
			}
		}
		if counts[s] != len(exp) {
			t.Fatalf("now %s, thresholds %+v: count of %s is %d, want %d", now.Format(time.RFC3339Nano), th, s, counts[s], len(exp))
		}
	}
}

func TestStatusFilterUsesIndexes(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	now := time.Now()
	for _, s := range append([]projection.Status{""}, projection.Statuses...) {
		from, where, args, err := st.StatusSource(ctx, s, now, projection.DefaultThresholds)
		if err != nil {
			t.Fatal(err)
		}
		q, qargs := KeysSQL("started_at, id", from, where, args, NewKey(now.UnixMilli(), "x"), 10)
		plan := explain(t, st, q, qargs...)
		if !strings.Contains(plan, "USING") || strings.Contains(plan, "SCAN conversations\n") {
			t.Errorf("status %q reads without an index:\n%s", s, plan)
		}
	}
}

func explain(t *testing.T, st qDB, q string, args ...any) string {
	t.Helper()
	rows, err := st.Pool().Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

func TestCutoffSolvesTheIdleInequality(t *testing.T) {
	base := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, now := range []time.Time{base, base.Add(1), base.Add(999_999), base.Add(-1), time.Unix(0, 5)} {
		for _, th := range []time.Duration{0, 1, time.Millisecond, 3*time.Minute + 7} {
			c := Cutoff(now, th)
			for last := c - 3; last <= c+3; last++ {
				idle := now.Sub(time.UnixMilli(last)) > th
				if idle != (last < c) {
					t.Fatalf("now %v th %v last %d: idle %v but cutoff %d", now, th, last, idle, c)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Search

type qPerson struct{ first, last, email string }

var qPeople = []qPerson{
	{"Priya", "Raman", "priya.raman@example.com"},
	{"Oliver", "Brown", "ollie@example.org"},
	{"Mia", "Thompson", "mia.t@example.com"},
	{"Zoë", "Müller", "zoe@example.de"},
	{"Jo", "Smith", "jo.smith@example.com"},
}

var qTexts = []string{
	"my licence expires soon", "I need money for the vet", "car rego is due",
	"passport number 12345678", "surgery for my dog", "the licence was renewed",
	"approved, thanks", "what happens next?", "licensed driver since 2010",
}

// searchCorpus is a few hundred conversations over the people and texts above.
func searchCorpus(rng *rand.Rand, anchor time.Time) []qConv {
	decisions := []string{"", "APPROVED", "DECLINED", "WITHDRAWN"}
	var out []qConv
	for i := range 240 {
		p := qPeople[rng.IntN(len(qPeople))]
		start := anchor.Add(-time.Duration(rng.IntN(72*60)) * time.Minute)
		c := qConv{id: fmt.Sprintf("c%03d", i), app: fmt.Sprintf("APP-2026-%06d", rng.IntN(5000)),
			cust: fmt.Sprintf("cust-%02d-%s", i%40, strings.ToLower(p.last)), first: p.first, last: p.last,
			email: p.email, start: start, decision: decisions[rng.IntN(len(decisions))]}
		for j := range rng.IntN(4) {
			c.msgs = append(c.msgs, qMsg{at: start.Add(time.Duration(j+1) * time.Minute), sender: "customer",
				text: qTexts[rng.IntN(len(qTexts))]})
		}
		out = append(out, c)
	}
	return out
}

// refMatch is the search semantics, written plainly over the corpus.
func refMatch(c qConv, cust qPerson, text string) bool {
	raw := strings.TrimSpace(text)
	toks := SearchTokens(raw)
	if len(toks) == 0 {
		return false
	}
	hasWordPrefixes := func(words []string) bool {
		for _, tk := range toks {
			if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, tk) }) {
				return false
			}
		}
		return true
	}
	fold := func(s string) string { return strings.NewReplacer("ë", "e", "ü", "u").Replace(strings.ToLower(s)) }
	name := SearchTokens(fold(cust.first + " " + cust.last + " " + cust.email))
	for i, tk := range toks {
		toks[i] = fold(tk)
	}
	switch {
	case hasWordPrefixes(name):
		return true
	case !strings.ContainsFunc(raw, func(r rune) bool { return r == ' ' }) &&
		(strings.HasPrefix(c.app, raw) || strings.HasPrefix(c.app, strings.ToUpper(raw))):
		return true
	case len(toks) == 1 && len(toks[0]) >= 3 && !strings.ContainsAny(toks[0], "0123456789") &&
		strings.HasPrefix(strings.ToUpper(c.decision), strings.ToUpper(toks[0])):
		return true
	}
	for _, m := range c.msgs {
		if hasWordPrefixes(SearchTokens(m.text)) {
			return true
		}
	}
	return false
}

func TestSearchMatchesNamesNumbersDecisionsAndWords(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	anchor := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	convs := searchCorpus(rand.New(rand.NewPCG(3, 4)), anchor)
	l := &qLedger{ms: anchor.Add(-100 * time.Hour).UnixMilli()}
	people := map[string]qPerson{}
	for _, c := range convs {
		l.conv(c)
		people[c.cust] = qPerson{c.first, c.last, c.email} // the last delta wins
	}
	l.apply(t, st)

	queries := []string{"priya", "PRIYA", "ram", "raman priya", "priya.raman", "example", "zoe", "Zoë", "müller",
		"APP-2026-00", "app-2026-0012", "approved", "decl", "withdrawn", "licence", "lic", "licence expires",
		"exp lic", "vet", "the", "12345678", "surgery dog", "nobody", "smith jo", "  vet  ", "-", "x"}
	now := anchor
	th := projection.DefaultThresholds
	for _, q := range queries {
		var want []string
		for _, c := range convs {
			if refMatch(c, people[c.cust], q) {
				want = append(want, c.id)
			}
		}
		for _, plan := range []struct {
			name  string
			limit int
		}{{"dense", 0}, {"sparse", 1 << 30}, {"mixed", 20}} {
			got := searchAll(t, st, q, plan.limit, "", now, th)
			checkSameSet(t, fmt.Sprintf("search %q (%s)", q, plan.name), got, want)
		}
		// Through the public API (whatever plan it picks), with paging and order.
		cards := allPages(t, st, ConversationQuery{Search: q, Limit: 9, Now: now, Thresholds: th})
		checkSameSet(t, fmt.Sprintf("search %q", q), ids(cards), want)
		checkNewestFirst(t, cards)
		counts, err := st.StatusCounts(ctx, q, now, th)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		if total != len(want) {
			t.Errorf("search %q: counts add up to %d, want %d", q, total, len(want))
		}
	}
}

// searchAll runs the grid's search with a chosen sparse limit, so each plan is
// tested on a small corpus.
func searchAll(t *testing.T, st qDB, text string, limit int, status projection.Status, now time.Time, th projection.Thresholds) []string {
	t.Helper()
	ctx := context.Background()
	srch, err := st.CompileSearch(ctx, text, limit)
	if err != nil {
		t.Fatal(err)
	}
	if srch.Empty() {
		return nil
	}
	q := ConversationQuery{Status: status, Now: now, Thresholds: th}
	var keys []Key
	var after *Key
	for {
		var page []Key
		if srch.Sparse() {
			page, err = st.CandidateKeys(ctx, srch.CandidateList(), q, after, 5)
		} else {
			page, err = st.ScanKeys(ctx, srch, q, after, 5)
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, page...)
		if len(page) < 5 {
			break
		}
		after = &page[len(page)-1]
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID()
		if i > 0 && !keys[i-1].Before(k) {
			t.Fatalf("search %q: keys out of order at %d", text, i)
		}
	}
	return out
}

func checkSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if len(slices.Compact(slices.Clone(g))) != len(g) {
		t.Errorf("%s: duplicates in %v", what, g)
	}
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got %d %v\nwant %d %v", what, len(g), g, len(w), w)
	}
}

func checkNewestFirst(t *testing.T, cards []ConversationCard) {
	t.Helper()
	for i := 1; i < len(cards); i++ {
		a, b := cards[i-1], cards[i]
		if a.StartedAt.Before(b.StartedAt) || a.StartedAt.Equal(b.StartedAt) && a.ID < b.ID {
			t.Fatalf("cards out of order: %s (%s) before %s (%s)", a.ID, a.StartedAt, b.ID, b.StartedAt)
		}
	}
}

func TestSearchWithStatusFilterAndPrefixExpansionLimit(t *testing.T) {
	st := qStore(t)
	anchor := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := &qLedger{ms: anchor.Add(-10 * time.Hour).UnixMilli()}
	// 70 distinct words starting with "lic", one conversation each: more than a
	// prefix may stand for, so "lic" matches the word "lic" only; "lica" stands for
	// ten of them, few enough to be spelled out.
	for i := range 70 {
		l.conv(qConv{id: fmt.Sprintf("w%02d", i), app: fmt.Sprintf("APP-%02d", i), cust: "cust-1", first: "Ann", last: "Lee",
			start: anchor.Add(-time.Duration(i) * time.Minute),
			msgs:  []qMsg{{at: anchor.Add(-time.Duration(i) * time.Minute), text: fmt.Sprintf("lic%c%c", 'a'+i/10, 'a'+i%10)}}})
	}
	l.conv(qConv{id: "exact", app: "APP-99", cust: "cust-1", first: "Ann", last: "Lee", start: anchor.Add(-2 * time.Hour),
		msgs: []qMsg{{at: anchor.Add(-2 * time.Hour), text: "lic"}}})
	l.apply(t, st)
	th := projection.DefaultThresholds
	for _, limit := range []int{0, 1 << 30} {
		checkSameSet(t, "lic", searchAll(t, st, "lic", limit, "", anchor, th), []string{"exact"})
		checkSameSet(t, "licab", searchAll(t, st, "licab", limit, "", anchor, th), []string{"w01"})
		checkSameSet(t, "licb", searchAll(t, st, "licb", limit, "", anchor, th),
			[]string{"w10", "w11", "w12", "w13", "w14", "w15", "w16", "w17", "w18", "w19"})
		// Active (idle up to 3 min): w00..w03 have their one message 0..3 minutes ago.
		got := searchAll(t, st, "lica", limit, projection.StatusActive, anchor, th)
		checkSameSet(t, "lica active", got, []string{"w00", "w01", "w02", "w03"})
	}
}

// ---------------------------------------------------------------------------
// Customers and applications

func TestCustomersAndApplications(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	anchor := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := &qLedger{ms: anchor.Add(-10 * time.Hour).UnixMilli()}
	for i, p := range qPeople {
		for j := range 2 {
			l.conv(qConv{id: fmt.Sprintf("c%d%d", i, j), app: fmt.Sprintf("APP-%d%d", i, j), cust: fmt.Sprintf("cust-%d", i),
				first: p.first, last: p.last, email: p.email, start: anchor.Add(-time.Duration(10*i+j) * time.Minute),
				decision: []string{"", "APPROVED"}[j]})
		}
	}
	l.apply(t, st)

	page, err := st.SearchCustomers(ctx, "", "", 2)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		for _, r := range page.Rows {
			names = append(names, r.Name)
			if r.Applications != 2 || r.Conversations != 2 {
				t.Errorf("customer %s: %d applications, %d conversations; want 2 and 2", r.ID, r.Applications, r.Conversations)
			}
		}
		if page.Next == "" {
			break
		}
		if page, err = st.SearchCustomers(ctx, "", page.Next, 2); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.IsSorted(names) || len(names) != len(qPeople) {
		t.Errorf("customers by name: %v", names)
	}
	for q, want := range map[string]string{"raman": "cust-0", "ollie": "cust-1", "cust-3": "cust-3", "zoe": "cust-3"} {
		p, err := st.SearchCustomers(ctx, q, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != 1 || p.Rows[0].ID != want {
			t.Errorf("customers %q: %+v, want %s", q, p.Rows, want)
		}
	}

	apps, err := st.Applications(ctx, ApplicationQuery{Status: "approved", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps.Rows) != 3 || apps.Next == "" {
		t.Fatalf("approved applications, first page: %+v", apps)
	}
	rest, err := st.Applications(ctx, ApplicationQuery{Status: "approved", Cursor: apps.Next, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	all := append(apps.Rows, rest.Rows...)
	if len(all) != len(qPeople) {
		t.Errorf("approved applications: %d, want %d", len(all), len(qPeople))
	}
	for _, r := range all {
		if r.Status != "approved" || !strings.HasSuffix(r.Number, "1") || r.ConversationID == "" || r.CustomerName == "" {
			t.Errorf("approved row %+v", r)
		}
	}
	for q, want := range map[string]int{"app-0": 2, "APP-21": 1, "priya": 2, "nobody": 0} {
		p, err := st.Applications(ctx, ApplicationQuery{Search: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != want {
			t.Errorf("applications %q: %d rows, want %d", q, len(p.Rows), want)
		}
	}
	mine, err := st.ApplicationsOfCustomer(ctx, "cust-2")
	if err != nil || len(mine) != 2 {
		t.Errorf("applications of cust-2: %v %v", mine, err)
	}
	cards, err := st.ConversationsOfCustomer(ctx, "cust-2", anchor, projection.DefaultThresholds)
	if err != nil || len(cards) != 2 || cards[0].CustomerName != "Mia Thompson" {
		t.Errorf("conversations of cust-2: %+v %v", cards, err)
	}
	cards, err = st.ConversationsOfApplication(ctx, "APP-21", anchor, projection.DefaultThresholds)
	if err != nil || len(cards) != 1 || cards[0].Status != projection.StatusApproved {
		t.Errorf("conversations of APP-21: %+v %v", cards, err)
	}
}

func TestCardsByIDKeepsOrderAndSkipsUnknown(t *testing.T) {
	st := qStore(t)
	anchor := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := &qLedger{ms: anchor.Add(-time.Hour).UnixMilli()}
	for i := range 3 {
		l.conv(qConv{id: fmt.Sprintf("k%d", i), app: "APP-1", cust: "cust-1", first: "Ann", last: "Lee",
			start: anchor.Add(time.Duration(i) * time.Minute),
			msgs:  []qMsg{{at: anchor.Add(time.Duration(i) * time.Minute), text: "hi", sender: "assistant"}}})
	}
	l.conv(qConv{id: "ghost", unstarted: true, noPerson: true, start: anchor, msgs: []qMsg{{at: anchor, text: "late"}}})
	l.apply(t, st)
	cards, err := st.CardsByID(context.Background(), []string{"k2", "nope", "k0", "k1", "ghost"}, anchor, projection.DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cards); !slices.Equal(got, []string{"k2", "k0", "k1", "ghost"}) {
		t.Fatalf("order %v", got)
	}
	c := cards[0]
	if c.CustomerName != "Ann Lee" || c.LastMessage == nil || c.LastMessage.Text != "hi" || c.MessageCount != 1 ||
		c.LastMessageAt.IsZero() || c.ApplicationNumber != "APP-1" {
		t.Errorf("card %+v", c)
	}
	if g := cards[3]; g.CustomerName != "" || g.CustomerID != "" {
		t.Errorf("ghost card %+v", g)
	}
}

// A short page of a record search walks the index when many records match and reads
// the matches when few do; either way it is the start of the full list.
func TestShortPagesOfRecordSearches(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	l := &qLedger{ms: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli()}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	// 150 customers named Olive (more than a page of one collects) and three named Zed.
	for i := range 153 {
		first := "Olive"
		if i >= 150 {
			first = "Zed"
		}
		id := fmt.Sprintf("%03d", i)
		l.conv(qConv{id: "c-" + id, app: "APP-" + id, cust: "cust-" + id, first: first, last: "N" + id,
			start: at.Add(time.Duration(i%37) * time.Minute)})
	}
	l.apply(t, st)
	for _, text := range []string{"oli", "olive n01", "zed", "app-01", "cust-1", "nobody"} {
		fullApps, err := st.Applications(ctx, ApplicationQuery{Search: text, Limit: MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		fullCustomers, err := st.SearchCustomers(ctx, text, "", MaxPage)
		if err != nil {
			t.Fatal(err)
		}
		if text != "nobody" && len(fullApps.Rows) == 0 {
			t.Fatalf("%q: no applications", text)
		}
		for _, n := range []int{1, 2, 5, 60} {
			apps, err := st.Applications(ctx, ApplicationQuery{Search: text, Limit: n})
			if err != nil {
				t.Fatal(err)
			}
			want := fullApps.Rows[:min(n, len(fullApps.Rows))]
			if got := apps.Rows; !reflect.DeepEqual(got, want) {
				t.Errorf("applications %q, %d: %d rows, want the first %d of the full list", text, n, len(got), len(want))
			}
			customers, err := st.SearchCustomers(ctx, text, "", n)
			if err != nil {
				t.Fatal(err)
			}
			wantC := fullCustomers.Rows[:min(n, len(fullCustomers.Rows))]
			if got := customers.Rows; !reflect.DeepEqual(got, wantC) {
				t.Errorf("customers %q, %d: %d rows, want the first %d of the full list", text, n, len(got), len(wantC))
			}
		}
	}
}
