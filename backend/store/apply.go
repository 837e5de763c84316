package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store/internal/recordcache"
	tw "github.com/billie/supervisor/backend/store/internal/txwriter"
)

// Result says what one ApplyBatch did.
type Result struct {
	Counts
	// Last is the checkpoint after the batch.
	Last ledger.ID
	// DeadLetters must reach the dead-letter stream before the batch is acknowledged;
	// an entry redelivered after a crash is listed again, so a sender may repeat one.
	// The sender names the consumer.
	DeadLetters []ledger.DeadLetter
	// Changes name what the batch changed, for live views. The caller owns them.
	Changes Changes
}

// Counts are how many entries came to each outcome.
type Counts struct {
	Applied      int64
	Skipped      int64 // projection.SkippedOtherAgent
	Duplicates   int64
	Unhandled    int64
	DeadLettered int64
	Redelivered  int64
}

// of is the count of o: the one place that pairs outcomes with fields.
func (c *Counts) of(o projection.Outcome) *int64 {
	switch o {
	case projection.Applied:
		return &c.Applied
	case projection.SkippedOtherAgent:
		return &c.Skipped
	case projection.Duplicate:
		return &c.Duplicates
	case projection.Unhandled:
		return &c.Unhandled
	case projection.DeadLettered:
		return &c.DeadLettered
	case projection.Redelivered:
		return &c.Redelivered
	}
	return new(int64)
}

// Of is how many entries came to o.
func (c Counts) Of(o projection.Outcome) int64 { return *c.of(o) }

// Add adds every count of o to c.
func (c *Counts) Add(o Counts) {
	for _, out := range projection.Outcomes() {
		*c.of(out) += o.Of(out)
	}
}

// Total is every entry counted.
func (c Counts) Total() int64 {
	var n int64
	for _, o := range projection.Outcomes() {
		n += c.Of(o)
	}
	return n
}

// counterName is how the counters table names o. The table said "duplicates" before
// outcomes had one spelling, and its rows are kept.
func counterName(o projection.Outcome) string {
	if o == projection.Duplicate {
		return "duplicates"
	}
	return o.String()
}

// MarshalJSON writes the counts as `backend status` has always shown them: each
// outcome by its counter name in camel case (applied, skippedOtherAgent, duplicates,
// unhandled, deadLettered, redelivered), in the order of projection.Outcomes.
func (c Counts) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, o := range projection.Outcomes() {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, camel(counterName(o)))
		b = append(b, ':')
		b = strconv.AppendInt(b, c.Of(o), 10)
	}
	return append(b, '}'), nil
}

// camel turns snake_case into camelCase.
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// ApplyBatch applies entries, in order, to the read models in one transaction that
// also moves the named checkpoint, so the effect of each entry happens exactly once:
// an entry at or before the checkpoint that was already archived or dead-lettered is
// counted as redelivered and changes nothing.
func (s *Store) ApplyBatch(ctx context.Context, checkpoint string, entries []ledger.Entry) (Result, error) {
	return s.applyBatch(ctx, checkpoint, entries, batchOptions{})
}

// ApplyTime is how long the store has spent applying batches since it opened (the
// time ApplyBatch held the apply lock before committing; waiting for the lock and the
// commit not counted): the live projector's demand on the machine, which an online
// rebuild gives way to.
func (s *Store) ApplyTime() time.Duration { return time.Duration(s.applyNanos.Load()) }

// batchOptions are what applyBatch does besides applying entries in stream order.
type batchOptions struct {
	// reject names entries to dead-letter, by ID, with the reason.
	reject map[string]string
	// retry, when set, makes the batch the retry of this dead letter: its stored entry
	// is the batch (entries are ignored), applied outside stream order with no
	// checkpoint or counters moved; see RetryDeadLetter.
	retry *ledger.ID
}

