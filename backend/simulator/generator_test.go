package simulator

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"negative conversations", Options{Conversations: -1}},
		{"negative history", Options{Conversations: 1, History: -time.Hour}},
		{"negative spread", Options{Conversations: 1, Spread: -time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.o); err == nil {
				t.Fatalf("New(%+v) succeeded, want error", tt.o)
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"clean", Options{Conversations: 60, Seed: 1}},
		{"messy", Options{Conversations: 60, Seed: 2, Messy: true}},
		{"history and spread", Options{Conversations: 60, Seed: 3, History: 48 * time.Hour, Spread: 10 * time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := generate(t, tt.o), generate(t, tt.o)
			if len(a) == 0 || !reflect.DeepEqual(a, b) {
				t.Fatalf("two runs differ (%d vs %d entries)", len(a), len(b))
			}
			other := tt.o
			other.Seed += 100
			if reflect.DeepEqual(a, generate(t, other)) {
				t.Fatal("a different seed produced the same entries")
			}
		})
	}
}

func TestMessyKeepsContent(t *testing.T) {
	// Quirks come from their own RNG, so customers say the same things.
	names := func(es []Entry) []string {
		var out []string
		for _, e := range es {
			if e.Fields["typ"] == "conversation_started" {
				out = append(out, e.Fields["cid"])
			}
		}
		return out
	}
	clean := generate(t, Options{Conversations: 40, Seed: 5})
	messy := generate(t, Options{Conversations: 40, Seed: 5, Messy: true})
	if !reflect.DeepEqual(names(clean), names(messy)) {
		t.Fatal("Messy changed which conversations start, or their order")
	}
}

func TestOrderedByAt(t *testing.T) {
	for _, messy := range []bool{false, true} {
		es := generate(t, Options{Conversations: 200, Seed: 9, Messy: messy, History: 30 * time.Hour, Spread: time.Hour})
		for i := 1; i < len(es); i++ {
			if es[i].At.Before(es[i-1].At) {
				t.Fatalf("messy=%v: entry %d at %s before entry %d at %s", messy, i, es[i].At, i-1, es[i-1].At)
			}
		}
	}
}

func TestStartWindow(t *testing.T) {
	tests := []struct {
		name          string
		o             Options
		first, latest time.Time
	}{
		{"around start", Options{}, anchor, anchor.Add(time.Minute)},
		{"spread only", Options{Spread: time.Hour}, anchor, anchor.Add(time.Hour)},
		{"history and spread", Options{History: 48 * time.Hour, Spread: 10 * time.Minute},
			anchor.Add(-48 * time.Hour), anchor.Add(10 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Conversations, tt.o.Seed = 150, 4
			for _, e := range generate(t, tt.o) {
				if e.Fields["typ"] != "conversation_started" {
					continue
				}
				if e.At.Before(tt.first) || e.At.After(tt.latest) {
					t.Fatalf("conversation starts at %s, outside [%s, %s]", e.At, tt.first, tt.latest)
				}
			}
		})
	}
}

func TestEveryContractTypeAppears(t *testing.T) {
	es := generate(t, Options{Conversations: 200, Seed: 11, History: 26 * time.Hour})
	seen := map[string]int{}
	for _, e := range es {
		seen[e.Fields["typ"]]++
	}
	want := []string{"conversation_started", "user_input", "assistant_response", "applicationDetail_changed",
		"identityRisk_assessment", "serviceability_assessment_results", "fraudCheck_results",
		"affordability_assessment", "noticeboard_updated", "final_decision", "conversation_summary"}
	for _, typ := range want {
		if seen[typ] == 0 {
			t.Errorf("no %s in 200 conversations (seen %v)", typ, seen)
		}
	}
	if seen["conversation_started"] != 200 {
		t.Errorf("conversation_started = %d, want 200", seen["conversation_started"])
	}
}

func TestCleanEnvelopes(t *testing.T) {
	es := generate(t, Options{Conversations: 200, Seed: 12, History: 26 * time.Hour})
	tsp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	lastSeq := map[string]int{}
	for i, e := range es {
		f := e.Fields
		for _, k := range []string{"agt", "typ", "cid", "aid", "uid", "seq", "tsp", "dat"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("entry %d has no %s: %v", i, k, f)
			}
		}
		if len(f) != 8 {
			t.Fatalf("entry %d has %d fields, want 8", i, len(f))
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(f["dat"]), &obj); err != nil {
			t.Fatalf("entry %d dat is not a JSON object: %v: %s", i, err, f["dat"])
		}
		if !tsp.MatchString(f["tsp"]) || f["tsp"] != e.At.UTC().Format("2006-01-02T15:04:05.000Z") {
			t.Fatalf("entry %d tsp %q does not match At %s", i, f["tsp"], e.At)
		}
		if f["agt"] != "broker" {
			continue
		}
		seq, err := strconv.Atoi(f["seq"])
		if err != nil || seq != lastSeq[f["cid"]]+1 {
			t.Fatalf("entry %d: seq %q after %d in %s", i, f["seq"], lastSeq[f["cid"]], f["cid"])
		}
		lastSeq[f["cid"]] = seq
		if !strings.HasPrefix(f["cid"], "conv-") || !strings.HasPrefix(f["aid"], "APP-2026-") || !strings.HasPrefix(f["uid"], "cust-") {
			t.Fatalf("entry %d: bad ids %q %q %q", i, f["cid"], f["aid"], f["uid"])
		}
	}
}

func TestIDsUniquePerRun(t *testing.T) {
	es := generate(t, Options{Conversations: 3000, Seed: 13})
	cids, aids := map[string]bool{}, map[string]bool{}
	appNum := regexp.MustCompile(`^APP-2026-\d{6}$`)
	for _, e := range es {
		f := e.Fields
		if f["typ"] != "conversation_started" {
			continue
		}
		if cids[f["cid"]] || aids[f["aid"]] {
			t.Fatalf("duplicate id in %v", f)
		}
		if !appNum.MatchString(f["aid"]) {
			t.Fatalf("application number %q is not APP-2026-<6 digits>", f["aid"])
		}
		cids[f["cid"]], aids[f["aid"]] = true, true
	}
	other := generate(t, Options{Conversations: 3000, Seed: 14})
	for _, e := range other {
		if cids[e.Fields["cid"]] {
			t.Fatalf("seeds 13 and 14 share conversation id %s", e.Fields["cid"])
		}
	}
}
