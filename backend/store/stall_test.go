package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// brokerEntry is a projected entry of conversation cid at stream ID id.
func brokerEntry(id, typ, cid, seq, tsp, dat string) ledger.Entry {
	return ledger.Entry{ID: id, Fields: map[string]string{
		"agt": "broker", "typ": typ, "cid": cid, "aid": "APP-1", "uid": "cust-1", "seq": seq, "tsp": tsp, "dat": dat,
	}}
}

// TestNoEntryStallsTheStore: whatever one entry holds, the batch it is in commits
// (the entry dead-lettered when the store could not write or read it back), and
// the next entries for the same records still apply after the store is reopened,
// that is once nothing is left in memory: each case failed, stalled or panicked
// before the decoder rejected what the store cannot keep.
func TestNoEntryStallsTheStore(t *testing.T) {
	// Within encoding/json's depth limit of 10,000 as dat, beyond it as part of the
	// conversation's record, which holds an assessment's payload three levels down.
	deep := strings.Repeat(`{"a":`, 9997) + "1" + strings.Repeat("}", 9997)
	const tsp = "2026-11-24T09:14:02Z"
	cases := []struct {
		name string
		bad  ledger.Entry
		cid  string // the conversation the next entry goes to
	}{
		{"tsp year past 9999", brokerEntry("2-0", "user_input", "c1", "2", "9999-12-31T23:00:00-05:00", `{"utterance":"hi"}`), "c1"},
		{"tsp year before 0", brokerEntry("2-0", "user_input", "c1", "2", "0000-01-01T01:00:00+05:00", `{"utterance":"hi"}`), "c1"},
		{"created_at year past 9999", brokerEntry("2-0", "user_input", "c1", "2", tsp, `{"utterance":"hi","created_at":"9999-12-31T23:00:00-05:00"}`), "c1"},
		{"assessment created_at out of range", brokerEntry("2-0", "affordability_assessment", "c1", "2", tsp, `{"created_at":"0000-01-01T00:00:00+01:00"}`), "c1"},
		{"number out of range", brokerEntry("2-0", "user_input", "c1", "2", tsp, `{"utterance":"hi","additional_data":{"amount":1e400}}`), "c1"},
		{"nesting thousands deep", brokerEntry("2-0", "affordability_assessment", "c1", "2", tsp, `{"deep":`+deep+`}`), "c1"},
		{"cid not UTF-8", brokerEntry("2-0", "conversation_started", "c\xff2", "1", tsp, `{}`), "c\xff2"},
		{"aid not UTF-8", func() ledger.Entry {
			e := brokerEntry("2-0", "applicationDetail_changed", "c1", "2", tsp, `{"loanAmount":500}`)
			e.Fields["aid"] = "APP-\xfe"
			return e
		}(), "c1"},
		{"uid not UTF-8", func() ledger.Entry {
			e := brokerEntry("2-0", "conversation_started", "c1", "2", tsp, `{}`)
			e.Fields["uid"] = "cust-\xc3"
			return e
		}(), "c1"},
		{"largest stream id", brokerEntry("18446744073709551615-18446744073709551615", "user_input", "c1", "2", tsp, `{"utterance":"hi"}`), "c1"},
		{"time beyond the archive's range", brokerEntry("8796093022208-0", "user_input", "c1", "2", tsp, `{"utterance":"hi"}`), "c1"},
		{"seq beyond int64", brokerEntry("2-0", "user_input", "c1", "9223372036854775808", tsp, `{"utterance":"hi"}`), "c1"},
		{"sequence beyond the archive's range", brokerEntry("1-2000000", "user_input", "c1", "2", tsp, `{"utterance":"hi"}`), "c1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "stall.db")
			s := openAt(t, path, Options{})
			first := brokerEntry("1-0", "conversation_started", "c1", "1", tsp, `{}`)
			res, err := s.ApplyBatch(ctx, "test", []ledger.Entry{first, c.bad})
			if err != nil {
				t.Fatalf("the batch holding the entry failed: %v", err)
			}
			if res.DeadLettered != 1 || len(res.DeadLetters) != 1 {
				t.Fatalf("counts %+v: want the entry dead-lettered", res.Counts)
			}
			s.Close()
			s = openAt(t, path, Options{})
			next := brokerEntry(fmt.Sprintf("%d-0", 3_000_000_000_000), "user_input", c.cid, "3", tsp, `{"utterance":"next"}`)
			// The entry again, as after a crash before its acknowledgement, then the next.
			res, err = s.ApplyBatch(ctx, "test", []ledger.Entry{c.bad, next})
			if err != nil {
				t.Fatalf("the next entry after reopening: %v", err)
			}
			if res.Redelivered != 1 || len(res.DeadLetters) < 1 || res.Applied+res.DeadLettered != 1 {
				t.Fatalf("redelivery and next entry: counts %+v, %d dead letters", res.Counts, len(res.DeadLetters))
			}
			if _, err := s.Conversation(ctx, "c1"); err != nil {
				t.Fatalf("read conversation back: %v", err)
			}
		})
	}
}
