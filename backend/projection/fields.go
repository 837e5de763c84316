package projection

import "strings"

// The readers of stored producer data that every view of it uses (the portal rows
// here, the desktop's conversion), so that the desktop and the portal read a field
// the same way. They are lenient: a field of an unexpected shape reads as absent.

// Text reads a string field, trimmed; a number reads as its text, any other shape as "".
func Text(m map[string]any, key string) string {
	s, _ := str(m, key)
	return strings.TrimSpace(s)
}

// Flag reads a producer boolean that may be absent: nil when absent or null, else a
// JSON bool, a number (non-zero is true) or a string where any non-empty value other
// than "false"/"0" means true.
func Flag(m map[string]any, key string) *bool {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	b := flag(v)
	return &b
}

// Number reads a number sent as a number or a numeric string ("$1,200.50" too); nil
// when absent, null or not a finite number.
func Number(m map[string]any, key string) *float64 { return number(m[key]) }

func number(v any) *float64 {
	f, ok, err := amount(v)
	if err != nil || !ok {
		return nil
	}
	return &f
}
