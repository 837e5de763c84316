package supervisor_test

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/simulator"
	"github.com/billie/supervisor/backend/store"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

func TestAttentionReasons(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	th := projection.DefaultThresholds
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	for _, tc := range []struct {
		name string
		f    AttentionFacts
		want []string
	}{
		{"quiet and fine", AttentionFacts{LastSender: "assistant", LastMessageAt: ago(time.Minute)}, nil},
		{"customer just wrote", AttentionFacts{LastSender: "customer", LastMessageAt: ago(10 * time.Second)}, nil},
		{"customer waiting", AttentionFacts{LastSender: "customer", LastMessageAt: ago(2 * time.Minute)},
			[]string{"waiting:Customer waiting for a reply for 2m"}},
		{"no waiting once decided", AttentionFacts{Decision: "APPROVED", LastSender: "customer", LastMessageAt: ago(time.Hour)}, nil},
		{"high fraud risk", AttentionFacts{FraudResult: "HIGH_RISK", LastSender: "assistant"}, []string{"fraud:Fraud check: high risk"}},
		{"low fraud risk", AttentionFacts{FraudResult: "LOW_RISK", LastSender: "assistant"}, nil},
		{"identity referred, sanctions, PEP", AttentionFacts{IdentityResult: "REFER", Sanctions: "POTENTIAL_MATCH", PEP: "PEP"},
			[]string{"identity:Identity referred, sanctions potential match, politically exposed person"}},
		{"identity passed", AttentionFacts{IdentityResult: "PASS", Sanctions: "CLEAR", PEP: "NOT_PEP"}, nil},
		{"silent after the offer", AttentionFacts{ProcessStep: "product_offer", LastSender: "assistant", LastMessageAt: ago(5 * time.Minute)},
			[]string{"offer_silence:No reply for 5m after the offer"}},
		{"offer just made", AttentionFacts{ProcessStep: "product_offer", LastSender: "assistant", LastMessageAt: ago(time.Minute)}, nil},
		{"offer accepted", AttentionFacts{ProcessStep: "product_offer", OfferAccepted: true, LastSender: "assistant", LastMessageAt: ago(time.Hour)}, nil},
		{"expired licence", AttentionFacts{ExpiredDocs: []string{"DRIVERS_LICENCE"}}, []string{"expired_document:Driver licence expired"}},
		{"declined", AttentionFacts{Decision: "DECLINED", LastSender: "assistant"}, []string{"declined:Declined"}},
		{"withdrawn", AttentionFacts{Decision: "WITHDRAWN", LastSender: "assistant"}, []string{"ended_by_customer:Withdrawn by the customer"}},
		{"ended by the customer", AttentionFacts{Ended: true, LastSender: "customer", LastMessageAt: ago(time.Hour)},
			[]string{"ended_by_customer:Ended by the customer"}},
		{"ended by the assistant", AttentionFacts{Ended: true, LastSender: "assistant"}, nil},
		{"several, most urgent first", AttentionFacts{Decision: "DECLINED", FraudResult: "HIGH_RISK", ExpiredDocs: []string{"PASSPORT"}},
			[]string{"fraud:Fraud check: high risk", "expired_document:Passport expired", "declined:Declined"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range AttentionReasons(tc.f, now, th) {
				got = append(got, r.Code+":"+r.Label)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// The view on real SQLite: facts read from the conversation, its application and
// customer; only the last day's conversations; most urgent first; cards as the grid's.
func TestNeedsAttention(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := &qLedger{ms: now.Add(-72 * time.Hour).UnixMilli()}
	at := now.Add(-time.Hour)
	// Fine: the assistant answered, identity passed.
	l.conv(qConv{id: "c-fine", app: "APP-1", cust: "cust-1", first: "Fine", last: "One", start: at,
		msgs: []qMsg{{at: at, text: "hi", sender: "customer"}, {at: now.Add(-10 * time.Second), text: "hello", sender: "assistant"}}})
	l.add("identityRisk_assessment", "c-fine", "APP-1", "cust-1", 50, at, map[string]any{"decision": "PASS", "sanctionsResult": "CLEAR", "pepResult": "NOT_PEP"})
	// Waiting for the assistant for 3 minutes.
	l.conv(qConv{id: "c-wait", app: "APP-2", cust: "cust-2", first: "Wait", last: "Ing", start: at,
		msgs: []qMsg{{at: now.Add(-3 * time.Minute), text: "hello?", sender: "customer"}}})
	// Declined, with a high fraud risk on its application and an expired passport.
	l.conv(qConv{id: "c-fraud", app: "APP-3", cust: "cust-3", first: "Fraud", last: "Y", start: at, decision: "DECLINED",
		msgs: []qMsg{{at: at, text: "bye", sender: "assistant"}}})
	l.add("fraudCheck_results", "c-fraud", "APP-3", "cust-3", 51, at, map[string]any{"result": "HIGH_RISK", "score": 0.9})
	l.add("applicationDetail_changed", "c-fraud", "APP-3", "cust-3", 52, at, map[string]any{"customerIdentityDocuments": []any{
		map[string]any{"customer_id": "cust-3", "document_type": "PASSPORT", "document_number": "P1", "expiry_date": "2020-01-01"}}})
	// Declined two days ago: history, not attention.
	old := now.Add(-48 * time.Hour)
	l.conv(qConv{id: "c-old", app: "APP-4", cust: "cust-4", first: "Old", last: "One", start: old, decision: "DECLINED",
		msgs: []qMsg{{at: old, text: "bye", sender: "assistant"}}})
	// Declined an hour ago.
	l.conv(qConv{id: "c-declined", app: "APP-5", cust: "cust-5", first: "Dec", last: "Lined", start: at, decision: "DECLINED",
		msgs: []qMsg{{at: at.Add(time.Minute), text: "sorry", sender: "assistant"}}})
	// Approved: nothing to see; approved despite a medium fraud risk: flagged.
	l.conv(qConv{id: "c-approved", app: "APP-6", cust: "cust-6", first: "App", last: "Roved", start: at, decision: "APPROVED",
		msgs: []qMsg{{at: at, text: "done", sender: "assistant"}}})
	l.conv(qConv{id: "c-approved-fraud", app: "APP-7", cust: "cust-7", first: "Risky", last: "Approval", start: at.Add(-time.Minute), decision: "APPROVED",
		msgs: []qMsg{{at: at.Add(-time.Minute), text: "done", sender: "assistant"}}})
	l.add("fraudCheck_results", "c-approved-fraud", "APP-7", "cust-7", 53, at, map[string]any{"result": "MEDIUM_RISK"})
	l.apply(t, st)

	items, total, err := st.NeedsAttention(ctx, now, projection.DefaultThresholds, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		s := it.Card.ID + " ="
		for _, r := range it.Reasons {
			s += " " + r.Code
		}
		got = append(got, s)
	}
	want := []string{"c-wait = waiting", "c-fraud = fraud expired_document declined", "c-approved-fraud = fraud", "c-declined = declined"}
	if !reflect.DeepEqual(got, want) || total != 4 {
		t.Errorf("needs attention: %q (total %d), want %q (4)", got, total, want)
	}
	if len(items) > 0 && items[0].Card.DisplayName != "Wait Ing" {
		t.Errorf("card not as the grid's: %+v", items[0].Card)
	}
	for _, it := range items {
		if !reflect.DeepEqual(it.Card.Attention, it.Reasons) {
			t.Errorf("%s: the card's reasons %v, the item's %v", it.Card.ID, it.Card.Attention, it.Reasons)
		}
	}
	// The limit cuts the list, not the total.
	items, total, err = st.NeedsAttention(ctx, now, projection.DefaultThresholds, 1)
	if err != nil || len(items) != 1 || total != 4 {
		t.Errorf("limit 1: %d items, total %d, %v", len(items), total, err)
	}

	// Every card of the grid carries its own reasons, the view's or none.
	page, err := st.Conversations(ctx, ConversationQuery{Limit: 50, Now: now, Thresholds: projection.DefaultThresholds})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, c := range page.Cards {
		s := c.ID + " ="
		for _, r := range c.Attention {
			s += " " + r.Code
		}
		got = append(got, s)
	}
	slices.Sort(got)
	want = []string{"c-approved =", "c-approved-fraud = fraud", "c-declined = declined", "c-fine =",
		"c-fraud = fraud expired_document declined", "c-old =", "c-wait = waiting"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grid cards' attention: %q, want %q", got, want)
	}
}

// Each rule surfaces with its reason once its events are applied, and leaves the view
// when later events settle it: the facts follow every write of the conversation, its
// application and its customer.
func TestNeedsAttentionFollowsEvents(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	type ev struct {
		typ string
		dat map[string]any
	}
	customer := func(sender string, end bool) ev {
		typ := "user_input"
		if sender == "assistant" {
			typ = "assistant_response"
		}
		return ev{typ, map[string]any{"utterance": "hi", "end_conversation": end}}
	}
	offer := ev{"applicationDetail_changed", map[string]any{"applicationProcess": map[string]any{
		"currentProcessStage": "offer", "currentProcessStep": "product_offer"}}}
	for _, tc := range []struct {
		name   string
		noApp  bool // the conversation never learns its application number
		events []ev
		want   []string // reason codes, most urgent first; nil: not in the view
	}{
		{"answered", false, []ev{customer("customer", false), customer("assistant", false)}, nil},
		{"waiting", false, []ev{customer("assistant", false), customer("customer", false)}, []string{"waiting"}},
		{"waiting, then approved", false, []ev{customer("customer", false), {"final_decision", map[string]any{"decision": "APPROVED"}}}, nil},
		{"high fraud risk", false, []ev{customer("assistant", false), {"fraudCheck_results", map[string]any{"result": "HIGH_RISK"}}},
			[]string{"fraud"}},
		{"fraud risk revised to low", false, []ev{customer("assistant", false), {"fraudCheck_results", map[string]any{"result": "HIGH_RISK"}},
			{"fraudCheck_results", map[string]any{"result": "LOW_RISK"}}}, nil},
		{"identity referred", false, []ev{customer("assistant", false),
			{"identityRisk_assessment", map[string]any{"decision": "REFER", "sanctionsResult": "CLEAR", "pepResult": "NOT_PEP"}}},
			[]string{"identity"}},
		{"politically exposed", false, []ev{customer("assistant", false),
			{"identityRisk_assessment", map[string]any{"decision": "PASS", "sanctionsResult": "CLEAR", "pepResult": "PEP"}}},
			[]string{"identity"}},
		{"silent after the offer", false, []ev{offer, customer("customer", false), customer("assistant", false)}, []string{"offer_silence"}},
		{"offer accepted", false, []ev{offer, customer("assistant", false),
			{"applicationDetail_changed", map[string]any{"productOfferAcceptance": true}}}, nil},
		{"expired licence", false, []ev{customer("assistant", false), {"applicationDetail_changed", map[string]any{"customerIdentityDocuments": []any{
			map[string]any{"customer_id": "cust-x", "document_type": "DRIVERS_LICENCE", "document_number": "L1", "expiry_date": "2026-11-23"}}}}},
			[]string{"expired_document"}},
		// The same document (type and number) with a new date: the customer record keeps one.
		{"licence renewed", false, []ev{customer("assistant", false), {"applicationDetail_changed", map[string]any{"customerIdentityDocuments": []any{
			map[string]any{"customer_id": "cust-x", "document_type": "DRIVERS_LICENCE", "document_number": "L1", "expiry_date": "2026-11-23"}}}},
			{"applicationDetail_changed", map[string]any{"customerIdentityDocuments": []any{
				map[string]any{"customer_id": "cust-x", "document_type": "DRIVERS_LICENCE", "document_number": "L1", "expiry_date": "2031-11-23"}}}}},
			nil},
		{"expires today", false, []ev{customer("assistant", false), {"applicationDetail_changed", map[string]any{"customerIdentityDocuments": []any{
			map[string]any{"customer_id": "cust-x", "document_type": "PASSPORT", "document_number": "P1", "expiry_date": "2026-11-24"}}}}},
			nil},
		{"declined", false, []ev{customer("customer", false), {"final_decision", map[string]any{"decision": "DECLINED"}}}, []string{"declined"}},
		{"withdrawn", false, []ev{customer("assistant", false), {"final_decision", map[string]any{"decision": "WITHDRAWN"}}}, []string{"ended_by_customer"}},
		{"ended by the customer", false, []ev{customer("assistant", false), customer("customer", true)}, []string{"ended_by_customer"}},
		{"ended by the assistant", false, []ev{customer("customer", false), customer("assistant", true)}, nil},
		{"declined with a high fraud risk", false, []ev{customer("assistant", false), {"fraudCheck_results", map[string]any{"result": "HIGH_RISK"}},
			{"final_decision", map[string]any{"decision": "DECLINED"}}}, []string{"fraud", "declined"}},
		{"the conversation's own fraud result", true, []ev{customer("assistant", false),
			{"fraudCheck_results", map[string]any{"result": "HIGH_RISK"}}}, []string{"fraud"}},
		// Decided, so only a flag keeps them in the view: each flag on its own.
		{"approved despite a medium fraud risk", false, []ev{customer("assistant", false),
			{"fraudCheck_results", map[string]any{"result": "MEDIUM_RISK"}}, {"final_decision", map[string]any{"decision": "APPROVED"}}}, []string{"fraud"}},
		{"approved despite an identity referral", false, []ev{customer("assistant", false),
			{"identityRisk_assessment", map[string]any{"decision": "REFER", "sanctionsResult": "CLEAR", "pepResult": "NOT_PEP"}}, {"final_decision", map[string]any{"decision": "APPROVED"}}},
			[]string{"identity"}},
		{"approved despite a sanctions match", false, []ev{customer("assistant", false),
			{"identityRisk_assessment", map[string]any{"decision": "PASS", "sanctionsResult": "POTENTIAL_MATCH", "pepResult": "NOT_PEP"}}, {"final_decision", map[string]any{"decision": "APPROVED"}}},
			[]string{"identity"}},
		{"approved, politically exposed", false, []ev{customer("assistant", false),
			{"identityRisk_assessment", map[string]any{"decision": "PASS", "sanctionsResult": "CLEAR", "pepResult": "PEP"}}, {"final_decision", map[string]any{"decision": "APPROVED"}}},
			[]string{"identity"}},
		{"approved with an expired passport", false, []ev{customer("assistant", false), {"applicationDetail_changed", map[string]any{"customerIdentityDocuments": []any{
			map[string]any{"customer_id": "cust-x", "document_type": "PASSPORT", "document_number": "P1", "expiry_date": "2025-01-01"}}}}, {"final_decision", map[string]any{"decision": "APPROVED"}}},
			[]string{"expired_document"}},
		{"approved, all clear", false, []ev{customer("customer", false),
			{"identityRisk_assessment", map[string]any{"decision": "PASS", "sanctionsResult": "CLEAR", "pepResult": "NOT_PEP"}},
			{"fraudCheck_results", map[string]any{"result": "LOW_RISK"}}, {"final_decision", map[string]any{"decision": "APPROVED"}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := qStore(t)
			ctx := context.Background()
			l := &qLedger{ms: at.UnixMilli()}
			app := "APP-1"
			if tc.noApp {
				app = ""
			}
			l.conv(qConv{id: "c-1", app: app, cust: "cust-x", first: "Ada", last: "Lovelace", start: at})
			for i, e := range tc.events {
				// One batch per event, so every step is an update of what the last wrote.
				l.add(e.typ, "c-1", app, "cust-x", 10+i, at.Add(time.Duration(i+1)*time.Minute), e.dat)
				l.apply(t, st)
			}
			items, total, err := st.NeedsAttention(ctx, now, projection.DefaultThresholds, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				for _, r := range it.Reasons {
					got = append(got, r.Code)
				}
			}
			if !reflect.DeepEqual(got, tc.want) || total != len(items) || (tc.want == nil) != (total == 0) {
				t.Errorf("reasons %q (total %d), want %q", got, total, tc.want)
			}
		})
	}
}

// The facts the triggers keep while a realistic stream (the simulator's, with the
// producer's quirks) is applied batch by batch give the view the rules give over the
// documents themselves, at several instants; and they are the facts the migration's
// backfill computes from scratch for a cache made before it.
func TestAttentionFactsMatchTheDocuments(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	entries, err := simulator.Entries(simulator.Options{Conversations: 400, Seed: 11, Messy: true, Start: start, History: 20 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	live, err := store.Open(ctx, filepath.Join(dir, "live.db"), store.Options{Relaxed: true, SupervisorQueries: true})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	// A cache made before the facts: the same stream without the supervisor set, which
	// the next open adds, backfilling the facts from the records.
	old, err := store.Open(ctx, filepath.Join(dir, "old.db"), store.Options{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(entries); i += 300 {
		b := entries[i:min(i+300, len(entries))]
		if _, err := live.ApplyBatch(ctx, "desktop", b); err != nil {
			t.Fatal(err)
		}
		if _, err := old.ApplyBatch(ctx, "desktop", b); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	backfilled, err := store.Open(ctx, filepath.Join(dir, "old.db"), store.Options{Relaxed: true, SupervisorQueries: true})
	if err != nil {
		t.Fatal(err)
	}
	defer backfilled.Close()

	last, err := ledger.ParseID(entries[len(entries)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	end := time.UnixMilli(int64(last.Ms))
	th := projection.DefaultThresholds
	flagged := 0
	for _, now := range []time.Time{end.Add(-6 * time.Hour), end.Add(time.Second), end.Add(10 * time.Minute), end.Add(20 * time.Hour)} {
		want := reasonsFromDocuments(t, live.Supervisor(), now, th)
		for name, st := range map[string]*store.Store{"applied": live, "backfilled": backfilled} {
			items, total, err := st.Supervisor().NeedsAttention(ctx, now, th, MaxPage)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]Reason{}
			for _, it := range items {
				got[it.Card.ID] = it.Reasons
			}
			if total != len(want) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: %d conversations (%d shown), the documents give %d", name, now, total, len(items), len(want))
				for id, r := range want {
					if !reflect.DeepEqual(got[id], r) {
						t.Errorf("  %s: %v, the documents give %v", id, got[id], r)
					}
				}
				for id, r := range got {
					if want[id] == nil {
						t.Errorf("  %s: %v, the documents give none", id, r)
					}
				}
			}
		}
		flagged += len(want)
	}
	if flagged == 0 {
		t.Fatal("no conversation needs attention at any instant: the comparison shows nothing")
	}
}

// reasonsFromDocuments is the view computed the slow way, as it was before the facts
// were kept: every conversation of the window, its facts read out of its own, its
// application's and its customer's JSON documents, then AttentionReasons.
func reasonsFromDocuments(t *testing.T, q *Queries, now time.Time, th projection.Thresholds) map[string][]Reason {
	t.Helper()
	rows, err := q.Pool().QueryContext(context.Background(), `SELECT c.id, c.decision, c.ended_at IS NOT NULL,
		c.last_message_at, c.last_activity_at,
		json_extract(c.doc, '$.lastMessage.sender', '$.assessments.fraudCheck.value.result',
			'$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
			'$.assessments.identityRisk.value.pepResult'),
		CASE WHEN a.doc IS NOT NULL THEN json_extract(a.doc, '$.assessments.fraudCheck.value.result',
			'$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
			'$.assessments.identityRisk.value.pepResult', '$.detail.applicationProcess.currentProcessStep',
			'$.detail.applicationProcess.currentProcessStage', '$.detail.productOfferAcceptance') END,
		(SELECT json_group_array(json_extract(d.value, '$.document_type'))
			FROM json_each(cu.doc, '$.documents') d WHERE json_extract(d.value, '$.expiry_date') < ?)
		FROM conversations c
		LEFT JOIN applications a ON a.number = c.application_number AND c.application_number != ''
		LEFT JOIN customers cu ON cu.id = c.customer_id AND c.customer_id != ''
		WHERE c.last_activity_at >= ?`, now.UTC().Format("2006-01-02"), now.Add(-AttentionWindow).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	values := func(s sql.NullString) []any {
		var v []any
		if s.Valid {
			if err := json.Unmarshal([]byte(s.String), &v); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
	text := func(v []any, i int) string {
		if i < len(v) {
			s, _ := v[i].(string)
			return s
		}
		return ""
	}
	out := map[string][]Reason{}
	for rows.Next() {
		var f AttentionFacts
		var id string
		var lastMsg sql.NullInt64
		var activity int64
		var conv, app, expired sql.NullString
		if err := rows.Scan(&id, &f.Decision, &f.Ended, &lastMsg, &activity, &conv, &app, &expired); err != nil {
			t.Fatal(err)
		}
		if lastMsg.Valid {
			f.LastMessageAt = time.UnixMilli(lastMsg.Int64)
		}
		f.LastActivityAt = time.UnixMilli(activity)
		cv, av := values(conv), values(app)
		f.LastSender = text(cv, 0)
		f.FraudResult = cmp.Or(text(av, 0), text(cv, 1))
		f.IdentityResult = cmp.Or(text(av, 1), text(cv, 2))
		f.Sanctions = cmp.Or(text(av, 2), text(cv, 3))
		f.PEP = cmp.Or(text(av, 3), text(cv, 4))
		f.ProcessStep, f.ProcessStage = text(av, 4), text(av, 5)
		if len(av) > 6 {
			f.OfferAccepted = av[6] == true || av[6] == float64(1)
		}
		for _, d := range values(expired) {
			s, _ := d.(string)
			f.ExpiredDocs = append(f.ExpiredDocs, s)
		}
		if r := AttentionReasons(f, now, th); len(r) > 0 {
			out[id] = r
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
