package supervisor_test

import (
	"context"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

func TestAddressedName(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Are you still there, Konstantinos? I'll keep your application open for a little while.", "Konstantinos"},
		{"Nice to meet you, Priya. What's your date of birth and home address?", "Priya"},
		{"Thanks Priya. What's the best email address and mobile number to reach you on?", "Priya"},
		{"All done, Priya. The money will be in your account shortly.", "Priya"},
		{"I'm sorry, Zoë. We're not able to approve your application today.", "Zoë"},
		{"No problem at all, O'Brien. I've withdrawn your application.", "O'Brien"},
		{"Hi Mary Ann, welcome back.", "Mary Ann"},
		// The assistant's own name, greetings, weekdays and pronouns are no vocatives.
		{"Hi, I'm Billie. I can help you apply for a small loan today. How much would you like to borrow?", ""},
		{"Thanks. Car rego is a common reason. Could you tell me your full name as it appears on your ID?", ""},
		{"Sure, Monday works.", ""},
		{"Great, Thanks!", ""},
		{"Good news: we can offer $400 over 60 days with a $20 fee, $420 in total. Do you accept?", ""},
		{"You're verified. Next I need to look at your bank statements.", ""},
		{"", ""},
	} {
		if got := AddressedName(tc.text); got != tc.want {
			t.Errorf("AddressedName(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestFormatAUD(t *testing.T) {
	for v, want := range map[float64]string{0: "$0.00", 400: "$400.00", 1234.5: "$1,234.50", 1234567.891: "$1,234,567.89", -20: "-$20.00"} {
		if got := FormatAUD(v); got != want {
			t.Errorf("FormatAUD(%v) = %q, want %q", v, got, want)
		}
	}
}

// Cards and customer rows name a nameless customer by the best thing known, the same
// on every screen, and the customers list opens on named customers.
func TestDisplayNames(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := &qLedger{ms: at.Add(-time.Hour).UnixMilli()}
	// Named in the profile.
	l.conv(qConv{id: "c-named", app: "APP-1", cust: "cust-1", first: "Priya", last: "Raman", start: at,
		msgs: []qMsg{{at: at.Add(time.Second), text: "Are you still there, Konstantinos?", sender: "assistant"}}})
	// No name sent; the assistant's latest vocative wins over an earlier one, a
	// customer's words never name them.
	l.conv(qConv{id: "c-msg", cust: "cust-2", start: at.Add(time.Minute), noPerson: true, msgs: []qMsg{
		{at: at.Add(61 * time.Second), text: "Thanks Kon. What's your address?", sender: "assistant"},
		{at: at.Add(62 * time.Second), text: "Call me, Bob.", sender: "customer"},
		{at: at.Add(63 * time.Second), text: "Are you still there, Konstantinos?", sender: "assistant"},
	}})
	// No name, no vocative: the loan.
	l.conv(qConv{id: "c-loan", app: "APP-3", cust: "cust-3", start: at.Add(2 * time.Minute), noPerson: true,
		msgs: []qMsg{{at: at.Add(121 * time.Second), text: "Hi, I'm Billie. How much would you like to borrow?", sender: "assistant"}}})
	l.add("applicationDetail_changed", "c-loan", "APP-3", "cust-3", 9, at.Add(122*time.Second),
		map[string]any{"applicationNumber": "APP-3", "customerId": "cust-3", "loanAmount": 1500, "loanPurpose": "car registration"})
	// Nothing but the customer id.
	l.conv(qConv{id: "c-id", cust: "cust-4", start: at.Add(3 * time.Minute), noPerson: true})
	// Customers the producer sent without a name (an email only).
	for i, c := range [][3]string{{"c-msg", "cust-2", "APP-2"}, {"c-id", "cust-4", "APP-4"}} {
		l.add("applicationDetail_changed", c[0], c[2], c[1], 20+i, at.Add(4*time.Minute), map[string]any{"applicationNumber": c[2],
			"customer": map[string]any{"customer_id": c[1], "email_address": c[1] + "@example.com"}})
	}
	// Nothing at all.
	l.conv(qConv{id: "c-none", start: at.Add(4 * time.Minute), noPerson: true})
	l.apply(t, st)

	want := map[string]struct {
		name string
		src  NameSource
	}{
		"c-named": {"Priya Raman", NameFromProfile},
		"c-msg":   {"Konstantinos", NameFromMessage},
		"c-loan":  {"$1,500.00 · Car registration", NameFromLoan},
		"c-id":    {"cust-4", NameFromID},
		"c-none":  {"", NameNone},
	}
	check := func(where string, cards []ConversationCard) {
		t.Helper()
		for _, c := range cards {
			w, ok := want[c.ID]
			if !ok {
				continue
			}
			if c.DisplayName != w.name || c.NameSource != w.src {
				t.Errorf("%s: %s named %q (%s), want %q (%s)", where, c.ID, c.DisplayName, c.NameSource, w.name, w.src)
			}
		}
	}
	q := ConversationQuery{Limit: 50, Now: at.Add(time.Hour), Thresholds: projection.DefaultThresholds}
	grid := allPages(t, st, q)
	if len(grid) != 5 {
		t.Fatalf("grid has %d cards, want 5", len(grid))
	}
	check("grid", grid)
	q.Search = "still there"
	check("search", allPages(t, st, q))
	byCustomer, err := st.ConversationsOfCustomer(ctx, "cust-2", q.Now, q.Thresholds)
	if err != nil || len(byCustomer) != 1 {
		t.Fatalf("conversations of cust-2: %v, %d", err, len(byCustomer))
	}
	check("customer", byCustomer)

	var rows []CustomerRow
	for cursor := ""; ; {
		p, err := st.SearchCustomers(ctx, "", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, p.Rows...)
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.ID+"="+r.DisplayName+"/"+string(r.NameSource))
	}
	wantRows := []string{
		"cust-1=Priya Raman/profile", // named first
		"cust-2=Konstantinos/message",
		"cust-3=$1,500.00 · Car registration/loan",
		"cust-4=cust-4/id",
	}
	if len(got) != len(wantRows) {
		t.Fatalf("customers: %q, want %q", got, wantRows)
	}
	for i := range got {
		if got[i] != wantRows[i] {
			t.Errorf("customers[%d] = %q, want %q", i, got[i], wantRows[i])
		}
	}
}
