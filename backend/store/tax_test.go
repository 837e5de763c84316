package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
)

// taxRoute is one way a tax value can try to reach storage. Its entries hold tax
// values written as "{{tax}}" and values an operator needs written as "{{keep}}";
// the test puts random markers in their place, so that a marker found anywhere can
// only have come from that entry.
type taxRoute struct {
	name    string
	entries []map[string]string
	// dead is how many of the entries are dead-lettered.
	dead int
}

// taxRoutes are every route by which tax values have reached storage.
var taxRoutes = []taxRoute{
	{name: "escaped key", entries: []map[string]string{
		broker("custom_assessment", `{"tax\u005ffile_number":"{{tax}}","note":"{{keep}}"}`),
		broker("custom_assessment", `"{\"\\u0074ax_country\":\"{{tax}}\",\"note\":\"{{keep}}\"}"`),
	}},
	{name: "JSON inside JSON strings", entries: []map[string]string{
		broker("custom_assessment", `{"detail":"{\"tax_file_number\":\"{{tax}}\",\"note\":\"{{keep}}\"}"}`),
		broker("custom_assessment", `{"detail":"{\"inner\":\"{\\\"tax\\\\u005fexemption_code\\\":\\\"{{tax}}\\\"}\",\"note\":\"{{keep}}\"}"}`),
		broker("user_input", `{"utterance":"{{keep}}","additional_data":{"raw":"[{\"foreign_tax_identifier\":\"{{tax}}\"}]"}}`),
	}},
	{name: "another agent", entries: []map[string]string{
		agent("fraud_agent", `{"customer":{"tax_file_number":"{{tax}}"},"note":"{{keep}}"}`),
		agent("fraud_agent", `{"tax\u005fcountry":"{{tax}}","note":"{{keep}}"}`),
		agent("identity_agent", `{"note":"{{keep}}", "tax_file_number": "{{tax}}", broken`),
	}},
	{name: "a tax field as a stream field", entries: []map[string]string{
		with(broker("custom_assessment", `{"note":"{{keep}}"}`), "tax_file_number", "{{tax}}"),
		with(agent("fraud_agent", `{"note":"{{keep}}"}`), "australian_tax_residency_flag", "{{tax}}"),
		with(broker("custom_assessment", `{"note":"{{keep}}"}`), "x_extra", `{"tax_country":"{{tax}}"}`),
	}},
	{name: "dead letter", dead: 3, entries: []map[string]string{
		broker("custom_assessment", `[{"tax_file_number":"{{tax}}","note":"{{keep}}"}]`),
		without(broker("user_input", `{"utterance":"{{keep}}","tax_exemption_code":"{{tax}}"}`), "cid"),
		with(without(broker("user_input", `{"utterance":"{{keep}}"}`), "typ"), "tax_file_number", "{{tax}}"),
	}},
	{name: "dat that is not JSON", dead: 4, entries: []map[string]string{
		broker("user_input", `{"utterance":"{{keep}}", "tax_file_number": "{{tax}}", broken`),
		broker("user_input", `{"utterance":"{{keep}}","tax\u005ffile_number":"{{tax}}"`),
		broker("user_input", `utterance={{keep}}; tax_file_number={{tax}}; tax_country = {{tax}}`),
		broker("user_input", `"{\"utterance\":\"{{keep}}\",\"tax_file_number\":\"{{tax}}\""`),
	}},
}

func broker(typ, dat string) map[string]string {
	return map[string]string{"agt": "broker", "typ": typ, "cid": "conv-1", "aid": "APP-1", "uid": "cust-1", "dat": dat}
}

func agent(agt, dat string) map[string]string {
	f := broker("report", dat)
	f["agt"] = agt
	return f
}

func with(f map[string]string, k, v string) map[string]string { f[k] = v; return f }

func without(f map[string]string, k string) map[string]string { delete(f, k); return f }

// markers are a route's random values: the tax values that must be found nowhere and
// the values an operator needs, which must be found where the entry went.
type markers struct{ tax, keep []string }

func marker(kind string) string { return fmt.Sprintf("%s%016x", kind, rand.Uint64()) }

// fill replaces the placeholders of the entries with fresh markers, one per
// placeholder, and numbers the entries from ms.
func (r taxRoute) fill(ms int) ([]ledger.Entry, markers) {
	var m markers
	var entries []ledger.Entry
	for i, f := range r.entries {
		fields := make(map[string]string, len(f))
		for k, v := range f {
			for strings.Contains(v, "{{tax}}") {
				m.tax = append(m.tax, marker("TAXVAL"))
				v = strings.Replace(v, "{{tax}}", m.tax[len(m.tax)-1], 1)
			}
			for strings.Contains(v, "{{keep}}") {
				m.keep = append(m.keep, marker("KEEP"))
				v = strings.Replace(v, "{{keep}}", m.keep[len(m.keep)-1], 1)
			}
			fields[k] = v
		}
		entries = append(entries, ledger.Entry{ID: ledgerID(ms+i, 0), Fields: fields})
	}
	return entries, m
}

// TestTaxValuesReachNoFile applies each route's entries, then reads the bytes of the
// database and its WAL, while open and after closing, and the dead letters handed to
// the stream's sender: no tax value may be anywhere, and what an operator needs must
// still be there (which also shows the scan would find a value that was written).
func TestTaxValuesReachNoFile(t *testing.T) {
	for _, route := range taxRoutes {
		t.Run(route.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := openAt(t, filepath.Join(dir, "read.db"), Options{})
			entries, m := route.fill(1)
			res, err := s.ApplyBatch(ctx, "test", entries)
			if err != nil {
				t.Fatal(err)
			}
			if res.DeadLettered != int64(route.dead) {
				t.Fatalf("dead-lettered %d, want %d", res.DeadLettered, route.dead)
			}
			// Redelivered after a crash between commit and acknowledgement, the dead
			// letters are sent again, read from the stream entry as it came.
			again, err := s.ApplyBatch(ctx, "test", entries)
			if err != nil {
				t.Fatal(err)
			}
			sent := deadLetterText(append(res.DeadLetters, again.DeadLetters...))
			checkMarkers(t, "dead letters sent", sent, m, route.dead > 0)
			open := dirBytes(t, dir)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			checkMarkers(t, "database files while open", open, m, true)
			checkMarkers(t, "database files after close", dirBytes(t, dir), m, true)
		})
	}
}

// checkMarkers fails if any tax marker is in b, or (when they must be kept) any
// marker an operator needs is not.
func checkMarkers(t *testing.T, where string, b []byte, m markers, keep bool) {
	t.Helper()
	for _, v := range m.tax {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%s: tax value %s found", where, v)
		}
	}
	if !keep {
		return
	}
	for _, v := range m.keep {
		if !bytes.Contains(b, []byte(v)) {
			t.Errorf("%s: %s is missing", where, v)
		}
	}
}

// deadLetterText is every field and the reason of the dead letters as the store
// hands them to their sender, which logs them and sends them on.
func deadLetterText(dls []ledger.DeadLetter) []byte {
	var b bytes.Buffer
	for _, dl := range dls {
		fmt.Fprintf(&b, "reason=%s\n", dl.Reason)
		for k, v := range dl.Entry.Fields {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		}
	}
	return b.Bytes()
}

// dirBytes is the content of every file in dir: the database, -wal and -shm.
func dirBytes(t *testing.T, dir string) []byte {
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
