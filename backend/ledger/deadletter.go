package ledger

import (
	"maps"
	"slices"
	"time"
)

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

// Values are the field-value pairs of the dead letter's entry in the dead-letter
// stream: the original fields as they came, every value of a repeated name too (the
// earlier ones first, so a reader that keeps one value per name sees the last, as it
// would have in the original), plus the original ID, the reason, the consumer and the
// time under an "x_" prefix.
func (d DeadLetter) Values() []any {
	v := make([]any, 0, 2*(len(d.Entry.Shadowed)+len(d.Entry.Fields)+4))
	for _, f := range d.Entry.Shadowed {
		v = append(v, f.Name, f.Value)
	}
	for _, k := range slices.Sorted(maps.Keys(d.Entry.Fields)) {
		v = append(v, k, d.Entry.Fields[k])
	}
	return append(v, deadOriginalID, d.Entry.ID, deadReason, d.Reason, deadConsumer, d.Consumer,
		deadAt, d.At.UTC().Format(time.RFC3339Nano))
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
