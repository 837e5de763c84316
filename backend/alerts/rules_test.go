package alerts

import (
	_ "embed"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v2"
)

//go:embed rules.yml
var rulesYAML []byte

type promRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func shippedRules(t *testing.T) []promRule {
	t.Helper()
	var f struct {
		Groups []struct {
			Name  string     `yaml:"name"`
			Rules []promRule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.UnmarshalStrict(rulesYAML, &f); err != nil {
		t.Fatal(err)
	}
	var out []promRule
	for _, g := range f.Groups {
		out = append(out, g.Rules...)
	}
	if len(out) == 0 {
		t.Fatal("no rules in rules.yml")
	}
	return out
}

// Every rule of rules.yml has an in-process twin with the same name, severity,
// duration and runbook, and the other way round.
func TestRulesMatchTheShippedOnes(t *testing.T) {
	inProc := map[string]Rule{}
	for _, r := range Rules(Thresholds{}) {
		inProc[r.Name] = r
	}
	seen := map[string]bool{}
	for _, pr := range shippedRules(t) {
		seen[pr.Alert] = true
		r, ok := inProc[pr.Alert]
		if !ok {
			t.Errorf("%s: in rules.yml, not in Rules()", pr.Alert)
			continue
		}
		var d time.Duration
		if pr.For != "" {
			var err error
			if d, err = time.ParseDuration(pr.For); err != nil {
				t.Errorf("%s: for %q: %v", pr.Alert, pr.For, err)
			}
		}
		if d != r.For {
			t.Errorf("%s: for %s in rules.yml, %s in process", pr.Alert, d, r.For)
		}
		if pr.Labels["severity"] != r.Severity {
			t.Errorf("%s: severity %q in rules.yml, %q in process", pr.Alert, pr.Labels["severity"], r.Severity)
		}
		if pr.Annotations["runbook_url"] != r.Runbook {
			t.Errorf("%s: runbook %q in rules.yml, %q in process", pr.Alert, pr.Annotations["runbook_url"], r.Runbook)
		}
		if pr.Annotations["summary"] == "" {
			t.Errorf("%s: no summary", pr.Alert)
		}
	}
	for name := range inProc {
		if !seen[name] {
			t.Errorf("%s: in Rules(), not in rules.yml", name)
		}
	}
}

// Every runbook a rule names is a section of docs/runbooks.md.
func TestRunbooksExist(t *testing.T) {
	doc, err := os.ReadFile("../../docs/runbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			anchors[anchor(h)] = true
		}
	}
	for _, r := range Rules(Thresholds{}) {
		a, ok := strings.CutPrefix(r.Runbook, "docs/runbooks.md#")
		if !ok || !anchors[a] {
			t.Errorf("%s: runbook %q is no section of docs/runbooks.md", r.Name, r.Runbook)
		}
		if !strings.Contains(string(doc), r.Name) {
			t.Errorf("%s: docs/runbooks.md does not name the alert", r.Name)
		}
	}
}

var notAnchor = regexp.MustCompile(`[^a-z0-9 _-]`)

// anchor is the id GitHub gives a heading.
func anchor(h string) string {
	return strings.ReplaceAll(notAnchor.ReplaceAllString(strings.ToLower(strings.TrimSpace(h)), ""), " ", "-")
}
