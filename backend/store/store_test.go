package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "read.db"), Options{})
}

// openAt opens the store at path, closed when the test ends.
func openAt(t *testing.T, path string, o Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fixtureEntries reads the fixture conversation as stream entries with IDs one
// millisecond apart.
func fixtureEntries(t *testing.T) []ledger.Entry {
	t.Helper()
	f, err := os.Open("testdata/conversation-approved.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ledger.Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		var fields map[string]string
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Fatal(err)
		}
		out = append(out, ledger.Entry{ID: fmt.Sprintf("1764000000%03d-0", i), Fields: fields})
	}
	return out
}

// chunks splits entries into batches of n.
func chunks(entries []ledger.Entry, n int) [][]ledger.Entry {
	var out [][]ledger.Entry
	for i := 0; i < len(entries); i += n {
		out = append(out, entries[i:min(i+n, len(entries))])
	}
	return out
}

// column reads a one-column query's values as text.
func column(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.g().r.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestApplyBatchFixture(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{1, 5, 28} {
		t.Run(fmt.Sprintf("batches of %d", size), func(t *testing.T) {
			s := openTemp(t)
			entries := fixtureEntries(t)
			var total Counts
			for _, batch := range chunks(entries, size) {
				res, err := s.ApplyBatch(ctx, "test", batch)
				if err != nil {
					t.Fatal(err)
				}
				total.Applied += res.Applied
				total.Skipped += res.Skipped
			}
			if total.Applied != 27 || total.Skipped != 1 {
				t.Errorf("applied %d skipped %d, want 27 and 1", total.Applied, total.Skipped)
			}
			checkFixtureProjection(t, s)
		})
	}
}

func checkFixtureProjection(t *testing.T, s *Store) {
	t.Helper()
	checkFixtureSupervisor(t, s)
	checkFixturePortal(t, s)
}

// checkFixtureSupervisor checks the fixture's supervisor records and transcript.
func checkFixtureSupervisor(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Conversation(ctx, "conv-7f3a91")
	if err != nil || c == nil {
		t.Fatalf("conversation: %v %v", c, err)
	}
	if c.MessageCount != 12 || c.Decision != "APPROVED" || c.EndedAt.IsZero() {
		t.Errorf("conversation = %d messages, decision %q, ended %v", c.MessageCount, c.Decision, c.EndedAt)
	}
	msgs, err := s.Messages(ctx, c.ID)
	if err != nil || len(msgs) != 12 {
		t.Fatalf("messages: %d %v", len(msgs), err)
	}
	if msgs[0].Sender != projection.SenderAssistant || msgs[0].Seq != 2 || msgs[11].Seq != 27 {
		t.Errorf("transcript order: first %+v last %+v", msgs[0], msgs[11])
	}
	cust, err := s.Customer(ctx, "cust-55120")
	if err != nil || cust == nil {
		t.Fatalf("customer: %v %v", cust, err)
	}
	if cust.Name() != "Priya Anjali Raman" || cust.Email() != "priya.raman@example.com" {
		t.Errorf("customer = %q %q", cust.Name(), cust.Email())
	}
}

// checkFixturePortal checks the fixture's customer-portal rows.
func checkFixturePortal(t *testing.T, s *Store) {
	t.Helper()
	var portal []byte
	err := s.g().r.QueryRowContext(context.Background(), "SELECT doc FROM portal_applications WHERE customer_id = ? AND application_id = ?",
		"cust-55120", "APP-2026-004217").Scan(&portal)
	if err != nil {
		t.Fatal(err)
	}
	var row projection.PortalApplication
	if err := json.Unmarshal(portal, &row); err != nil {
		t.Fatal(err)
	}
	if row.Status != "approved" || row.ProgressPercentage != 75 || row.CustomerName != "Priya Anjali Raman" {
		t.Errorf("portal row = %+v", row)
	}
	assertNoTaxFields(t, s)
}

func assertNoTaxFields(t *testing.T, s *Store) {
	t.Helper()
	for _, table := range []string{"conversations", "customers", "applications", "messages", "portal_applications", "portal_conversations"} {
		var n int
		q := fmt.Sprintf("SELECT count(*) FROM %s WHERE CAST(doc AS TEXT) LIKE '%%tax_file_number%%'", table)
		if err := s.g().r.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows hold tax_file_number", table, n)
		}
	}
	var n int
	if err := s.g().r.QueryRow("SELECT count(*) FROM events WHERE dat LIKE '%tax_file_number%'").Scan(&n); err != nil || n != 0 {
		t.Errorf("archive holds tax_file_number in %d rows (%v)", n, err)
	}
}

func TestApplyBatchRedeliveryChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	entries := fixtureEntries(t)
	if _, err := s.ApplyBatch(ctx, "test", entries[:10]); err != nil {
		t.Fatal(err)
	}
	// The first ten again (a crash between commit and acknowledge), then the rest.
	res, err := s.ApplyBatch(ctx, "test", entries)
	if err != nil {
		t.Fatal(err)
	}
	if res.Redelivered != 10 {
		t.Errorf("redelivered = %d, want 10", res.Redelivered)
	}
	checkFixtureProjection(t, s)
}

func TestApplyBatchDeadLetters(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	bad := []ledger.Entry{
		{ID: "1-0", Fields: map[string]string{"agt": "broker", "typ": "user_input", "cid": "c1", "dat": "{not json"}},
		{ID: "2-0", Fields: map[string]string{"agt": "broker", "typ": "user_input", "dat": `{"utterance":"hi"}`}},
		{ID: "3-0", Fields: map[string]string{"agt": "other", "typ": "x", "dat": "{not json"}},
	}
	res, err := s.ApplyBatch(ctx, "test", bad)
	if err != nil {
		t.Fatal(err)
	}
	if res.DeadLettered != 2 || res.Skipped != 1 || len(res.DeadLetters) != 2 {
		t.Fatalf("counts = %+v, dead letters %d", res.Counts, len(res.DeadLetters))
	}
	if !strings.Contains(res.DeadLetters[0].Reason, "not JSON") || !strings.Contains(res.DeadLetters[1].Reason, "missing cid") {
		t.Errorf("reasons = %q, %q", res.DeadLetters[0].Reason, res.DeadLetters[1].Reason)
	}
	again, err := s.ApplyBatch(ctx, "test", bad[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(again.DeadLetters) != 1 || again.DeadLettered != 0 || again.Redelivered != 1 {
		t.Errorf("redelivered dead letter: %+v", again)
	}
}

func TestRebuildFromArchiveGivesTheSameProjection(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	if _, err := src.ApplyBatch(ctx, "test", fixtureEntries(t)); err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	counts, err := Rebuild(ctx, src, dst, "test", 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Applied != 27 || counts.Skipped != 1 {
		t.Errorf("rebuild counts = %+v", counts)
	}
	checkFixtureProjection(t, dst)
	want, _ := src.Checkpoint(ctx, "test")
	if got, _ := dst.Checkpoint(ctx, "test"); got != want {
		t.Errorf("checkpoint = %s, want %s", got, want)
	}
}

// TestOpenRestrictsFiles: the database, its WAL and its shared-memory file hold
// customer data, and SQLite creates the last two with the process umask; their
// directory, new or not, is this user's alone.
func TestOpenRestrictsFiles(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "existing")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "modes.db")
	s := openAt(t, path, Options{})
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the database's directory has mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	if _, err := s.ApplyBatch(context.Background(), "test", nil); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(path+suffix), got)
		}
	}
}

// A shared directory (sticky, as /tmp is) keeps its mode: other users live there.
func TestOpenLeavesASharedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	openAt(t, filepath.Join(dir, "db"), Options{})
	if fi, err := os.Stat(dir); err != nil || fi.Mode()&os.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("the shared directory's mode became %v (%v)", fi.Mode(), err)
	}
}
