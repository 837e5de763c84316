package ledger

import "strings"

// taxFields are excluded from the producer's own serialisation and must never be
// stored, shown or returned, wherever in a payload they turn up.
var taxFields = map[string]bool{
	"australian_tax_residency_flag": true,
	"tax_file_number":               true,
	"tax_exemption_code":            true,
	"foreign_tax_identifier":        true,
	"tax_country":                   true,
}

// IsTaxField reports whether key names a tax field.
func IsTaxField(key string) bool { return taxFields[key] }

// MayNameTaxField reports whether the raw text of a payload can name a tax field, so
// that most payloads skip the walk. Every tax field's name contains "tax_", and JSON
// can spell that otherwise only with a \u escape, at any level of encoding.
func MayNameTaxField(raw string) bool {
	return strings.Contains(raw, "tax_") || strings.Contains(raw, `\u`)
}

// StripTaxFields removes the tax fields from v at any depth, in place, and reports
// whether it removed any.
func StripTaxFields(v any) bool {
	removed := false
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if taxFields[k] {
				delete(t, k)
				removed = true
				continue
			}
			removed = StripTaxFields(child) || removed
		}
	case []any:
		for _, child := range t {
			removed = StripTaxFields(child) || removed
		}
	}
	return removed
}

// stripTaxFields is the one place the tax rule meets a payload: Decode applies it to
// every decoded dat, so no reader of an Event ever sees a tax field.
func stripTaxFields(dat string, data map[string]any) bool {
	return MayNameTaxField(dat) && StripTaxFields(data)
}
