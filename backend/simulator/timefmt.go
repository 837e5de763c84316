package simulator

import "time"

// appendISOMillis writes ms as 2006-01-02T15:04:05.000 in UTC, without a zone.
// time.Format is a noticeable share of generating millions of events, and
// every timestamp the producer writes shares this prefix.
func appendISOMillis(b []byte, ms int64) []byte {
	t := time.UnixMilli(ms).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, s, 2)
	b = append(b, '.')
	return appendDigits(b, int(((ms%1000)+1000)%1000), 3)
}

// appendDigits writes v zero-padded to n digits.
func appendDigits(b []byte, v, n int) []byte {
	var buf [8]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:n]...)
}

// tspString formats an envelope tsp: 2026-11-24T09:14:02.117Z.
func tspString(b []byte, ms int64) ([]byte, string) {
	b = append(appendISOMillis(b[:0], ms), 'Z')
	return b, string(b)
}

// isoPython formats ms like Python's datetime.isoformat() on an aware UTC time.
func isoPython(ms int64) string {
	var buf [32]byte
	return string(append(appendISOMillis(buf[:0], ms), "000+00:00"...))
}

// isoShort formats ms as the assessment services do: seconds and Z.
func isoShort(ms int64) string {
	var buf [32]byte
	b := appendISOMillis(buf[:0], ms)
	return string(append(b[:len(b)-4], 'Z'))
}
