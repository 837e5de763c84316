package ledger

import "fmt"

// Entry is one raw stream entry: its stream ID and flat string fields, as read from
// Redis or from the archive. It is what readers hand to the store.
type Entry struct {
	ID     string
	Fields map[string]string

	// decoded caches Decode's answer when DecodeEntries ran ahead of the apply.
	decoded *decoded
}

type decoded struct {
	ev  Event
	err error
}

// DecodeEntries decodes entries ahead of their apply, so a reader can decode one batch
// while the previous one is being written. Event decodes whatever was not.
func DecodeEntries(entries []Entry) {
	for i := range entries {
		ev, err := Decode(entries[i].ID, entries[i].Fields)
		entries[i].decoded = &decoded{ev: ev, err: err}
	}
}

// Event is the entry decoded, as Decode tells it.
func (e Entry) Event() (Event, error) {
	if e.decoded != nil {
		return e.decoded.ev, e.decoded.err
	}
	return Decode(e.ID, e.Fields)
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