// applyBatch is ApplyBatch with o.
func (s *Store) applyBatch(ctx context.Context, checkpoint string, entries []ledger.Entry, o batchOptions) (Result, error) {
	s.applying.Lock()
	defer s.applying.Unlock()
	// The work, up to the commit: its wait for the disk is nothing the CPU-bound
	// rebuild competes with, and counted it made a rebuild beside a projector applying
	// a few hundred entries a second wait a third of its time.
	began := time.Now()
	var committing time.Time
	defer func() {
		if committing.IsZero() {
			committing = time.Now()
		}
		s.applyNanos.Add(int64(committing.Sub(began)))
	}()
	g := s.g()
	tx, err := g.w.BeginTx(ctx, nil)
	if err != nil {
		return Result{}, fmt.Errorf("apply batch: begin: %w", err)
	}
	defer tx.Rollback()
	b := &batch{ctx: ctx, r: g.load, now: time.Now(), seen: map[ledger.ID]bool{}, archiving: s.archive, portal: s.portal, spans: spans{},
		reject: o.reject, zone: s.zone, consumer: consumerOf(ctx, checkpoint), retrying: o.retry != nil}
	if b.retrying {
		// Read inside the write transaction: another process's retry or drop of the
		// same dead letter committed before it, or waits for it.
		e, err := deadLetterEntry(ctx, tx, *o.retry)
		if err != nil {
			return Result{}, err
		}
		entries = []ledger.Entry{e}
	} else if b.last, err = readCheckpoint(ctx, tx, checkpoint); err != nil {
		return Result{}, err
	}
	start := b.last
	if err := g.cache.Check(ctx, tx); err != nil {
		return Result{}, fmt.Errorf("apply batch: %w", err)
	}
	snap := projection.NewSnapshot(&storeSource{ctx: ctx, db: g.load, cache: g.cache})
	b.w = tw.Start(ctx, tx)
	err = b.reduceRecovering(snap, entries)
	if werr := b.w.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return Result{}, err
	}
	if b.last != start && !b.retrying {
		if err := writeCheckpoint(ctx, tx, checkpoint, b.last, b.now); err != nil {
			return Result{}, err
		}
	}
	// A retried entry was counted when it was dead-lettered: the counters count the
	// stream's entries, once each.
	if !b.retrying {
		if err := addCounters(ctx, tx, b.res.Counts); err != nil {
			return Result{}, err
		}
	}
	committing = time.Now()
	if err := tx.Commit(); err != nil {
		return Result{}, fmt.Errorf("apply batch: commit: %w", err)
	}
	g.ckpt.committed()
	b.res.Last = b.last
	ch := snap.Changes()
	b.res.Changes = changesOf(ch)
	g.cache.Keep(ch, b.docs)
	return b.res, nil
}

// batch is one ApplyBatch on the reducing side: it applies the entries to a
// snapshot and encodes what changed, and its writer stores that in the transaction
// meanwhile.
type batch struct {
	ctx context.Context
	// r reads committed state: whether a redelivered entry was handled.
	r *sql.DB
	w *tw.Writer
	// msgs numbers the batch's messages; only the writer's goroutine uses it.
	msgs messageLog
	now  time.Time
	last ledger.ID
	res  Result
	// archive holds the entries to append to the events table, in stream order,
	// until they are handed to the writer.
	archive   []archived
	archiving bool
	// portal is whether the batch writes the customer-portal model.
	portal bool
	// spans are the archive positions each conversation's entries in this batch take.
	spans spans
	seen  map[ledger.ID]bool
	// messagesQueued is how many of the snapshot's messages the writer has.
	messagesQueued int
	// docs are the documents the batch writes, for the record cache after commit.
	docs []recordcache.Doc
	// reject names entries to dead-letter, by ID, with the reason.
	reject map[string]string
	// zone is the producer's time zone (Options.ProducerZone).
	zone *time.Location
	// consumer is who dead-letters (WithConsumer, else the checkpoint's name).
	consumer string
	// retrying is a dead letter's retry (batchOptions.retry): the entry is applied
	// whatever the checkpoint says, and its dead-letter row is updated or removed
	// rather than written.
	retrying bool
}

