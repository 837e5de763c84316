package simulator

import (
	"strconv"
	"unicode/utf8"
)

// jsonw appends JSON to a byte slice. Generating millions of payloads through
// encoding/json and maps would dominate the generator's cost, and the payloads
// are written in a fixed field order anyway. Separators follow Python's
// json.dumps defaults (", " and ": "), which is what the real producer emits.
type jsonw struct {
	b     []byte
	comma bool
}

func (w *jsonw) reset() { w.b, w.comma = w.b[:0], false }

func (w *jsonw) sep() {
	if w.comma {
		w.b = append(w.b, ',', ' ')
	}
}

func (w *jsonw) open(c byte) {
	w.sep()
	w.b = append(w.b, c)
	w.comma = false
}

func (w *jsonw) close(c byte) {
	w.b = append(w.b, c)
	w.comma = true
}

func (w *jsonw) obj()  { w.open('{') }
func (w *jsonw) end()  { w.close('}') }
func (w *jsonw) arr()  { w.open('[') }
func (w *jsonw) aend() { w.close(']') }

func (w *jsonw) key(k string) {
	w.sep()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':', ' ')
	w.comma = false
}

func (w *jsonw) str(v string) {
	w.sep()
	w.b = appendJSONString(w.b, v)
	w.comma = true
}

func (w *jsonw) int(v int64) {
	w.sep()
	w.b = strconv.AppendInt(w.b, v, 10)
	w.comma = true
}

func (w *jsonw) float(v float64) {
	w.sep()
	w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64)
	w.comma = true
}

func (w *jsonw) bool(v bool) {
	w.sep()
	w.b = strconv.AppendBool(w.b, v)
	w.comma = true
}

func (w *jsonw) null() {
	w.sep()
	w.b = append(w.b, "null"...)
	w.comma = true
}

// money writes cents the way a Python float or int prints: 400, 20.5, 4210.55.
func (w *jsonw) money(cents int64) {
	if cents%100 == 0 {
		w.int(cents / 100)
		return
	}
	w.float(float64(cents) / 100)
}

func (w *jsonw) kstr(k, v string)     { w.key(k); w.str(v) }
func (w *jsonw) kint(k string, v int) { w.key(k); w.int(int64(v)) }
func (w *jsonw) kbool(k string, v bool) {
	w.key(k)
	w.bool(v)
}
func (w *jsonw) knull(k string)             { w.key(k); w.null() }
func (w *jsonw) kmoney(k string, c int64)   { w.key(k); w.money(c) }
func (w *jsonw) kfloat(k string, v float64) { w.key(k); w.float(v) }

// kstrs writes a list of strings.
func (w *jsonw) kstrs(k string, vs ...string) {
	w.key(k)
	w.arr()
	for _, v := range vs {
		w.str(v)
	}
	w.aend()
}

// appendJSONString quotes s like Python's json.dumps with ensure_ascii: non-ASCII
// runes become \u escapes, so names such as "Zoë" arrive the way the producer
// really sends them. Runs of plain ASCII are copied in one go.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		b = appendEscaped(b, r)
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscaped writes one rune that needs escaping.
func appendEscaped(b []byte, r rune) []byte {
	switch {
	case r == '"' || r == '\\':
		return append(b, '\\', byte(r))
	case r == '\n':
		return append(b, '\\', 'n')
	case r > 0xffff:
		r -= 0x10000
		b = appendU4(b, 0xd800+(r>>10))
		return appendU4(b, 0xdc00+(r&0x3ff))
	}
	return appendU4(b, r)
}

func appendU4(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
