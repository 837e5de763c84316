package ledger

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The limits below are what the store can write and read back. The decoder rejects
// an entry beyond them as bad input, so that it is dead-lettered once instead of
// failing its batch (or a later one that re-reads the record) for ever.
const (
	// MaxDepth is how deeply objects and arrays may nest in dat, the payload object
	// itself being the first level. Records hold payloads a few levels down, and
	// reading a record back stops at encoding/json's own limit of 10,000.
	MaxDepth = 64
	// MaxIDMs and MaxIDSeq bound a stream ID's milliseconds (the year 2248) and its
	// sequence within one millisecond: the archive keys entries by one 63-bit
	// position holding both.
	MaxIDMs  = 1<<43 - 1
	MaxIDSeq = 1<<20 - 1
)

// CheckID says why the ledger does not take id: a valid stream ID beyond
// MaxIDMs or MaxIDSeq. Redis assigns no such ID itself; only an explicit one in XADD
// can be.
func CheckID(id ID) error {
	if id.Ms > MaxIDMs || id.Seq > MaxIDSeq {
		return fmt.Errorf("stream id %s is beyond the ledger's range (milliseconds up to %d, sequence up to %d)", id, uint64(MaxIDMs), uint64(MaxIDSeq))
	}
	return nil
}

// CheckTime says why t cannot be stored: its UTC year is outside 0-9999, which
// RFC 3339 (and so every record's JSON) cannot write.
func CheckTime(what string, t time.Time) error {
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("%s is in the year %d in UTC, outside 0-9999", what, y)
	}
	return nil
}

// checkText says why an envelope field is not stored as sent: it is not UTF-8,
// which JSON would turn into U+FFFD, so the record would no longer be found by it.
func checkText(fields map[string]string) error {
	for _, k := range [...]string{"agt", "typ", "cid", "aid", "uid"} {
		if v, ok := fields[k]; ok && !utf8.ValidString(v) {
			return fmt.Errorf("%s is not valid UTF-8", k)
		}
	}
	return nil
}

// checkSeq rejects a seq that is an integer too large for int64: dropping it would
// turn off the duplicate check for that entry.
func checkSeq(s string) error {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseInt(s, 10, 64); err == nil || !isInteger(s) {
		return nil
	}
	return fmt.Errorf("seq %s is beyond the range of a 64-bit integer", s)
}

func isInteger(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkPayload says why a decoded payload cannot be kept: nesting beyond MaxDepth
// or a number no float64 holds (records are read back into float64s).
func checkPayload(v any, depth int) error {
	switch t := v.(type) {
	case map[string]any:
		if depth > MaxDepth {
			return fmt.Errorf("dat nests deeper than %d levels", MaxDepth)
		}
		for _, e := range t {
			if err := checkPayload(e, depth+1); err != nil {
				return err
			}
		}
	case []any:
		if depth > MaxDepth {
			return fmt.Errorf("dat nests deeper than %d levels", MaxDepth)
		}
		for _, e := range t {
			if err := checkPayload(e, depth+1); err != nil {
				return err
			}
		}
	case json.Number:
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return fmt.Errorf("dat holds the number %.40s, beyond the range of a float64", t)
		}
	}
	return nil
}

// checkEnvelope says why a projected entry's seq or time cannot be kept.
func checkEnvelope(ev Event) error {
	if err := checkSeq(ev.Fields["seq"]); err != nil {
		return err
	}
	return CheckTime("tsp", ev.Time)
}

// checkShadowed says which envelope field an entry gave two different values: which
// one the producer meant cannot be told.
func checkShadowed(shadowed []Field, fields map[string]string) error {
	for _, f := range shadowed {
		if isEnvelopeField(f.Name) && f.Value != fields[f.Name] {
			return fmt.Errorf("field %s is given different values", f.Name)
		}
	}
	return nil
}

func isEnvelopeField(name string) bool {
	switch name {
	case "agt", "typ", "cid", "aid", "uid", "seq", "tsp", "dat":
		return true
	}
	return false
}
