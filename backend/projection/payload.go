package projection

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// str reads a string field; numbers are accepted as their text. A field of another
// shape is an error so that a payload of the wrong shape is dead-lettered.
func str(m map[string]any, key string) (string, error) {
	switch t := m[key].(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case float64: // a number that went through a JSON store
		return strconv.FormatFloat(t, 'f', -1, 64), nil
	default:
		return "", fmt.Errorf("%s is a %s, want a string", key, kindOf(t))
	}
}

// createdAt is the payload's created_at, read as ev's times are (in the producer's
// zone when it has none); ok is false when it is absent or unparsable. A time in it
// that no record can store is bad input.
func createdAt(d map[string]any, ev *ledger.Event) (t time.Time, ok bool, err error) {
	created, err := str(d, "created_at")
	if err != nil {
		return time.Time{}, false, err
	}
	if t, ok = ev.ParseTime(created); ok {
		if err := ledger.CheckTime("created_at", t); err != nil {
			return time.Time{}, false, err
		}
	}
	return t, ok, nil
}

// firstStr returns the first non-empty string among keys.
func firstStr(m map[string]any, keys ...string) (string, error) {
	for _, k := range keys {
		s, err := str(m, k)
		if err != nil {
			return "", err
		}
		if s = strings.TrimSpace(s); s != "" {
			return s, nil
		}
	}
	return "", nil
}

// flag reads a producer boolean: a JSON bool, or a string where any non-empty value
// other than "false"/"0" means true.
func flag(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		s := strings.ToLower(strings.TrimSpace(t))
		return s != "" && s != "false" && s != "0"
	case json.Number:
		f, err := t.Float64()
		return err == nil && f != 0
	case float64:
		return t != 0
	}
	return false
}

func object(m map[string]any, key string) (map[string]any, error) {
	switch t := m[key].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return t, nil
	default:
		return nil, fmt.Errorf("%s is a %s, want an object", key, kindOf(t))
	}
}

func integer(m map[string]any, key string) int64 {
	switch t := m[key].(type) {
	case json.Number:
		n, err := t.Int64()
		if err != nil {
			f, ferr := t.Float64()
			if ferr != nil {
				return 0
			}
			return int64(f)
		}
		return n
	case float64:
		return int64(t)
	case string:
		n, _ := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		return n
	}
	return 0
}

// amount reads a money field sent as a number or a numeric string.
func amount(v any) (float64, bool, error) {
	switch t := v.(type) {
	case nil:
		return 0, false, nil
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return 0, false, fmt.Errorf("amount %q: %w", t, err)
		}
		return f, true, nil
	case float64:
		return t, true, nil
	case string:
		s := strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(t), "$"), ",", ""))
		if s == "" {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, fmt.Errorf("amount %q is not a number", t)
		}
		return f, true, nil
	default:
		return 0, false, fmt.Errorf("amount is a %s", kindOf(t))
	}
}

// Fee is the loan fee: 5% of the amount, rounded to cents.
func Fee(loanAmount float64) float64 { return cents(loanAmount * 0.05) }

func cents(f float64) float64 { return math.Round(f*100) / 100 }

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// mergeInto deep-merges delta into dst: nested objects merge field by field, lists
// and scalars replace, and null never erases a stored value.
func mergeInto(dst, delta map[string]any) {
	for k, v := range delta {
		if v == nil {
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			if cur, ok := dst[k].(map[string]any); ok {
				mergeInto(cur, sub)
				continue
			}
			fresh := map[string]any{}
			mergeInto(fresh, sub)
			dst[k] = fresh
			continue
		}
		dst[k] = v
	}
}
