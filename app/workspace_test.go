package app

import (
	"errors"
	"testing"
)

// The workspace's bound methods: refused without a session, and over the fixture
// conversation (approved, Priya Raman, who wrote her address on "Smith St").
func TestWorkspaceMethods(t *testing.T) {
	a, backend := fixtureApp(t)
	calls := map[string]func() error{
		"NeedsAttention": func() error { _, err := a.NeedsAttention(50); return err },
		"ExplainMatches": func() error { _, err := a.ExplainMatches("smith", []string{"conv-7f3a91"}); return err },
		"Jump":           func() error { _, err := a.Jump("priya", 1); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, errNotSignedIn) {
			t.Errorf("%s without a session: %v, want %q", name, err, errNotSignedIn)
		}
	}
	signIn(t, a, backend)
	if _, err := a.NeedsAttention(50); err != nil {
		t.Errorf("NeedsAttention: %v", err)
	}
	m, err := a.ExplainMatches("smith", []string{"conv-7f3a91"})
	if err != nil {
		t.Fatal(err)
	}
	got := m["conv-7f3a91"]
	var hits []string
	for _, p := range got.Parts {
		if p.Hit {
			hits = append(hits, p.Text)
		}
	}
	if got.Field != "Customer said" || len(hits) != 1 || hits[0] != "Smith" {
		t.Errorf("ExplainMatches(smith) = %+v", got)
	}
	res, err := a.Jump("priya", 1)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, r := range res {
		kinds[r.Kind] = r.ID + " " + r.Title
	}
	want := map[string]string{"conversation": "conv-7f3a91 Priya Anjali Raman", "customer": "cust-55120 Priya Anjali Raman",
		"application": "APP-2026-004217 APP-2026-004217"}
	for k, w := range want {
		if kinds[k] != w {
			t.Errorf("Jump(priya) %s = %q, want %q (all: %+v)", k, kinds[k], w, res)
		}
	}
	if res, err := a.Jump("  ", 2); err != nil || len(res) != 0 {
		t.Errorf("Jump of nothing: %v, %v", res, err)
	}
}
