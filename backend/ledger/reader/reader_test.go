package reader

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// fakeSource hands out numbered entries in batches of size, failing the reads listed
// in fail once each.
type fakeSource struct {
	mu    sync.Mutex
	next  int
	total int
	size  int
	fail  map[int]bool
	reads int
}

func (f *fakeSource) Next(ctx context.Context) ([]ledger.Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.fail[f.reads] {
		return nil, fmt.Errorf("read %d failed", f.reads)
	}
	var out []ledger.Entry
	for len(out) < f.size && f.next < f.total {
		f.next++
		out = append(out, ledger.Entry{ID: fmt.Sprintf("%d-0", f.next),
			Fields: map[string]string{"agt": "broker", "typ": "user_input", "cid": "c", "dat": "{}"}})
	}
	if len(out) == 0 {
		time.Sleep(time.Millisecond) // a blocking read that found nothing
	}
	return out, nil
}

func TestRunAppliesEveryEntryOnceInOrderDecodedAndJoined(t *testing.T) {
	src := &fakeSource{total: 500, size: 7, fail: map[int]bool{60: true, 61: true}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []ledger.Entry
	var largest int
	var retried int
	apply := func(ctx context.Context, entries []ledger.Entry) error {
		if len(got) == 0 {
			time.Sleep(50 * time.Millisecond) // let batches wait, to be joined
		}
		largest = max(largest, len(entries))
		got = append(got, entries...)
		if len(got) == src.total {
			cancel()
		}
		return nil
	}
	err := Run(ctx, src, apply, Options{ReadAhead: 8, MaxApply: 30, OnReadError: func(error, time.Duration) { retried++ }})
	if err != nil {
		t.Fatalf("Run = %v, want nil after ctx ends", err)
	}
	if len(got) != src.total {
		t.Fatalf("applied %d entries, want %d", len(got), src.total)
	}
	for i, e := range got {
		if e.ID != fmt.Sprintf("%d-0", i+1) {
			t.Fatalf("entry %d is %s: out of order", i, e.ID)
		}
		if ev, err := e.Event(nil); err != nil || ev.ConversationID != "c" {
			t.Fatalf("entry %s decoded as %+v, %v", e.ID, ev, err)
		}
	}
	if largest <= src.size || largest >= 30+src.size {
		t.Errorf("largest apply %d entries: want waiting batches joined up to about 30", largest)
	}
	if retried != 2 {
		t.Errorf("%d read failures retried, want 2", retried)
	}
}

func TestRunEndsOnAnUnretriedReadErrorOrAFailedApply(t *testing.T) {
	src := &fakeSource{total: 50, size: 5, fail: map[int]bool{3: true}}
	err := Run(context.Background(), src, func(context.Context, []ledger.Entry) error { return nil }, Options{})
	if err == nil || err.Error() != "read 3 failed" {
		t.Errorf("Run = %v, want the read error", err)
	}
	boom := errors.New("boom")
	src = &fakeSource{total: 50, size: 5}
	err = Run(context.Background(), src, func(context.Context, []ledger.Entry) error { return boom }, Options{})
	if !errors.Is(err, boom) {
		t.Errorf("Run = %v, want the apply error", err)
	}
}
