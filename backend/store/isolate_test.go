package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cenkalti/backoff/v4"

	"github.com/billie/supervisor/backend/ledger"
)

// failArchiving makes the store fail, with a data error, every batch that archives the
// entry: a stand-in for an entry the store cannot take that the decoder let through.
func failArchiving(t *testing.T, s *Store, e ledger.Entry) {
	t.Helper()
	id, err := ledger.ParseID(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := position(id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.g().w.Exec(fmt.Sprintf(`CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.pos = %d
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, pos))
	if err != nil {
		t.Fatal(err)
	}
}

// archived are the archive's entry IDs in order.
func archivedIDs(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, p := range column(t, s, "SELECT pos FROM events ORDER BY pos") {
		var pos int64
		fmt.Sscan(p, &pos)
		out = append(out, idAt(pos).String())
	}
	return out
}

func TestApplyIsolatingDeadLettersOnlyTheEntryAtFault(t *testing.T) {
	entries := fixtureEntries(t)
	for _, at := range []int{0, 5, 13, len(entries) - 1} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
			failArchiving(t, s, entries[at])
			if _, err := s.ApplyBatch(ctx, "test", entries); err == nil || IsInfrastructure(err) {
				t.Fatalf("ApplyBatch: %v, want a data error", err)
			}
			res, err := s.ApplyIsolating(ctx, "test", entries)
			if err != nil {
				t.Fatal(err)
			}
			if res.DeadLettered != 1 || len(res.DeadLetters) != 1 || res.DeadLetters[0].Entry.ID != entries[at].ID {
				t.Fatalf("dead letters %+v, counts %+v; want only %s", res.DeadLetters, res.Counts, entries[at].ID)
			}
			if !strings.Contains(res.DeadLetters[0].Reason, "injected failure") {
				t.Errorf("reason %q does not say what failed", res.DeadLetters[0].Reason)
			}
			if got := res.Total(); got != int64(len(entries)) {
				t.Errorf("%d entries counted, want %d: %+v", got, len(entries), res.Counts)
			}
			var want []string
			for i, e := range entries {
				if i != at {
					want = append(want, e.ID)
				}
			}
			if got := archivedIDs(t, s); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("archive = %v, want %v", got, want)
			}
			if last, _ := s.Checkpoint(ctx, "test"); last.String() != entries[len(entries)-1].ID || res.Last != last {
				t.Errorf("checkpoint %s, result's %s; want %s", last, res.Last, entries[len(entries)-1].ID)
			}
			// The entry delivered again is known as dead-lettered, not applied.
			again, err := s.ApplyBatch(ctx, "test", entries[at:at+1])
			if err != nil || again.Redelivered != 1 || len(again.DeadLetters) != 1 {
				t.Errorf("redelivery: %+v, %v", again, err)
			}
		})
	}
}

// A batch failing with a data error is retried IsolateAfter times, then narrowed
// down; one failing with an infrastructure error is retried, never dead-lettered.
func TestApplyRetrying(t *testing.T) {
	ctx := context.Background()
	entries := fixtureEntries(t)
	t.Run("data error", func(t *testing.T) {
		s := openTemp(t)
		if _, err := s.ApplyBatch(ctx, "test", entries[:4]); err != nil {
			t.Fatal(err)
		}
		failArchiving(t, s, entries[9])
		var fails []Failure
		res, err := s.ApplyRetrying(ctx, "test", entries, backoff.WithMaxRetries(&backoff.ZeroBackOff{}, 10), func(f Failure) { fails = append(fails, f) })
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != IsolateAfter {
			t.Fatalf("%d failures, want %d", len(fails), IsolateAfter)
		}
		for i, f := range fails {
			if f.Attempt != i+1 || f.Infrastructure || f.First != entries[0].ID || f.Count != len(entries) || f.Err == nil {
				t.Errorf("failure %d: %+v", i, f)
			}
		}
		if res.DeadLettered != 1 || res.Redelivered != 4 || res.Total() != int64(len(entries)) {
			t.Errorf("counts %+v", res.Counts)
		}
	})
	t.Run("infrastructure error", func(t *testing.T) {
		s := openTemp(t)
		if _, err := s.g().w.Exec("DROP TABLE counters"); err != nil {
			t.Fatal(err)
		}
		var fails []Failure
		const tries = 2 * IsolateAfter
		_, err := s.ApplyRetrying(ctx, "test", entries, backoff.WithMaxRetries(&backoff.ZeroBackOff{}, tries), func(f Failure) { fails = append(fails, f) })
		if err == nil || !IsInfrastructure(err) {
			t.Fatalf("err = %v, want the infrastructure error", err)
		}
		if len(fails) != tries || !fails[0].Infrastructure {
			t.Errorf("failures %+v", fails)
		}
		if n := column(t, s, "SELECT count(*) FROM dead_letters"); n[0] != "0" {
			t.Errorf("%s entries dead-lettered for an infrastructure error", n[0])
		}
	})
	t.Run("context ended", func(t *testing.T) {
		if !IsInfrastructure(fmt.Errorf("x: %w", context.Canceled)) || IsInfrastructure(errors.New("json: bad")) || IsInfrastructure(nil) {
			t.Error("IsInfrastructure misjudges")
		}
	})
}

// A panic while reducing is a failed batch, not a crashed process.
func TestReduceRecoversAPanic(t *testing.T) {
	b := &batch{seen: map[ledger.ID]bool{}}
	err := b.reduceRecovering(nil, fixtureEntries(t)[:1]) // no snapshot to apply to
	if err == nil || !strings.Contains(err.Error(), "panic") || IsInfrastructure(err) {
		t.Fatalf("err = %v, want the panic as a data error", err)
	}
}
