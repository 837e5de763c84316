package simulator

import (
	"strconv"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// TestEntriesDecodeWithLedger feeds every entry through the project's own
// envelope decoder: clean runs must decode completely, messy runs may only
// fail on the deliberately broken events, and quirky timestamps must still
// parse.
func TestEntriesDecodeWithLedger(t *testing.T) {
	tests := []struct {
		name      string
		messy     bool
		maxBroken int
	}{
		{"clean", false, 0},
		{"messy", true, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := generate(t, Options{Conversations: 300, Seed: 51, Messy: tt.messy, History: 26 * time.Hour})
			broken := 0
			for i, e := range es {
				id := strconv.FormatInt(e.At.UnixMilli(), 10) + "-" + strconv.Itoa(i)
				ev, err := ledger.Decode(id, e.Fields, nil)
				switch {
				case err != nil && ledger.IsBadInput(err):
					broken++
				case err != nil:
					t.Fatalf("entry %d: %v", i, err)
				case ev.Projected() && ev.ConversationID == "":
					broken++ // message without cid: dead-lettered downstream
				}
				if _, hasTsp := e.Fields["tsp"]; hasTsp && ev.TimeFromID {
					t.Fatalf("entry %d: tsp %q did not parse", i, e.Fields["tsp"])
				}
				if !tt.messy && !ev.Time.Equal(e.At) {
					t.Fatalf("entry %d: decoded time %s, want %s", i, ev.Time, e.At)
				}
			}
			if broken > tt.maxBroken || (tt.messy && broken == 0) {
				t.Fatalf("%d entries cannot be interpreted, want at most %d", broken, tt.maxBroken)
			}
		})
	}
}