// reduce applies the entries and hands everything they changed to the writer.
func (b *batch) reduce(snap *projection.Snapshot, entries []ledger.Entry) error {
	for _, e := range entries {
		if err := b.apply(snap, e); err != nil {
			return err
		}
		if err := b.flush(snap, false); err != nil {
			return err
		}
	}
	return b.save(snap)
}

type archived struct {
	ev      ledger.Event
	outcome archivedOutcome
}

func (b *batch) apply(snap *projection.Snapshot, e ledger.Entry) error {
	id, err := ledger.ParseID(e.ID)
	if err != nil {
		return b.deadLetter(e, ledger.ID{}, err.Error())
	}
	if b.retrying {
		return b.retry(snap, e, id)
	}
	if b.seen[id] {
		b.res.Redelivered++
		return nil
	}
	b.seen[id] = true
	if id.Compare(b.last) <= 0 {
		if !b.archiving {
			b.res.Redelivered++
			return nil
		}
		done, err := b.processed(e, id)
		if done || err != nil {
			return err
		}
	} else {
		b.last = id
	}
	_, err = b.reduceEntry(snap, e, id)
	return err
}

// reduceEntry applies e (or dead-letters it, as rejected or bad input) and archives
// it; applied is false when it was dead-lettered.
func (b *batch) reduceEntry(snap *projection.Snapshot, e ledger.Entry, id ledger.ID) (applied bool, err error) {
	if reason, ok := b.reject[e.ID]; ok {
		return false, b.deadLetter(e, id, reason)
	}
	ev, err := e.Event(b.zone)
	if err != nil {
		return false, b.deadLetter(e, id, reasonOf(err))
	}
	out, err := snap.Apply(ev)
	if ledger.IsBadInput(err) {
		return false, b.deadLetter(e, id, reasonOf(err))
	}
	if err != nil {
		return false, fmt.Errorf("apply %s: %w", e.ID, err)
	}
	*b.res.of(out)++
	if b.archiving {
		b.archive = append(b.archive, archived{ev: ev, outcome: archivedOutcome(out)})
		b.spans.add(ev.ConversationID, id)
	}
	return true, nil
}

func reasonOf(err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return le.Reason
	}
	return err.Error()
}

// processed reports whether an entry at or before the checkpoint was handled already:
// normally one applied before a crash that came between commit and acknowledgement.
// An entry that was not (one a dead consumer held while this one moved on) is applied
// now, out of order. A dead letter redelivered is sent again.
func (b *batch) processed(e ledger.Entry, id ledger.ID) (bool, error) {
	// An ID without a position was never archived (the ledger rejects it): it can only
	// have been dead-lettered.
	if pos, err := position(id); err == nil {
		var n int
		err = b.r.QueryRowContext(b.ctx, "SELECT count(*) FROM events WHERE pos = ?", pos).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("apply %s: look up archive: %w", e.ID, err)
		}
		if n > 0 {
			b.res.Redelivered++
			return true, nil
		}
	}
	var reason string
	err := b.r.QueryRowContext(b.ctx, "SELECT reason FROM dead_letters WHERE ms = ? AND seq = ?", int64(id.Ms), int64(id.Seq)).Scan(&reason)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("apply %s: look up dead letter: %w", e.ID, err)
	}
	b.res.DeadLetters = append(b.res.DeadLetters, ledger.NewDeadLetter(e, reason, b.now))
	b.res.Redelivered++
	return true, nil
}

