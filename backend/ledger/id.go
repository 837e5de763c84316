package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ID is a stream entry ID: milliseconds and a sequence within them. It is the only
// total order of the ledger, so checkpoints are IDs.
type ID struct {
	Ms  uint64
	Seq uint64
}

// ParseID reads "1732451234567-0" (a bare "1732451234567" means sequence 0).
func ParseID(s string) (ID, error) {
	ms, seq, found := strings.Cut(s, "-")
	m, err := strconv.ParseUint(ms, 10, 64)
	if err != nil {
		return ID{}, fmt.Errorf("bad stream id %q", s)
	}
	id := ID{Ms: m}
	if found {
		if id.Seq, err = strconv.ParseUint(seq, 10, 64); err != nil {
			return ID{}, fmt.Errorf("bad stream id %q", s)
		}
	}
	return id, nil
}

func (id ID) String() string {
	return strconv.FormatUint(id.Ms, 10) + "-" + strconv.FormatUint(id.Seq, 10)
}

// IsZero reports whether id is the position before the first entry.
func (id ID) IsZero() bool { return id.Ms == 0 && id.Seq == 0 }

// Compare orders two IDs: -1, 0 or +1.
func (id ID) Compare(o ID) int {
	switch {
	case id.Ms < o.Ms:
		return -1
	case id.Ms > o.Ms:
		return 1
	case id.Seq < o.Seq:
		return -1
	case id.Seq > o.Seq:
		return 1
	}
	return 0
}

// Time is the wall-clock time the stream server gave the entry.
func (id ID) Time() time.Time { return time.UnixMilli(int64(id.Ms)).UTC() }
