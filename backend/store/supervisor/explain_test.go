package supervisor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/projection"
	. "github.com/billie/supervisor/backend/store/supervisor"
)

func TestParseScope(t *testing.T) {
	for _, tc := range []struct {
		in    string
		scope Scope
		text  string
	}{
		{"smith", ScopeAll, "smith"},
		{"name: smith", ScopeName, "smith"},
		{"NAME:smith", ScopeName, "smith"},
		{"msg:smith st", ScopeMessage, "smith st"},
		{"app:APP-2026", ScopeApplication, "APP-2026"},
		{"note: smith", ScopeAll, "note: smith"},
		{":smith", ScopeAll, ":smith"},
	} {
		if sc, text := ParseScope(tc.in); sc != tc.scope || text != tc.text {
			t.Errorf("ParseScope(%q) = %q, %q; want %q, %q", tc.in, sc, text, tc.scope, tc.text)
		}
	}
}

// marked writes a match as "Field: text with [hits]".
func marked(m Match) string {
	var b strings.Builder
	b.WriteString(m.Field + ": ")
	for _, p := range m.Parts {
		if p.Hit {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestSearchExplainsItself(t *testing.T) {
	st := qStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := &qLedger{ms: at.Add(-time.Hour).UnixMilli()}
	long := "I moved last year, my address is unit 4 18 Smith St Fitzroy VIC 3065 and my old one was somewhere else entirely far away"
	// Oldest first: the exact matches are older than the near ones, so only the
	// ranking can put them first.
	l.conv(qConv{id: "c-jane", app: "APP-2026-000123", cust: "cust-jane", first: "Jane", last: "Smith", email: "jane.smith@example.com",
		start: at, msgs: []qMsg{{at: at.Add(time.Second), text: "hello", sender: "customer"}}})
	l.conv(qConv{id: "c-stefan", app: "APP-2026-000200", cust: "cust-stefan", first: "Stefan", last: "Schmidt", email: "stefan@example.org",
		start: at.Add(time.Minute), msgs: []qMsg{
			{at: at.Add(61 * time.Second), text: long, sender: "customer"},
			{at: at.Add(62 * time.Second), text: "Thanks Stefan.", sender: "assistant"},
		}})
	l.conv(qConv{id: "c-smithers", app: "APP-2026-001234", cust: "cust-jane2", first: "Jane", last: "Smithers", email: "jane.smith@example.com.au",
		start: at.Add(2 * time.Minute), msgs: []qMsg{{at: at.Add(121 * time.Second), text: "hi", sender: "customer"}}})
	l.apply(t, st)
	now := at.Add(time.Hour)

	search := func(text string) []string {
		t.Helper()
		return ids(allPages(t, st, ConversationQuery{Search: text, Limit: 10, Now: now, Thresholds: projection.DefaultThresholds}))
	}
	explain := func(text string, want map[string]string) {
		t.Helper()
		got, err := st.ExplainMatches(ctx, text, []string{"c-jane", "c-stefan", "c-smithers"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%q explains %d conversations, want %d: %v", text, len(got), len(want), got)
		}
		for id, w := range want {
			if m := marked(got[id]); m != w {
				t.Errorf("%q: %s matched as %q, want %q", text, id, m, w)
			}
		}
	}

	for _, tc := range []struct {
		text string
		want []string
	}{
		// Exact first: the email, the customer id, the application number, then the rest newest first.
		{"jane.smith@example.com", []string{"c-jane", "c-smithers"}},
		{"cust-jane", []string{"c-jane"}}, // no other source matches a customer id
		{"app-2026-000123", []string{"c-jane"}},
		{"APP-2026-000", []string{"c-stefan", "c-jane"}},
		{"smith", []string{"c-smithers", "c-stefan", "c-jane"}},
		// Scopes.
		{"name:smith", []string{"c-smithers", "c-jane"}},
		{"msg:smith", []string{"c-stefan"}},
		{"app:APP-2026-001", []string{"c-smithers"}},
		{"app:smith", nil},
	} {
		if got := search(tc.text); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("search %q = %v, want %v", tc.text, got, tc.want)
		}
	}

	explain("smith", map[string]string{
		"c-jane":     "Name: Jane [Smith]",
		"c-smithers": "Name: Jane [Smithers]",
		"c-stefan":   "Customer said: …year, my address is unit 4 18 [Smith] St Fitzroy VIC 3065 and my old one was somewhere else …",
	})
	explain("jane.smith@example.com", map[string]string{
		"c-jane":     "Email: [jane.smith@example.com]",
		"c-smithers": "Email: [jane].[smith]@[example].[com].au",
	})
	explain("APP-2026-000123", map[string]string{"c-jane": "Application: [APP-2026-000123]"})
	explain("app:app-2026-0002", map[string]string{"c-stefan": "Application: [APP-2026-0002]00"})
	explain("msg:thanks stef", map[string]string{"c-stefan": "Assistant said: [Thanks] [Stefan]."})
	explain("name:stefan", map[string]string{"c-stefan": "Name: [Stefan] Schmidt"})
	explain("zz", map[string]string{})

	// The palette: the three kinds, exact first, a few of each.
	j, err := st.Jump(ctx, "jane.smith@example.com", now, projection.DefaultThresholds, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Conversations) == 0 || j.Conversations[0].ID != "c-jane" {
		t.Errorf("jump conversations: %v", ids(j.Conversations))
	}
	if len(j.Customers) == 0 || j.Customers[0].ID != "cust-jane" {
		t.Errorf("jump customers: %+v", j.Customers)
	}
	if j, err = st.Jump(ctx, "APP-2026-0012", now, projection.DefaultThresholds, 5); err != nil || len(j.Applications) != 1 || j.Applications[0].Number != "APP-2026-001234" {
		t.Errorf("jump applications: %+v, %v", j.Applications, err)
	}
}