// deadLetter keeps e, without tax values, in the dead-letter table and for the
// dead-letter stream.
func (b *batch) deadLetter(e ledger.Entry, id ledger.ID, reason string) error {
	dl := ledger.NewDeadLetter(e, reason, b.now)
	dl.Consumer = b.consumer
	b.res.DeadLettered++
	b.res.DeadLetters = append(b.res.DeadLetters, dl)
	if b.retrying {
		// Still bad: the row keeps its entry and first death, with the new reason.
		b.w.Do(func() error {
			err := b.w.Exec("UPDATE dead_letters SET reason = ?, retries = retries + 1, last_retry_at = ? WHERE ms = ? AND seq = ?",
				dl.Reason, b.now.UnixMilli(), int64(id.Ms), int64(id.Seq))
			if err != nil {
				return fmt.Errorf("dead letter %s: %w", e.ID, err)
			}
			return nil
		})
		return nil
	}
	fields, err := json.Marshal(dl.Entry.Fields)
	if err != nil {
		return fmt.Errorf("dead letter %s: %w", e.ID, err)
	}
	var shadowed []byte
	if len(dl.Entry.Shadowed) > 0 {
		if shadowed, err = json.Marshal(pairsOf(dl.Entry.Shadowed)); err != nil {
			return fmt.Errorf("dead letter %s: %w", e.ID, err)
		}
	}
	at := b.now.UnixMilli()
	typ, cid := dl.Entry.Fields["typ"], dl.Entry.Fields["cid"]
	b.w.Do(func() error {
		err := b.w.Exec(
			`INSERT OR REPLACE INTO dead_letters (ms, seq, reason, fields, at, consumer, type, conversation_id, shadowed)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(id.Ms), int64(id.Seq), dl.Reason, fields, at, dl.Consumer, typ, cid, shadowed) // int64 bits: SQLite has no uint64, and any valid ID may be dead-lettered
		if err != nil {
			return fmt.Errorf("dead letter %s: %w", e.ID, err)
		}
		return nil
	})
	return nil
}

func readCheckpoint(ctx context.Context, q querier, name string) (ledger.ID, error) {
	var last string
	err := q.QueryRowContext(ctx, "SELECT last_id FROM checkpoints WHERE name = ?", name).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.ID{}, nil
	}
	if err != nil {
		return ledger.ID{}, fmt.Errorf("read checkpoint %s: %w", name, err)
	}
	return ledger.ParseID(last)
}

func writeCheckpoint(ctx context.Context, tx *sql.Tx, name string, id ledger.ID, now time.Time) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO checkpoints (name, last_id, updated_at) VALUES (?, ?, ?)
		 ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at`,
		name, id.String(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("write checkpoint %s: %w", name, err)
	}
	return nil
}

func addCounters(ctx context.Context, tx *sql.Tx, c Counts) error {
	for _, o := range projection.Outcomes() {
		n := c.Of(o)
		if n == 0 {
			continue
		}
		name := counterName(o)
		_, err := tx.ExecContext(ctx,
			`INSERT INTO counters (name, value) VALUES (?, ?)
			 ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`, name, n)
		if err != nil {
			return fmt.Errorf("add counter %s: %w", name, err)
		}
	}
	return nil
}

// Checkpoint is the last entry the named consumer applied.
func (s *Store) Checkpoint(ctx context.Context, name string) (ledger.ID, error) {
	g, done := s.acquire()
	defer done()
	return readCheckpoint(ctx, g.r, name)
}

// Counters are the totals of every batch applied so far.
func (s *Store) Counters(ctx context.Context) (Counts, error) {
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT name, value FROM counters")
	if err != nil {
		return Counts{}, fmt.Errorf("read counters: %w", err)
	}
	defer rows.Close()
	var c Counts
	fields := map[string]*int64{}
	for _, o := range projection.Outcomes() {
		fields[counterName(o)] = c.of(o)
	}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return Counts{}, fmt.Errorf("read counters: %w", err)
		}
		if p := fields[name]; p != nil {
			*p = v
		}
	}
	return c, rows.Err()
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
