package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// FuzzApplyBatch drives one arbitrary entry, between two good ones of the same
// records, through decode, apply, save and re-read: the batch commits with every
// entry applied, skipped or dead-lettered, the records read back after the store is
// reopened, and the next batch for the same records still applies. The seeds, here
// and in testdata/fuzz/FuzzApplyBatch, run with every `go test`.
func FuzzApplyBatch(f *testing.F) {
	const tsp = "2026-11-24T09:14:02Z"
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	seeds := []struct {
		ms, seq                                 uint64
		agt, typ, cid, aid, uid, eseq, tsp, dat string
	}{
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi"}`},
		{2, 0, "broker", "applicationDetail_changed", "c1", "APP-1", "cust-1", "2", tsp, `{"loanAmount":500,"customerId":"cust-1"}`},
		{2, 0, "broker", "user_input", "c\xff", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi"}`},
		{2, 0, "broker", "conversation_started", "c1", "APP-\xfe", "cust-\xc3", "2", tsp, `{}`},
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "2", "9999-12-31T23:00:00-05:00", `{"utterance":"hi"}`},
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi","created_at":"0000-01-01T00:00:00+01:00"}`},
		{2, 0, "broker", "affordability_assessment", "c1", "APP-1", "cust-1", "2", tsp, `{"created_at":"9999-12-31T23:59:59-01:00"}`},
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi","additional_data":{"n":1e400}}`},
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi","additional_data":` + deep + `}`},
		{2, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "99999999999999999999", tsp, `{"utterance":"hi"}`},
		{1, 2000000, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi"}`},
		{1<<64 - 1, 1<<64 - 1, "broker", "user_input", "c1", "APP-1", "cust-1", "2", tsp, `{"utterance":"hi"}`},
		{1, 0, "broker", "user_input", "c1", "APP-1", "cust-1", "1", tsp, `{"utterance":"same id as the first"}`},
		{2, 0, "identity_agent", "x", "c\xff", "", "", "", "", `{{{`},
	}
	for _, s := range seeds {
		f.Add(s.ms, s.seq, s.agt, s.typ, s.cid, s.aid, s.uid, s.eseq, s.tsp, s.dat)
	}
	f.Fuzz(func(t *testing.T, ms, seq uint64, agt, typ, cid, aid, uid, eseq, tsp, dat string) {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "fuzzstore") // t.TempDir's name has a '#', which a SQLite URI cuts at
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "fuzz.db")
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { s.Close() }()
		good := func(id, typ, seq, dat string) ledger.Entry {
			return ledger.Entry{ID: id, Fields: map[string]string{"agt": "broker", "typ": typ, "cid": cid, "aid": aid,
				"uid": uid, "seq": seq, "tsp": "2026-11-24T09:14:00Z", "dat": dat}}
		}
		fuzzed := ledger.Entry{ID: ledger.ID{Ms: ms, Seq: seq}.String(), Fields: map[string]string{
			"agt": agt, "typ": typ, "cid": cid, "aid": aid, "uid": uid, "seq": eseq, "tsp": tsp, "dat": dat}}
		batch := []ledger.Entry{good("1-0", "conversation_started", "1", `{}`), fuzzed,
			good("8796093022207-1000", "user_input", "1001", `{"utterance":"after"}`)}
		res, err := s.ApplyBatch(ctx, "fuzz", batch)
		if err != nil {
			t.Fatalf("batch failed: %v", err)
		}
		if res.Total() != int64(len(batch)) {
			t.Fatalf("%d of %d entries counted: %+v", res.Total(), len(batch), res.Counts)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = Open(ctx, path, Options{}); err != nil {
			t.Fatal(err)
		}
		readBack(t, s, cid, aid, uid, fuzzed)
		next := []ledger.Entry{good("8796093022207-2000", "user_input", "2001", `{"utterance":"next"}`),
			good("8796093022207-2001", "applicationDetail_changed", "2002", `{"loanAmount":900}`)}
		res, err = s.ApplyBatch(ctx, "fuzz", next)
		if err != nil {
			t.Fatalf("the next batch failed: %v", err)
		}
		if res.Total() != int64(len(next)) {
			t.Fatalf("next batch: %d of %d entries counted: %+v", res.Total(), len(next), res.Counts)
		}
		readBack(t, s, cid, aid, uid, fuzzed)
	})
}

// readBack reads every record the entries may have touched, as a reader would.
func readBack(t *testing.T, s *Store, cid, aid, uid string, e ledger.Entry) {
	t.Helper()
	ctx := context.Background()
	keys := []string{cid, strings.TrimSpace(cid), e.Fields["cid"]}
	for _, k := range keys {
		if _, err := s.Conversation(ctx, k); err != nil {
			t.Fatalf("conversation %q: %v", k, err)
		}
		if _, err := s.Messages(ctx, k); err != nil {
			t.Fatalf("messages of %q: %v", k, err)
		}
		if _, err := s.RawEvents(ctx, k); err != nil {
			t.Fatalf("raw events of %q: %v", k, err)
		}
	}
	for _, k := range []string{aid, strings.TrimSpace(aid)} {
		if _, err := s.Application(ctx, k); err != nil {
			t.Fatalf("application %q: %v", k, err)
		}
	}
	for _, k := range []string{uid, strings.TrimSpace(uid)} {
		if _, err := s.Customer(ctx, k); err != nil {
			t.Fatalf("customer %q: %v", k, err)
		}
	}
}
