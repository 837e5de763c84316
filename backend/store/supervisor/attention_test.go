package supervisor_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
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
	// Approved: nothing to see; approved despite a high fraud risk: flagged (the byte
	// search for flag codes lets it through to the JSON).
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
	// The limit cuts the list, not the total.
	items, total, err = st.NeedsAttention(ctx, now, projection.DefaultThresholds, 1)
	if err != nil || len(items) != 1 || total != 4 {
		t.Errorf("limit 1: %d items, total %d, %v", len(items), total, err)
	}
}
