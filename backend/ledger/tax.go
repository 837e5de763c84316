package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The tax rule. Contract §3: the tax fields are excluded from the producer's own
// serialisation and must never be stored, shown or returned even if they arrive. They
// arrive however a producer wrote them: under JSON-escaped keys, in JSON encoded
// inside JSON strings, in another agent's payload, in an entry's own fields, or in
// text that is not JSON at all. This file is the one place that rule is written;
// Decode applies it to every payload it decodes, and whatever keeps an entry's
// fields (the archive, dead letters) keeps them through EntryFieldsWithoutTax.

// taxFields are excluded from the producer's own serialisation and must never be
// stored, shown or returned, wherever in a payload they turn up.
var taxFields = map[string]bool{
	"australian_tax_residency_flag": true,
	"tax_file_number":               true,
	"tax_exemption_code":            true,
	"foreign_tax_identifier":        true,
	"tax_country":                   true,
}

// Redacted replaces the value after a tax field's name in text that is not JSON (a
// dat that does not parse, a free-text string): the text around it is kept, so an
// operator can still repair and retry a dead letter.
const Redacted = "[redacted]"

// maxTextDepth bounds how many times text encoded inside JSON strings is unwrapped
// before the rest is treated as plain text (and redacted, not parsed).
const maxTextDepth = 8

// IsTaxField reports whether key names a tax field.
func IsTaxField(key string) bool { return taxFields[key] }

// MayNameTaxField reports whether the raw text of a payload can name a tax field, so
// that most payloads skip the walk. Every tax field's name contains "tax_", and JSON
// can spell that otherwise only with a \u escape, at any level of encoding.
func MayNameTaxField(raw string) bool {
	return strings.Contains(raw, "tax_") || strings.Contains(raw, `\u`)
}

// StripTaxFields removes the tax fields from v at any depth, in place, and reports
// whether it removed any. A string in v goes through TextWithoutTax: JSON inside it
// loses its tax fields too, and other text naming one has the value redacted.
func StripTaxFields(v any) bool { return stripTree(v, 0) }

func stripTree(v any, depth int) bool {
	removed := false
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if isTaxName(k) {
				delete(t, k)
				removed = true
				continue
			}
			if s, ok := child.(string); ok {
				if clean, changed := stripText(s, depth); changed {
					t[k] = clean
					removed = true
				}
				continue
			}
			removed = stripTree(child, depth) || removed
		}
	case []any:
		for i, child := range t {
			if s, ok := child.(string); ok {
				if clean, changed := stripText(s, depth); changed {
					t[i] = clean
					removed = true
				}
				continue
			}
			removed = stripTree(child, depth) || removed
		}
	}
	return removed
}

// stripTaxFields is the one place the tax rule meets a payload: Decode applies it to
// every decoded dat, so no reader of an Event ever sees a tax field.
func stripTaxFields(dat string, data map[string]any) bool {
	return MayNameTaxField(dat) && StripTaxFields(data)
}

// TextWithoutTax applies the tax rule to one piece of text (an entry's field, a
// reason): JSON, encoded any number of times, loses its tax fields and is encoded
// again as often; other text has the value after each tax field's name replaced by
// Redacted. It reports whether it changed anything; text that names no tax field
// comes back as it was.
func TextWithoutTax(s string) (string, bool) { return stripText(s, 0) }

func stripText(s string, depth int) (string, bool) {
	if !MayNameTaxField(s) {
		return s, false
	}
	if depth < maxTextDepth {
		if v, ok := decodeJSON(s); ok {
			switch t := v.(type) {
			case string:
				inner, changed := stripText(t, depth+1)
				if !changed {
					return s, false
				}
				return encodeJSON(inner), true
			case map[string]any, []any:
				if !stripTree(t, depth+1) {
					return s, false
				}
				return encodeJSON(t), true
			default:
				return s, false // a number, boolean or null names nothing
			}
		}
	}
	out, changed := redactText(s)
	if changed && depth < maxTextDepth {
		// Redacting can mend text into JSON (a control character in a tax value
		// was what broke it); the rule for JSON then applies, so applying the rule
		// again changes nothing.
		if again, more := stripText(out, depth+1); more {
			return again, true
		}
	}
	return out, changed
}

// decodeJSON decodes s when it is exactly one JSON value.
func decodeJSON(s string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // more after the value: not JSON
	}
	return v, true
}

// encodeJSON writes v without HTML escapes, which would spell "<" as \u003c and make
// every later look at the text walk it again.
func encodeJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values decoded from JSON get here, and those always encode.
		return fmt.Sprintf("%q", Redacted)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// EntryFieldsWithoutTax are an entry's fields as they may be kept: a field named as
// a tax field (in any spelling) is dropped, and every value goes through
// TextWithoutTax. It returns fields itself, unchanged, when nothing names a tax field.
func EntryFieldsWithoutTax(fields map[string]string) (map[string]string, bool) {
	return fieldsWithoutTax(fields, "")
}

// StoredFields are the event's fields as the archive keeps them: by
// EntryFieldsWithoutTax, except that a payload Decode decoded is kept as Decode left
// it (Data encoded again when the rule removed anything from it), so that the archive
// and the read models agree and the payload is not decoded twice.
func (e Event) StoredFields() map[string]string {
	if e.Data == nil {
		fields, _ := fieldsWithoutTax(e.Fields, "")
		return fields
	}
	fields, changed := fieldsWithoutTax(e.Fields, "dat")
	if !e.TaxFieldsRemoved {
		return fields
	}
	if !changed {
		fields = copyFields(e.Fields)
	}
	fields["dat"] = encodeJSON(e.Data)
	return fields
}

