package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/simulator"
)

func TestPerfQuick(t *testing.T) {
	gen, err := simulator.New(simulator.Options{Conversations: 3000, Seed: 1, Start: time.Now(), History: 26 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var entries []Entry
	for i := 0; ; i++ {
		e, ok := gen.Next()
		if !ok {
			break
		}
		entries = append(entries, Entry{ID: time.Unix(0, 0).Add(time.Duration(i+1)*time.Millisecond).Format("") + "", Fields: e.Fields})
	}
	for i := range entries {
		entries[i].ID = itoa(int64(i+1)) + "-0"
	}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < len(entries); i += 1000 {
		if _, err := s.ApplyBatch(context.Background(), "x", entries[i:min(i+1000, len(entries))]); err != nil {
			t.Fatal(err)
		}
	}
	el := time.Since(start)
	t.Logf("%d events in %s: %.0f/s", len(entries), el, float64(len(entries))/el.Seconds())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
