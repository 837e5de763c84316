package reader

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/ledger"
)

// Tail is a Source that reads the stream with XREAD from a position of its own, as a
// reader outside any group does: the caller keeps the position durable (the desktop
// cache's checkpoint) and starts a new Tail from it after a restart.
type Tail struct {
	rdb    redis.UniversalClient
	stream string
	count  int
	block  time.Duration
	pos    ledger.ID
}

// NewTail reads stream after pos, count entries at most per read, waiting up to block
// for new ones.
func NewTail(rdb redis.UniversalClient, stream string, pos ledger.ID, count int, block time.Duration) *Tail {
	return &Tail{rdb: rdb, stream: stream, pos: pos, count: count, block: block}
}

// Next reads the entries after the last one read. Entries trimmed away since are
// skipped: XREAD goes on from the first entry still there.
func (t *Tail) Next(ctx context.Context) ([]ledger.Entry, error) {
	args := []any{"XREAD", "COUNT", t.count}
	if t.block >= 0 {
		args = append(args, "BLOCK", t.block.Milliseconds())
	}
	entries, err := readStream(ctx, t.rdb, "XREAD "+t.stream, append(args, "STREAMS", t.stream, t.pos.String())...)
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	last, err := ledger.ParseID(entries[len(entries)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("stream entry id: %w", err)
	}
	t.pos = last
	return entries, nil
}
