package supervisor

import (
	"context"
	"database/sql"
	"time"

	"github.com/billie/supervisor/backend/projection"
)

// Hooks for the tests, which live in package supervisor_test because they fill their
// database through the store, and the store imports this package.

// Key is a conversation's place in the newest-first order.
type Key = conversationKey

// NewKey is the key of a conversation that started at startedAt (Unix ms).
func NewKey(startedAt int64, id string) *Key { return &conversationKey{startedAt: startedAt, id: id} }

// ID is the key's conversation.
func (k conversationKey) ID() string { return k.id }

// Before reports whether k comes before o, newest first.
func (k conversationKey) Before(o conversationKey) bool { return k.before(o) }

// Search is a compiled search text.
type Search = search

func (s *search) Empty() bool             { return s.empty() }
func (s *search) Sparse() bool            { return s.sparse() }
func (s *search) CandidateList() []string { return s.candidateList() }

var (
	Cutoff       = cutoff
	KeysSQL      = keysSQL
	SearchTokens = searchTokens
)

// Pool is the read pool the queries run on, to explain their plans.
func (q *Queries) Pool() *sql.DB { return q.db }

func (q *Queries) StatusSource(ctx context.Context, st projection.Status, now time.Time, th projection.Thresholds) (string, string, []any, error) {
	return q.statusSource(ctx, st, now, th)
}

func (q *Queries) CompileSearch(ctx context.Context, text string, limit int) (*Search, error) {
	return q.compileSearch(ctx, text, limit)
}

func (q *Queries) CandidateKeys(ctx context.Context, ids []string, cq ConversationQuery, after *Key, n int) ([]Key, error) {
	return q.candidateKeys(ctx, ids, cq, after, n)
}

func (q *Queries) ScanKeys(ctx context.Context, srch *Search, cq ConversationQuery, after *Key, n int) ([]Key, error) {
	return q.scanKeys(ctx, srch, cq, after, n)
}
