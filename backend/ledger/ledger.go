// Package ledger owns the chatLedger envelope: the raw stream Entry, turning it into an
// Event with typed ids, sequence, time and a decoded payload (tolerating the real
// producer's quirks and rejecting what cannot be interpreted), the one rule that keeps
// tax fields out of every payload, and the fields of a dead letter.
package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxPayload is the largest dat accepted; larger payloads are dead-lettered, never
// loaded into a read model or the UI.
const MaxPayload = 1 << 20

// ProjectedAgent is the only agent whose events feed the read models.
const ProjectedAgent = "broker"

// maxDecodeDepth bounds how many times a double-encoded dat is unwrapped.
const maxDecodeDepth = 4

// Event is one decoded stream entry.
type Event struct {
	ID                ID
	Agent             string
	Type              string
	ConversationID    string
	ApplicationNumber string
	CustomerID        string
	Seq               int64
	HasSeq            bool
	Time              time.Time
	// TimeFromID is true when tsp was missing or unparsable and Time came from the ID.
	TimeFromID bool
	// Zone is the producer's time zone, where the event's times written without a
	// zone are read (nil is UTC); ParseTime reads the payload's with it.
	Zone *time.Location
	// Data is the decoded payload without tax fields; nil for agents that are not
	// projected.
	Data map[string]any
	// TaxFieldsRemoved is true when the raw dat named tax fields that Data no longer
	// holds: whatever keeps the payload keeps Data, not Fields["dat"].
	TaxFieldsRemoved bool
	// Fields are the entry's original fields, kept verbatim for the archive and dead letters.
	Fields map[string]string
}

// ParseTime reads a time of the event's payload as ParseTime does, in the
// producer's zone.
func (e Event) ParseTime(s string) (time.Time, bool) { return ParseTime(s, e.Zone) }

// Projected reports whether the event belongs to the agent the read models follow.
func (e Event) Projected() bool { return e.Agent == ProjectedAgent }

// Error is a bad-input error: the entry cannot be interpreted and belongs in the
// dead-letter stream.
type Error struct {
	ID     ID
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("entry %s: %s", e.ID, e.Reason) }

// IsBadInput reports whether err says the input itself is bad (dead-letter it) rather
// than that something failed around it (retry).
func IsBadInput(err error) bool {
	var le *Error
	return errors.As(err, &le)
}

// Decode interprets one stream entry. Entries from other agents get their envelope
// decoded but not their payload, so a broken payload from a foreign agent is never
// dead-lettered. The tax fields are removed from every decoded payload here, once.
// zone is the producer's time zone, where times written without one are read (nil is
// UTC); the event keeps it for the times in its payload.
func Decode(id string, fields map[string]string, zone *time.Location) (Event, error) {
	sid, err := ParseID(id)
	if err != nil {
		return Event{}, &Error{Reason: err.Error()}
	}
	if err := CheckID(sid); err != nil {
		return Event{ID: sid, Fields: fields}, &Error{ID: sid, Reason: err.Error()}
	}
	ev := Event{
		ID:                sid,
		Zone:              zone,
		Agent:             strings.TrimSpace(fields["agt"]),
		Type:              strings.TrimSpace(fields["typ"]),
		ConversationID:    strings.TrimSpace(fields["cid"]),
		ApplicationNumber: strings.TrimSpace(fields["aid"]),
		CustomerID:        strings.TrimSpace(fields["uid"]),
		Fields:            fields,
	}
	ev.Seq, ev.HasSeq = parseSeq(fields["seq"])
	ev.Time, ev.TimeFromID = eventTime(fields["tsp"], sid, zone)
	// Envelope ids are archived and looked up for every agent's entries.
	if err := checkText(fields); err != nil {
		return ev, &Error{ID: sid, Reason: err.Error()}
	}
	if !ev.Projected() {
		return ev, nil
	}
	if ev.Type == "" {
		return ev, &Error{ID: sid, Reason: "missing typ"}
	}
	if err := checkEnvelope(ev); err != nil {
		return ev, &Error{ID: sid, Reason: err.Error()}
	}
	data, err := DecodePayload(fields["dat"])
	if err == nil {
		err = checkPayload(data, 1)
	}
	if err != nil {
		return ev, &Error{ID: sid, Reason: err.Error()}
	}
	ev.TaxFieldsRemoved = stripTaxFields(fields["dat"], data)
	ev.Data = data
	return ev, nil
}

// DecodePayload decodes dat: a JSON object, possibly encoded more than once as a JSON
// string. An absent or empty dat is an empty object.
func DecodePayload(dat string) (map[string]any, error) {
	if len(dat) > MaxPayload {
		return nil, fmt.Errorf("dat is %d bytes, over the %d byte limit", len(dat), MaxPayload)
	}
	raw := strings.TrimSpace(dat)
	if raw == "" {
		return map[string]any{}, nil
	}
	for range maxDecodeDepth {
		var v any
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("dat is not JSON: %v", err)
		}
		// More would accept a stray '}' or ']' after the value; only the end of the
		// input may follow it.
		if _, err := dec.Token(); err != io.EOF {
			return nil, errors.New("dat is not JSON: trailing data after the value")
		}
		switch t := v.(type) {
		case map[string]any:
			return t, nil
		case string:
			raw = strings.TrimSpace(t)
			if raw == "" {
				return map[string]any{}, nil
			}
		case nil:
			return map[string]any{}, nil
		default:
			return nil, fmt.Errorf("dat is a JSON %s, not an object", jsonKind(v))
		}
	}
	return nil, fmt.Errorf("dat is encoded more than %d times", maxDecodeDepth)
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func parseSeq(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

func eventTime(tsp string, id ID, zone *time.Location) (time.Time, bool) {
	if t, ok := ParseTime(tsp, zone); ok {
		return t, false
	}
	return id.Time(), true
}

// timeLayouts are the ISO-8601 shapes a Python producer writes (isoformat, str(),
// pydantic), with "T" between date and time; ParseTime turns a space into one. A
// fraction of any length is read (to the nanosecond), with a point or a comma.
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02",
}

// ParseTime reads an ISO-8601 time as a Python producer writes it: "T" or a space
// between date and time, a fraction of any length or none, a zone ("Z", "+11:00",
// "+1100", "+11") or none. A time without a zone is the producer's wall clock, read
// in zone (nil is UTC): the producer's time zone, which is configuration. The result
// is in UTC.
func ParseTime(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if zone == nil {
		zone = time.UTC
	}
	for _, layout := range timeLayouts {
		// A layout with a zone takes the time's own; zone only places the others.
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
