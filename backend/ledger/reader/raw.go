package reader

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
)

// The reads below go through Do rather than go-redis's stream commands, whose
// XMessage keeps one value per field name: Redis keeps every pair XADD was given, and
// a dead letter must keep them all (ledger.Entry.Shadowed). Unlike go-redis's own
// XREAD, Do does not stretch the client's read timeout (3 s unless set) to cover
// BLOCK, so a source's Block must stay under it.

// readStream runs an XREAD or XREADGROUP of one stream and returns its entries; none
// when nothing came.
func readStream(ctx context.Context, rdb redis.UniversalClient, what string, args ...any) ([]ledger.Entry, error) {
	v, err := rdb.Do(ctx, args...).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	entries, err := firstStreamEntries(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return entries, nil
}

// firstStreamEntries reads the reply of a one-stream read: a map of stream to entries
// (RESP3) or a list of stream-entries pairs (RESP2).
func firstStreamEntries(v any) ([]ledger.Entry, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case map[any]any:
		for _, list := range t {
			return entryList(list)
		}
		return nil, nil
	case []any:
		if len(t) == 0 {
			return nil, nil
		}
		pair, ok := t[0].([]any)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("unexpected reply %T", t[0])
		}
		return entryList(pair[1])
	}
	return nil, fmt.Errorf("unexpected reply %T", v)
}

// entryList reads a list of [id, [field, value, ...]] entries. A deleted entry still
// pending comes with no fields.
func entryList(v any) ([]ledger.Entry, error) {
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("unexpected entry list %T", v)
	}
	out := make([]ledger.Entry, 0, len(list))
	for _, item := range list {
		e, ok := item.([]any)
		if !ok || len(e) != 2 {
			return nil, fmt.Errorf("unexpected entry %T", item)
		}
		id, ok := e[0].(string)
		if !ok {
			return nil, fmt.Errorf("unexpected entry id %T", e[0])
		}
		kv, _ := e[1].([]any)
		out = append(out, entryOf(id, kv))
	}
	return out, nil
}

// entryOf reads one entry of a reply, every field-value pair as Redis sent it.
func entryOf(id string, kv []any) ledger.Entry {
	e := ledger.Entry{ID: id, Fields: make(map[string]string, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Add(text(kv[i]), text(kv[i+1]))
	}
	return e
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// autoClaimReply reads an XAUTOCLAIM reply: the entries it took over and where the
// next call goes on ("0-0" when the pending list is done).
func autoClaimReply(v any, err error) ([]ledger.Entry, string, error) {
	if err != nil {
		return nil, "", err
	}
	reply, ok := v.([]any)
	if !ok || len(reply) < 2 {
		return nil, "", fmt.Errorf("unexpected XAUTOCLAIM reply %T", v)
	}
	next, ok := reply[0].(string)
	if !ok {
		return nil, "", fmt.Errorf("unexpected XAUTOCLAIM cursor %T", reply[0])
	}
	entries, err := entryList(reply[1])
	return entries, next, err
}
