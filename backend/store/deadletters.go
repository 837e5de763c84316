package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

// ErrNoDeadLetter is the answer about a dead letter the table does not hold.
var ErrNoDeadLetter = errors.New("no such dead letter")

type consumerKey struct{}

// WithConsumer names, for the batches applied with ctx, the consumer that records
// their dead letters; without it a dead letter names the batch's checkpoint.
func WithConsumer(ctx context.Context, consumer string) context.Context {
	return context.WithValue(ctx, consumerKey{}, consumer)
}

func consumerOf(ctx context.Context, checkpoint string) string {
	if c, ok := ctx.Value(consumerKey{}).(string); ok && c != "" {
		return c
	}
	return checkpoint
}

// deadLetterColumnsAdded are the columns migration 0007 adds to dead_letters: who
// gave up on the entry, its type and conversation to filter by, the earlier values of
// a field name the entry repeats (a JSON array of [name, value] pairs, NULL for nearly
// every entry), and how often and when it was last retried.
var deadLetterColumnsAdded = [][2]string{
	{"consumer", "TEXT NOT NULL DEFAULT ''"},
	{"type", "TEXT NOT NULL DEFAULT ''"},
	{"conversation_id", "TEXT NOT NULL DEFAULT ''"},
	{"shadowed", "BLOB"},
	{"retries", "INTEGER NOT NULL DEFAULT 0"},
	{"last_retry_at", "INTEGER"},
}

// addDeadLetterColumns is migration 0007: the columns missing from dead_letters, the
// type and conversation of the rows it holds from their fields, and the list's
// indexes (newest first, paged on (at, id); the primary key rides along in both).
func addDeadLetterColumns(ctx context.Context, tx *sql.Tx) error {
	have := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info('dead_letters')")
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range deadLetterColumnsAdded {
		if have[c[0]] {
			continue
		}
		if _, err := tx.ExecContext(ctx, "ALTER TABLE dead_letters ADD COLUMN "+c[0]+" "+c[1]); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `
UPDATE dead_letters
   SET type = coalesce(json_extract(CAST(fields AS TEXT), '$.typ'), ''),
       conversation_id = coalesce(json_extract(CAST(fields AS TEXT), '$.cid'), '')
 WHERE json_valid(CAST(fields AS TEXT)) AND json_type(CAST(fields AS TEXT)) = 'object';
CREATE INDEX IF NOT EXISTS dead_letters_at ON dead_letters (at);
CREATE INDEX IF NOT EXISTS dead_letters_type_at ON dead_letters (type, at);`)
	return err
}

// DeadLetterFilter selects dead letters; a zero field selects all. Reason matches a
// part of the reason, any case; Type the entry's typ exactly; Since and Until bound
// when it was dead-lettered (Since inclusive, Until exclusive).
type DeadLetterFilter struct {
	Reason, Type string
	Since, Until time.Time
}

// DeadLetterKey is a dead letter's place in the list (newest first), for paging.
type DeadLetterKey struct {
	At time.Time
	ID ledger.ID
}

// DeadLetterRecord is one row of the dead-letter table.
type DeadLetterRecord struct {
	// ID is the original entry's stream ID.
	ID             ledger.ID
	Type           string
	ConversationID string
	Reason         string
	Consumer       string
	At             time.Time
	Retries        int
	// LastRetryAt is zero before the first retry.
	LastRetryAt time.Time
	// Fields are the entry's field-value pairs without tax values: every value of a
	// name the entry repeats, earlier ones first, so the last pair of a name is the
	// one a reader of the name sees. Only DeadLetter fills them.
	Fields []ledger.Field
}

// Key is r's place in the list.
func (r DeadLetterRecord) Key() DeadLetterKey { return DeadLetterKey{At: r.At, ID: r.ID} }

// DeadLetterPage is one page of the list: Total counts every match of the filter,
// Next is the key to continue after (nil on the last page).
type DeadLetterPage struct {
	Items []DeadLetterRecord
	Total int
	Next  *DeadLetterKey
}

const deadLetterColumns = "ms, seq, type, conversation_id, reason, consumer, at, retries, last_retry_at"

