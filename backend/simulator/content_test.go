package simulator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// status applies the contract's supervisor status rules at now.
func statuses(es []Entry, now time.Time) map[string]int {
	type conv struct {
		last     time.Time
		decision string
		ended    bool
	}
	convs := map[string]*conv{}
	for _, e := range es {
		if e.At.After(now) || e.Fields["agt"] != "broker" {
			continue
		}
		c := convs[e.Fields["cid"]]
		if c == nil {
			c = &conv{}
			convs[e.Fields["cid"]] = c
		}
		dat := decode(e.Fields["dat"])
		switch e.Fields["typ"] {
		case "user_input", "assistant_response":
			c.last = e.At
			c.ended = c.ended || dat["e"] == "true" || dat["end_conversation"] == true
		case "final_decision":
			c.decision, _ = dat["decision"].(string)
		}
	}
	out := map[string]int{}
	for _, c := range convs {
		idle := now.Sub(c.last)
		switch {
		case c.decision == "APPROVED":
			out["Approved"]++
		case c.decision == "DECLINED":
			out["Declined"]++
		case c.ended:
			out["Ended"]++
		case idle > 24*time.Hour:
			out["Hard End"]++
		case idle > 20*time.Minute:
			out["Soft End"]++
		case idle > 3*time.Minute:
			out["Paused"]++
		default:
			out["Active"]++
		}
	}
	return out
}

func TestAllStatusesOccur(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		es := generate(t, Options{Conversations: 300, Seed: seed, History: 48 * time.Hour})
		got := statuses(es, anchor)
		for _, s := range []string{"Active", "Paused", "Soft End", "Hard End", "Ended", "Approved", "Declined"} {
			if got[s] == 0 {
				t.Errorf("seed %d: no %s conversation at Start: %v", seed, s, got)
			}
		}
	}
}

func TestRealisticContent(t *testing.T) {
	es := generate(t, Options{Conversations: 200, Seed: 21, History: 26 * time.Hour})
	checks := []struct {
		name string
		hit  func(typ string, dat map[string]any, raw string) bool
	}{
		{"LLMChatResponse message", func(typ string, d map[string]any, _ string) bool {
			return strings.HasSuffix(typ, "_response") && d["u"] != nil
		}},
		{"utterance message", func(typ string, d map[string]any, _ string) bool { return d["utterance"] != nil }},
		{"leaked tax_file_number", func(_ string, d map[string]any, _ string) bool {
			c, _ := d["customer"].(map[string]any)
			return c["tax_file_number"] != nil
		}},
		{"+614 mobile", func(_ string, _ map[string]any, raw string) bool {
			return regexp.MustCompile(`"mobile_phone_number": "\+614\d{8}"`).MatchString(raw)
		}},
		{"residential address", func(_ string, _ map[string]any, raw string) bool {
			return strings.Contains(raw, `"residential_address": {"address_type": "RESIDENTIAL"`) &&
				strings.Contains(raw, `"country": "Australia"`)
		}},
		{"driver licence", func(_ string, _ map[string]any, raw string) bool { return strings.Contains(raw, "DRIVERS_LICENCE") }},
		{"passport", func(_ string, _ map[string]any, raw string) bool { return strings.Contains(raw, `"PASSPORT"`) }},
		{"composite noticeboard agent", func(typ string, d map[string]any, _ string) bool {
			n, _ := d["agent_name"].(string)
			return typ == "noticeboard_updated" && strings.Contains(n, "::")
		}},
		{"declined with reason", func(typ string, d map[string]any, _ string) bool {
			return typ == "final_decision" && d["decision"] == "DECLINED" && d["reason"] != ""
		}},
		{"end flag", func(_ string, d map[string]any, _ string) bool { return d["e"] == "true" }},
		{"other agent", func(typ string, _ map[string]any, _ string) bool { return typ == "agent_heartbeat" }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range es {
				if c.hit(e.Fields["typ"], decode(e.Fields["dat"]), e.Fields["dat"]) {
					return
				}
			}
			t.Errorf("no entry shows %s", c.name)
		})
	}
}

func TestLoanAmountsInRange(t *testing.T) {
	for _, e := range generate(t, Options{Conversations: 300, Seed: 22}) {
		if e.Fields["typ"] != "applicationDetail_changed" {
			continue
		}
		d := decode(e.Fields["dat"])
		if a, ok := d["loanAmount"].(float64); ok && (a < 200 || a > 2000) {
			t.Fatalf("loan amount %v outside $200-$2,000", a)
		}
	}
}

func TestNoticeboardTopicsHaveVersions(t *testing.T) {
	posts := map[string]int{} // cid + agent name -> posts
	for _, e := range generate(t, Options{Conversations: 50, Seed: 23}) {
		if e.Fields["typ"] == "noticeboard_updated" {
			posts[e.Fields["cid"]+" "+decode(e.Fields["dat"])["agent_name"].(string)]++
		}
	}
	for _, n := range posts {
		if n > 1 {
			return
		}
	}
	t.Fatal("no noticeboard topic was posted twice in one conversation")
}

func TestAbandonedConversationsHaveNoEnd(t *testing.T) {
	es := generate(t, Options{Conversations: 200, Seed: 24})
	ended := map[string]bool{}
	for _, e := range es {
		d := decode(e.Fields["dat"])
		if d["e"] == "true" || d["end_conversation"] == true {
			ended[e.Fields["cid"]] = true
		}
	}
	if open := 200 - len(ended); open < 20 || open > 100 {
		t.Fatalf("%d of 200 conversations never end, want roughly a quarter", open)
	}
}