// fieldsWithoutTax is EntryFieldsWithoutTax leaving the field named keep as it is.
func fieldsWithoutTax(fields map[string]string, keep string) (map[string]string, bool) {
	var out map[string]string
	for k, v := range fields {
		if k == keep {
			continue
		}
		drop := isTaxName(k)
		clean, changed := v, false
		if !drop {
			clean, changed = TextWithoutTax(v)
		}
		if !drop && !changed {
			continue
		}
		if out == nil {
			out = copyFields(fields)
		}
		if drop {
			delete(out, k)
		} else {
			out[k] = clean
		}
	}
	if out == nil {
		return fields, false
	}
	return out, true
}

func copyFields(fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// isTaxName reports whether k is a tax field's name, also when its characters are
// \u escapes that nothing unescaped.
func isTaxName(k string) bool {
	return taxFields[k] || strings.Contains(k, `\u`) && taxNameOnly.MatchString(k)
}

// taxName matches a tax field's name in raw text, each character written as itself
// or as a \u escape behind any number of backslashes (JSON encoded any number of
// times); taxNameOnly matches text that is nothing but such a name.
var (
	taxName     = regexp.MustCompile(taxNamePattern())
	taxNameOnly = regexp.MustCompile(`^(?:` + taxNamePattern() + `)$`)
)

func taxNamePattern() string {
	var alts []string
	for _, name := range slices.Sorted(maps.Keys(taxFields)) {
		var b strings.Builder
		for _, c := range name {
			fmt.Fprintf(&b, `(?:%c|\\+u00(?i:%02x))`, c, c)
		}
		alts = append(alts, b.String())
	}
	return strings.Join(alts, "|")
}

// redactText replaces the value after each tax field's name in text that is not
// JSON. After the name may come the rest of a quoted key, a separator (":", "=",
// "=>", ">" or just spaces), then the value: the inside of a quoted string, an object
// or list up to its closing bracket and what follows it up to where an unquoted value
// ends, or an unquoted value up to the end of the line or the next
// , ; & | < > { } [ ] or ". Text already redacted is left.
func redactText(s string) (string, bool) {
	var b strings.Builder
	last := 0
	for _, m := range taxName.FindAllStringIndex(s, -1) {
		// Inside a value already redacted. A longer name (tax_file_numbers) needs no
		// test: no separator follows the match, so no value does. A name ending in
		// one (previous_tax_country) is redacted too, which errs on the safe side.
		if m[0] < last {
			continue
		}
		from, to := valueAfter(s, m[1])
		if s[from:to] == "" || s[from:to] == Redacted {
			continue
		}
		b.WriteString(s[last:from])
		b.WriteString(Redacted)
		last = to
	}
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// valueAfter is where the value after a name ending at i starts and ends; both are
// i when no value follows.
func valueAfter(s string, i int) (int, int) {
	// The rest of a quoted key: its closing quote, escaped as often as it was.
	if j := skipBackslashes(s, i); j < len(s) && (s[j] == '"' || s[j] == '\'') {
		i = j + 1
	}
	j := skipSpaces(s, i)
	k := j
	for k < len(s) && (s[k] == ':' || s[k] == '=' || s[k] == '>') {
		k++
	}
	if k == j && j == i {
		return i, i // neither a separator nor a space: no value follows
	}
	v := skipSpaces(s, k)
	if v >= len(s) {
		return v, v
	}
	if strings.HasPrefix(s[v:], Redacted) {
		return v, unquotedEnd(s, v+len(Redacted)) // redacted already, unless more follows
	}
	if q := skipBackslashes(s, v); q < len(s) && (s[q] == '"' || s[q] == '\'') {
		return quoted(s, v, q)
	}
	if s[v] == '{' || s[v] == '[' {
		return v, unquotedEnd(s, bracketed(s, v))
	}
	return v, unquotedEnd(s, v)
}

// unquotedEnd is the end of an unquoted value running from i: the end of the line or
// the next , ; & | < > { } [ ] or ". Spaces and apostrophes do not end it: a tax
// file number is often written in groups, and a country's name can hold both.
func unquotedEnd(s string, i int) int {
	end := i
	for end < len(s) && !strings.ContainsRune("\n\r,;&|<>{}[]\"", rune(s[end])) {
		end++
	}
	// Trailing spaces and the backslash of an escaped quote belong to what follows.
	for end > i && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == '\\') {
		end--
	}
	return end
}

// quoted is the inside of the quoted value whose opening quote is s[q], behind the
// backslashes from v: it ends at the first same quote behind no more backslashes
// than the opening one (a quote escaped within the value has more), or at the end.
func quoted(s string, v, q int) (int, int) {
	level := q - v
	for i := q + 1; i < len(s); i++ {
		if s[i] != s[q] {
			continue
		}
		start := i
		for start > q+1 && s[start-1] == '\\' {
			start--
		}
		if i-start <= level {
			return q + 1, start
		}
	}
	return q + 1, len(s)
}

// bracketed is the end of the object or list opening at s[v]: after its closing
// bracket, or the end of s when it has none.
func bracketed(s string, v int) int {
	open, close := s[v], byte('}')
	if open == '[' {
		close = ']'
	}
	depth := 0
	for i := v; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

func skipBackslashes(s string, i int) int {
	for i < len(s) && s[i] == '\\' {
		i++
	}
	return i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}
