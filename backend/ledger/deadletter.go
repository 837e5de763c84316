package ledger

import "time"

// The dead-letter stream's own fields; every other field of a dead letter is one of
// the original entry's fields, kept as it came.
const (
	deadOriginalID = "x_original_id"
	deadReason     = "x_reason"
	deadConsumer   = "x_consumer"
	deadAt         = "x_dead_at"
)

// DeadLetter is an entry that could not be interpreted: the original entry, why, the
// consumer that gave up on it and when.
type DeadLetter struct {
	Entry    Entry
	Reason   string
	Consumer string
	At       time.Time
}

// Values are the fields of the dead letter's entry in the dead-letter stream: the
// original fields as they came, plus the original ID, the reason, the consumer and
// the time under an "x_" prefix.
func (d DeadLetter) Values() map[string]any {
	v := make(map[string]any, len(d.Entry.Fields)+4)
	for k, f := range d.Entry.Fields {
		v[k] = f
	}
	v[deadOriginalID] = d.Entry.ID
	v[deadReason] = d.Reason
	v[deadConsumer] = d.Consumer
	v[deadAt] = d.At.UTC().Format(time.RFC3339Nano)
	return v
}

// ParseDeadLetter reads an entry of the dead-letter stream back. A time that does not
// parse is left zero.
func ParseDeadLetter(values map[string]any) DeadLetter {
	fields := FieldsOf(values)
	d := DeadLetter{Entry: Entry{ID: fields[deadOriginalID]}, Reason: fields[deadReason], Consumer: fields[deadConsumer]}
	if t, err := time.Parse(time.RFC3339Nano, fields[deadAt]); err == nil {
		d.At = t.UTC()
	}
	for _, k := range []string{deadOriginalID, deadReason, deadConsumer, deadAt} {
		delete(fields, k)
	}
	d.Entry.Fields = fields
	return d
}
