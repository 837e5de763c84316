package ledger

import (
	"maps"
	"slices"
	"time"
)

// The dead-letter stream's own fields; every other field of a dead letter is one of
// the original entry's fields, kept as it came except for tax values (see
// DeadLetter.WithoutTax).
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

// NewDeadLetter is the dead letter of entry e, without tax values.
func NewDeadLetter(e Entry, reason string, at time.Time) DeadLetter {
	return DeadLetter{Entry: e, Reason: reason, At: at}.WithoutTax()
}

// WithoutTax is d as it may be kept, sent or logged: what an operator needs to
// repair and retry it, minus tax values. Its fields, the values of repeated names
// among them, lose the tax fields by EntryFieldsWithoutTax (a dat that is not JSON
// keeps its text, with the value after each tax field's name replaced by Redacted),
// and so does the reason.
func (d DeadLetter) WithoutTax() DeadLetter {
	d.Entry.Fields, _ = EntryFieldsWithoutTax(d.Entry.Fields)
	d.Entry.Shadowed = shadowedWithoutTax(d.Entry.Shadowed)
	d.Reason, _ = TextWithoutTax(d.Reason)
	return d
}

// shadowedWithoutTax applies the tax rule to the earlier values of repeated names.
func shadowedWithoutTax(fields []Field) []Field {
	var out []Field
	for _, f := range fields {
		if isTaxName(f.Name) {
			continue
		}
		f.Value, _ = TextWithoutTax(f.Value)
		out = append(out, f)
	}
	return out
}

// Values are the field-value pairs of the dead letter's entry in the dead-letter
// stream: the original fields without tax values, every value of a repeated name too
// (the earlier ones first, so a reader that keeps one value per name sees the last, as
// it would have in the original), plus the original ID, the reason, the consumer and
// the time under an "x_" prefix.
func (d DeadLetter) Values() []any {
	d = d.WithoutTax()
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
