package simulator

import (
	"fmt"
	"strconv"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// StreamIDs makes Redis-like stream IDs from due times, as XADD with "*" would: the
// millisecond, then a sequence within it, never going backwards. It lets a store be
// filled without Redis (backend load, tests, benchmarks) in the order a stream holds.
type StreamIDs struct {
	ms, seq int64
}

// Next is the ID of an entry due at at.
func (s *StreamIDs) Next(at time.Time) string {
	if m := at.UnixMilli(); m > s.ms {
		s.ms, s.seq = m, 0
	} else {
		s.seq++
	}
	return strconv.FormatInt(s.ms, 10) + "-" + strconv.FormatInt(s.seq, 10)
}

// Entries generates every entry of opts as ledger entries with stream IDs (StreamIDs).
func Entries(opts Options) ([]ledger.Entry, error) {
	gen, err := New(opts)
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	var ids StreamIDs
	var out []ledger.Entry
	for {
		e, ok := gen.Next()
		if !ok {
			return out, nil
		}
		out = append(out, ledger.Entry{ID: ids.Next(e.At), Fields: e.Fields})
	}
}
