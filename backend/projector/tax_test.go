package projector

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// syncBuffer is a log destination the test reads after the projector stopped.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// TestTaxValuesReachNothingTheProjectorWrites sends an entry down every route by
// which tax values have reached storage through a running projector, then reads the
// dead-letter stream, the logs (at debug level) and the bytes of the database files:
// no tax value may be in any, and the values an operator needs to repair a dead
// letter must be in the dead-letter stream and the database (which also shows each
// scan finds a value that is there).
func TestTaxValuesReachNothingTheProjectorWrites(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "read.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h.st = st
	var tax, keep []string
	fill := func(s string) string {
		for strings.Contains(s, "{{tax}}") {
			tax = append(tax, fmt.Sprintf("TAXVAL%016x", rand.Uint64()))
			s = strings.Replace(s, "{{tax}}", tax[len(tax)-1], 1)
		}
		for strings.Contains(s, "{{keep}}") {
			keep = append(keep, fmt.Sprintf("KEEP%016x", rand.Uint64()))
			s = strings.Replace(s, "{{keep}}", keep[len(keep)-1], 1)
		}
		return s
	}
	entry := func(agt, typ, dat string, more ...string) map[string]string {
		f := map[string]string{"agt": agt, "typ": typ, "cid": "conv-1", "aid": "APP-1", "uid": "cust-1", "seq": "1", "dat": fill(dat)}
		for i := 0; i+1 < len(more); i += 2 {
			f[more[i]] = fill(more[i+1])
		}
		return f
	}
	ids := h.add(
		// an escaped key
		entry("broker", "custom_assessment", `{"tax\u005ffile_number":"{{tax}}","note":"{{keep}}"}`),
		// JSON inside JSON strings
		entry("broker", "custom_assessment", `{"detail":"{\"tax_country\":\"{{tax}}\",\"note\":\"{{keep}}\"}"}`),
		// another agent
		entry("fraud_agent", "report", `{"customer":{"tax_file_number":"{{tax}}"},"note":"{{keep}}"}`),
		// a tax field as a stream field
		entry("broker", "custom_assessment", `{"note":"{{keep}}"}`, "tax_file_number", "{{tax}}"),
		// a dead letter whose dat is JSON
		entry("broker", "custom_assessment", `[{"tax_exemption_code":"{{tax}}","note":"{{keep}}"}]`),
		// a dead letter whose dat is not JSON
		entry("broker", "user_input", `{"utterance":"{{keep}}", "tax_file_number": "{{tax}}", broken`),
		entry("broker", "user_input", `utterance={{keep}}; foreign_tax_identifier={{tax}}`, "x_note", `{"tax_country":"{{tax}}"}`),
	)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	p := New(h.rdb, h.st, h.cfg, log)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	h.waitApplied(ids[len(ids)-1])
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c := h.counts(); c.DeadLettered != 3 {
		t.Fatalf("dead-lettered %d, want 3", c.DeadLettered)
	}

	dead, err := h.rdb.XRange(context.Background(), h.cfg.DeadLetterStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var stream bytes.Buffer
	for _, m := range dead {
		for k, v := range m.Values {
			fmt.Fprintf(&stream, "%s=%v\n", k, v)
		}
	}
	deadKeep := keep[len(keep)-3:] // the dead letters' own
	scan(t, "dead-letter stream", stream.Bytes(), tax, deadKeep)
	scan(t, "logs", logs.Bytes(), tax, nil)
	if !bytes.Contains(logs.Bytes(), []byte("dead-lettered an entry")) {
		t.Error("the dead letters were not logged")
	}
	open := filesIn(t, dir)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	scan(t, "database files while open", open, tax, keep)
	scan(t, "database files after close", filesIn(t, dir), tax, keep)
}

// scan fails if any of tax is in b or any of keep is not.
func scan(t *testing.T, where string, b []byte, tax, keep []string) {
	t.Helper()
	for _, v := range tax {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%s: tax value %s found", where, v)
		}
	}
	for _, v := range keep {
		if !bytes.Contains(b, []byte(v)) {
			t.Errorf("%s: %s is missing", where, v)
		}
	}
}

// filesIn is the content of every file in dir: the database, -wal and -shm.
func filesIn(t *testing.T, dir string) []byte {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// Whoever made the dead letters the projector is handed, neither the dead-letter
// stream nor the log line about them gets a tax value.
func TestSendDeadLettersKeepsTaxValuesOut(t *testing.T) {
	h := newHarness(t)
	tax := []string{fmt.Sprintf("TAXVAL%016x", rand.Uint64()), fmt.Sprintf("TAXVAL%016x", rand.Uint64()), fmt.Sprintf("TAXVAL%016x", rand.Uint64())}
	keep := fmt.Sprintf("KEEP%016x", rand.Uint64())
	dl := ledger.DeadLetter{
		Entry: ledger.Entry{ID: "1-1", Fields: map[string]string{
			"agt": "broker", "tax_country": tax[0], "dat": `{"u":"` + keep + `", "tax_file_number": "` + tax[1] + `", broken`,
		}},
		Reason: "bad input: tax_exemption_code=" + tax[2],
	}
	logs := &syncBuffer{}
	p := New(h.rdb, h.st, h.cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err := p.sendDeadLetters(context.Background(), []ledger.DeadLetter{dl}); err != nil {
		t.Fatal(err)
	}
	dead, err := h.rdb.XRange(context.Background(), h.cfg.DeadLetterStream, "-", "+").Result()
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %v, %v", dead, err)
	}
	var stream bytes.Buffer
	for k, v := range dead[0].Values {
		fmt.Fprintf(&stream, "%s=%v\n", k, v)
	}
	scan(t, "dead-letter stream", stream.Bytes(), tax, []string{keep})
	scan(t, "logs", logs.Bytes(), tax, []string{"bad input: tax_exemption_code=" + ledger.Redacted})
}
