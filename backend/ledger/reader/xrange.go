package reader

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
)

// Range reads at most count entries of stream from start to end (XRANGE; "(" before an
// ID excludes it), every field-value pair as Redis keeps it, for a rebuild from the
// stream itself.
func Range(ctx context.Context, rdb redis.UniversalClient, stream, start, end string, count int64) ([]ledger.Entry, error) {
	v, err := rdb.Do(ctx, "XRANGE", stream, start, end, "COUNT", count).Result()
	if err != nil {
		return nil, fmt.Errorf("xrange %s: %w", stream, err)
	}
	entries, err := entryList(v)
	if err != nil {
		return nil, fmt.Errorf("xrange %s: %w", stream, err)
	}
	return entries, nil
}
