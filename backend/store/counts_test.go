package store

import (
	"encoding/json"
	"testing"

	"github.com/billie/supervisor/backend/projection"
)

// The counts keep the JSON `backend status` has always printed.
func TestCountsJSONKeepsItsSpelling(t *testing.T) {
	c := Counts{Applied: 1, Skipped: 2, Duplicates: 3, Unhandled: 4, DeadLettered: 5, Redelivered: 6}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"applied":1,"skippedOtherAgent":2,"duplicates":3,"unhandled":4,"deadLettered":5,"redelivered":6}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	if c.Total() != 21 {
		t.Errorf("Total = %d, want 21", c.Total())
	}
	var sum Counts
	sum.Add(c)
	sum.Add(c)
	for i, o := range projection.Outcomes() {
		if sum.Of(o) != 2*int64(i+1) {
			t.Errorf("%s = %d after adding twice, want %d", o, sum.Of(o), 2*(i+1))
		}
	}
}

// Each outcome has its own counter and archive spelling; the two kept from before
// outcomes were typed stay as they were.
func TestOutcomeSpellingsInTheDatabase(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range projection.Outcomes() {
		if seen[counterName(o)] {
			t.Errorf("counter name %q twice", counterName(o))
		}
		seen[counterName(o)] = true
	}
	if counterName(projection.Duplicate) != "duplicates" || counterName(projection.SkippedOtherAgent) != "skipped_other_agent" {
		t.Error("counter names changed")
	}
	if archivedOutcome(projection.SkippedOtherAgent).String() != "skipped_agent" || archivedOutcome(projection.Duplicate).String() != "duplicate" {
		t.Error("archive spellings changed")
	}
}
