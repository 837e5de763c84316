package simulator

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestMessyQuirksAppear(t *testing.T) {
	es := generate(t, Options{Conversations: 300, Seed: 31, Messy: true})
	type seen struct{ cid, typ, seq string }
	published := map[seen]int{}
	for _, e := range es {
		f := e.Fields
		if f["seq"] != "" && f["cid"] != "" {
			published[seen{f["cid"], f["typ"], f["seq"]}]++
		}
	}
	isObject := func(dat string) bool { var m map[string]any; return json.Unmarshal([]byte(dat), &m) == nil }
	quirks := []struct {
		name string
		hit  func(f map[string]string) bool
	}{
		{"double-encoded dat", func(f map[string]string) bool { return strings.HasPrefix(f["dat"], `"{`) }},
		{"empty seq on broker event", func(f map[string]string) bool { return f["agt"] == "broker" && f["seq"] == "" }},
		{"missing tsp", func(f map[string]string) bool { _, ok := f["tsp"]; return !ok }},
		{"unzoned tsp", func(f map[string]string) bool {
			return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`).MatchString(f["tsp"])
		}},
		{"space and offset tsp", func(f map[string]string) bool { return regexp.MustCompile(`^\S+ \S+\+1[01]:00$`).MatchString(f["tsp"]) }},
		{"numeric string amount", func(f map[string]string) bool {
			return regexp.MustCompile(`"(loanAmount|amount)": "\d+\.\d\d"`).MatchString(f["dat"])
		}},
		{"email as value object", func(f map[string]string) bool { return strings.Contains(f["dat"], `"email_address": {"value": `) }},
		{"agentName and content", func(f map[string]string) bool { return strings.Contains(f["dat"], `"agentName": `) }},
		{"fraudCheck_assessment", func(f map[string]string) bool { return f["typ"] == "fraudCheck_assessment" }},
		{"outcome instead of decision", func(f map[string]string) bool {
			return f["typ"] == "final_decision" && strings.Contains(f["dat"], `"outcome": `)
		}},
		{"ids only in dat", func(f map[string]string) bool {
			return f["agt"] == "broker" && f["aid"] == "" && f["uid"] == "" && f["cid"] != "" &&
				strings.Contains(decodeString(f["dat"]), "pplication")
		}},
		{"re-published event", func(f map[string]string) bool {
			return published[seen{f["cid"], f["typ"], f["seq"]}] > 1
		}},
		{"unknown broker type", func(f map[string]string) bool { return f["typ"] == "broker_debug_snapshot" }},
		{"dat not JSON", func(f map[string]string) bool { return !json.Valid([]byte(f["dat"])) }},
		{"message without cid", func(f map[string]string) bool { _, ok := f["cid"]; return !ok }},
		{"array dat", func(f map[string]string) bool { return strings.HasPrefix(f["dat"], "[") && !isObject(f["dat"]) }},
	}
	for _, q := range quirks {
		t.Run(q.name, func(t *testing.T) {
			n := 0
			for _, e := range es {
				if q.hit(e.Fields) {
					n++
				}
			}
			if n == 0 {
				t.Fatalf("no %s in 300 messy conversations", q.name)
			}
			if n > len(es)/10 {
				t.Fatalf("%s in %d of %d entries, want a few percent at most", q.name, n, len(es))
			}
		})
	}
}

func decodeString(dat string) string {
	var s string
	if json.Unmarshal([]byte(dat), &s) == nil {
		return s
	}
	return dat
}

func TestCleanRunHasNoQuirks(t *testing.T) {
	for _, e := range generate(t, Options{Conversations: 200, Seed: 31}) {
		f := e.Fields
		switch {
		case strings.HasPrefix(f["dat"], `"`), f["typ"] == "broker_debug_snapshot", f["typ"] == "fraudCheck_assessment",
			strings.Contains(f["dat"], `"agentName"`), strings.Contains(f["dat"], `"outcome": "APPROVED"`),
			strings.Contains(f["dat"], `{"value": `):
			t.Fatalf("quirk in a clean run: %v", f)
		}
	}
}

func TestMessyBrokenEventsAreRare(t *testing.T) {
	es := generate(t, Options{Conversations: 500, Seed: 32, Messy: true})
	broken := 0
	for _, e := range es {
		_, hasCid := e.Fields["cid"]
		if decode(e.Fields["dat"]) == nil || !hasCid {
			broken++
		}
	}
	if broken == 0 || broken*100 > len(es) {
		t.Fatalf("%d broken of %d entries, want some but under 1%%", broken, len(es))
	}
}
