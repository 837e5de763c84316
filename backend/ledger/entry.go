package ledger

import (
	"fmt"
	"time"
)

// Entry is one raw stream entry: its stream ID and flat string fields, as read from
// Redis or from the archive. It is what readers hand to the store.
type Entry struct {
	ID     string
	Fields map[string]string
	// Shadowed are the earlier values of field names the entry repeats (Redis keeps
	// every pair XADD was given), in order; Fields holds each name's last value, as
	// other Redis clients read it. Nil for nearly every entry.
	Shadowed []Field

	// decoded caches Decode's answer when DecodeEntries ran ahead of the apply.
	decoded *decoded
}

type decoded struct {
	ev   Event
	err  error
	zone *time.Location
}

// Field is one field of a stream entry.
type Field struct {
	Name, Value string
}

// DecodeEntries decodes entries ahead of their apply, so a reader can decode one batch
// while the previous one is being written; zone is the producer's, as Decode takes it.
// Event decodes whatever was not, or was in another zone.
func DecodeEntries(entries []Entry, zone *time.Location) {
	for i := range entries {
		ev, err := entries[i].decode(zone)
		entries[i].decoded = &decoded{ev: ev, err: err, zone: zone}
	}
}

// Event is the entry decoded, as Decode tells it in the producer's zone; a projected
// entry that gives an envelope field two different values is bad input too.
func (e Entry) Event(zone *time.Location) (Event, error) {
	if e.decoded != nil && e.decoded.zone == zone {
		return e.decoded.ev, e.decoded.err
	}
	return e.decode(zone)
}

func (e Entry) decode(zone *time.Location) (Event, error) {
	ev, err := Decode(e.ID, e.Fields, zone)
	if err == nil && ev.Projected() {
		if err := checkShadowed(e.Shadowed, e.Fields); err != nil {
			return ev, &Error{ID: ev.ID, Reason: err.Error()}
		}
	}
	return ev, err
}

// Add adds one field-value pair of the entry as Redis sends it. Redis keeps every pair
// XADD was given: a name given again keeps its earlier value in Shadowed, so that a
// dead letter can keep them all.
func (e *Entry) Add(name, value string) {
	if e.Fields == nil {
		e.Fields = make(map[string]string)
	}
	if old, ok := e.Fields[name]; ok {
		e.Shadowed = append(e.Shadowed, Field{Name: name, Value: old})
	}
	e.Fields[name] = value
}

// FieldsOf turns the values of a stream entry as a Redis client returns them into
// the envelope's flat string fields.
func FieldsOf(values map[string]any) map[string]string {
	fields := make(map[string]string, len(values))
	for k, v := range values {
		if s, ok := v.(string); ok {
			fields[k] = s
		} else {
			fields[k] = fmt.Sprint(v)
		}
	}
	return fields
}