// where is the SQL condition and arguments of f.
func (f DeadLetterFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Reason != "" {
		conds = append(conds, `reason LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(f.Reason)+"%")
	}
	if f.Type != "" {
		conds = append(conds, "type = ?")
		args = append(args, f.Type)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "at >= ?")
		args = append(args, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at < ?")
		args = append(args, f.Until.UnixMilli())
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// DeadLetters lists the dead letters f selects, newest first, at most limit of them
// after the key after (nil: from the newest), with the count of all f selects.
func (s *Store) DeadLetters(ctx context.Context, f DeadLetterFilter, after *DeadLetterKey, limit int) (DeadLetterPage, error) {
	where, args := f.where()
	var page DeadLetterPage
	g, done := s.acquire()
	defer done()
	if err := g.r.QueryRowContext(ctx, "SELECT count(*) FROM dead_letters WHERE "+where, args...).Scan(&page.Total); err != nil {
		return DeadLetterPage{}, fmt.Errorf("count dead letters: %w", err)
	}
	if after != nil {
		where += " AND (at, ms, seq) < (?, ?, ?)"
		args = append(args, after.At.UnixMilli(), int64(after.ID.Ms), int64(after.ID.Seq))
	}
	rows, err := g.r.QueryContext(ctx, "SELECT "+deadLetterColumns+" FROM dead_letters WHERE "+where+
		" ORDER BY at DESC, ms DESC, seq DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return DeadLetterPage{}, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanDeadLetter(rows)
		if err != nil {
			return DeadLetterPage{}, err
		}
		page.Items = append(page.Items, r)
	}
	if err := rows.Err(); err != nil {
		return DeadLetterPage{}, fmt.Errorf("list dead letters: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		k := page.Items[limit-1].Key()
		page.Next = &k
	}
	return page, nil
}

// DeadLetterIDs are the IDs of every dead letter f selects, newest first.
func (s *Store) DeadLetterIDs(ctx context.Context, f DeadLetterFilter) ([]ledger.ID, error) {
	where, args := f.where()
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT ms, seq FROM dead_letters WHERE "+where+" ORDER BY at DESC, ms DESC, seq DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("select dead letters: %w", err)
	}
	defer rows.Close()
	var ids []ledger.ID
	for rows.Next() {
		var ms, seq int64
		if err := rows.Scan(&ms, &seq); err != nil {
			return nil, fmt.Errorf("select dead letters: %w", err)
		}
		ids = append(ids, ledger.ID{Ms: uint64(ms), Seq: uint64(seq)})
	}
	return ids, rows.Err()
}

func scanDeadLetter(row scanner) (DeadLetterRecord, error) {
	var r DeadLetterRecord
	var ms, seq, at int64
	var retried sql.NullInt64
	if err := row.Scan(&ms, &seq, &r.Type, &r.ConversationID, &r.Reason, &r.Consumer, &at, &r.Retries, &retried); err != nil {
		return DeadLetterRecord{}, fmt.Errorf("read dead letter: %w", err)
	}
	r.ID = ledger.ID{Ms: uint64(ms), Seq: uint64(seq)}
	r.At = time.UnixMilli(at).UTC()
	if retried.Valid {
		r.LastRetryAt = time.UnixMilli(retried.Int64).UTC()
	}
	// The table holds no tax value; the rule again costs nothing and holds for a row
	// written by hand.
	r.Reason, _ = ledger.TextWithoutTax(r.Reason)
	return r, nil
}

// DeadLetter is one dead letter with its entry's fields; ErrNoDeadLetter when there is
// none with the ID.
func (s *Store) DeadLetter(ctx context.Context, id ledger.ID) (DeadLetterRecord, error) {
	g, done := s.acquire()
	defer done()
	row := g.r.QueryRowContext(ctx, "SELECT "+deadLetterColumns+", fields, shadowed FROM dead_letters WHERE ms = ? AND seq = ?",
		int64(id.Ms), int64(id.Seq))
	var fields, shadowed []byte
	var r DeadLetterRecord
	var ms, seq, at int64
	var retried sql.NullInt64
	err := row.Scan(&ms, &seq, &r.Type, &r.ConversationID, &r.Reason, &r.Consumer, &at, &r.Retries, &retried, &fields, &shadowed)
	if errors.Is(err, sql.ErrNoRows) {
		return DeadLetterRecord{}, ErrNoDeadLetter
	}
	if err != nil {
		return DeadLetterRecord{}, fmt.Errorf("read dead letter %s: %w", id, err)
	}
	r.ID = id
	r.At = time.UnixMilli(at).UTC()
	if retried.Valid {
		r.LastRetryAt = time.UnixMilli(retried.Int64).UTC()
	}
	e, err := decodeDeadLetterEntry(id, fields, shadowed)
	if err != nil {
		return DeadLetterRecord{}, err
	}
	dl := ledger.DeadLetter{Entry: e, Reason: r.Reason}.WithoutTax()
	r.Reason = dl.Reason
	r.Fields = append(slices.Clone(dl.Entry.Shadowed), sortedFields(dl.Entry.Fields)...)
	return r, nil
}

func sortedFields(m map[string]string) []ledger.Field {
	out := make([]ledger.Field, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ledger.Field{Name: k, Value: m[k]})
	}
	return out
}

// pairsOf is fields as the shadowed column keeps them: [name, value] pairs.
func pairsOf(fields []ledger.Field) [][2]string {
	out := make([][2]string, len(fields))
	for i, f := range fields {
		out[i] = [2]string{f.Name, f.Value}
	}
	return out
}

// decodeDeadLetterEntry is the entry a dead-letter row keeps.
func decodeDeadLetterEntry(id ledger.ID, fields, shadowed []byte) (ledger.Entry, error) {
	e := ledger.Entry{ID: id.String()}
	if err := json.Unmarshal(fields, &e.Fields); err != nil {
		return ledger.Entry{}, fmt.Errorf("read dead letter %s: fields: %w", id, err)
	}
	if len(shadowed) > 0 {
		var pairs [][2]string
		if err := json.Unmarshal(shadowed, &pairs); err != nil {
			return ledger.Entry{}, fmt.Errorf("read dead letter %s: shadowed fields: %w", id, err)
		}
		for _, p := range pairs {
			e.Shadowed = append(e.Shadowed, ledger.Field{Name: p[0], Value: p[1]})
		}
	}
	return e, nil
}

// deadLetterEntry reads a dead letter's entry inside tx.
func deadLetterEntry(ctx context.Context, tx *sql.Tx, id ledger.ID) (ledger.Entry, error) {
	var fields, shadowed []byte
	err := tx.QueryRowContext(ctx, "SELECT fields, shadowed FROM dead_letters WHERE ms = ? AND seq = ?", int64(id.Ms), int64(id.Seq)).
		Scan(&fields, &shadowed)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Entry{}, ErrNoDeadLetter
	}
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("read dead letter %s: %w", id, err)
	}
	return decodeDeadLetterEntry(id, fields, shadowed)
}

// RetryResult is what a retry did.
type RetryResult struct {
	// Applied is true when the entry left the dead letters: applied and archived now,
	// or found archived already.
	Applied bool
	// Reason is why it is still dead (when not Applied).
	Reason string
	// Changes name the records the entry changed, for live views.
	Changes Changes
}

// RetryDeadLetter applies a dead letter's entry through the reducer again, in one
// transaction of the apply path (after any batch in hand, before the next): applied,
// it is archived and leaves the dead-letter table; still bad, it stays there with the
// new reason, one more retry and the time of this one. The entry is applied out of
// stream order, as of now, and no checkpoint moves. ErrNoDeadLetter when the table
// does not hold it (retried or dropped meanwhile, perhaps by another process).
func (s *Store) RetryDeadLetter(ctx context.Context, id ledger.ID) (RetryResult, error) {
	res, err := s.applyBatch(ctx, "", nil, batchOptions{retry: &id})
	if err != nil && !errors.Is(err, ErrNoDeadLetter) && !IsInfrastructure(err) {
		// The store could not take the entry (as ApplyIsolating would tell): it stays
		// dead, with that reason.
		reject := map[string]string{id.String(): "the store could not apply it: " + err.Error()}
		res, err = s.applyBatch(ctx, "", nil, batchOptions{retry: &id, reject: reject})
	}
	if err != nil {
		return RetryResult{}, fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	if len(res.DeadLetters) > 0 {
		return RetryResult{Reason: res.DeadLetters[0].Reason}, nil
	}
	return RetryResult{Applied: true, Changes: res.Changes}, nil
}

// retry applies a dead letter's entry again (batchOptions.retry). An entry in the
// archive was applied already (retried by an older backend that published it again,
// say): its row only goes.
func (b *batch) retry(snap *projection.Snapshot, e ledger.Entry, id ledger.ID) error {
	if b.archiving {
		if pos, err := position(id); err == nil {
			var n int
			if err := b.r.QueryRowContext(b.ctx, "SELECT count(*) FROM events WHERE pos = ?", pos).Scan(&n); err != nil {
				return fmt.Errorf("retry %s: look up archive: %w", e.ID, err)
			}
			if n > 0 {
				b.res.Redelivered++
				b.removeDeadLetter(id)
				return nil
			}
		}
	}
	applied, err := b.reduceEntry(snap, e, id)
	if applied {
		b.removeDeadLetter(id)
	}
	return err
}

func (b *batch) removeDeadLetter(id ledger.ID) {
	b.w.Do(func() error {
		if err := b.w.Exec("DELETE FROM dead_letters WHERE ms = ? AND seq = ?", int64(id.Ms), int64(id.Seq)); err != nil {
			return fmt.Errorf("remove dead letter %s: %w", id, err)
		}
		return nil
	})
}

// DropDeadLetter removes a dead letter; false when there was none. Its record is
// gone for good: keep what it held (DeadLetter) before.
func (s *Store) DropDeadLetter(ctx context.Context, id ledger.ID) (bool, error) {
	s.applying.Lock()
	defer s.applying.Unlock()
	res, err := s.g().w.ExecContext(ctx, "DELETE FROM dead_letters WHERE ms = ? AND seq = ?", int64(id.Ms), int64(id.Seq))
	if err != nil {
		return false, fmt.Errorf("drop dead letter %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("drop dead letter %s: %w", id, err)
	}
	return n > 0, nil
}
