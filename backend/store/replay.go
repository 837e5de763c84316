package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/billie/supervisor/backend/ledger"
)

// ReplaySelection says what a replay rebuilds: the records touched by any entry at or
// after Since, or those of Conversation (one of the two).
type ReplaySelection struct {
	Since        ledger.ID
	Conversation string
}

// ReplayStats say what a replay did.
type ReplayStats struct {
	Conversations, Applications, Customers int
	// Entries is how many archived entries were applied to rebuild them.
	Entries int64
	// Rounds is how many times the set of records grew before it was closed.
	Rounds int
	// ApplyPaused is how long the live projector waited for the replacement.
	ApplyPaused time.Duration
}

// maxReplayRounds bounds how often a replay widens its set of records.
const maxReplayRounds = 8

// recordSet is a set of records: a replay's closure.
type recordSet struct {
	convs, apps, custs map[string]bool
}

func newRecordSet() recordSet {
	return recordSet{convs: map[string]bool{}, apps: map[string]bool{}, custs: map[string]bool{}}
}

func (r recordSet) size() int { return len(r.convs) + len(r.apps) + len(r.custs) }

// Replay rebuilds the selected records from their whole history in the archive,
// without a full rebuild, and puts them in place of the live ones in one transaction;
// every other row stays as it is, byte for byte.
//
// The records rebuilt are closed under sharing: a conversation brings its customer
// and application, and an application or customer brings every conversation about it,
// since the reducer's effect on one depends on the state of the others (a
// conversation's application number, assessments it held). They are built alone in a
// scratch database beside the live one from the archived entries of their
// conversations, in stream order, through ApplyBatch; when the scratch shows a record
// the set lacks (an entry named it in its payload only), the set grows and the build
// starts over. Holding the apply lock, the replay then applies what the projector
// archived since, and replaces the set's rows in every read-model table. Message ids
// are kept where a conversation keeps its number of messages, else its messages are
// numbered after the last.
func (s *Store) Replay(ctx context.Context, sel ReplaySelection, checkpoint string, progress func(done, total int64)) (ReplayStats, error) {
	var stats ReplayStats
	set, err := s.replaySeeds(ctx, sel)
	if err != nil {
		return stats, err
	}
	scratchPath := s.path + ".replay"
	defer removeDatabase(scratchPath)
	for stats.Rounds = 1; ; stats.Rounds++ {
		if stats.Rounds > maxReplayRounds {
			return stats, fmt.Errorf("replay: the set of records kept growing after %d rounds; rebuild instead", maxReplayRounds)
		}
		if err := s.closeSet(ctx, set); err != nil {
			return stats, err
		}
		done, err := s.replayRound(ctx, set, scratchPath, checkpoint, &stats, progress)
		if err != nil || done {
			return stats, err
		}
	}
}

// replaySeeds are the conversations the selection names.
func (s *Store) replaySeeds(ctx context.Context, sel ReplaySelection) (recordSet, error) {
	set := newRecordSet()
	if sel.Conversation != "" {
		set.convs[sel.Conversation] = true
		return set, nil
	}
	pos, err := position(sel.Since)
	if err != nil {
		return set, fmt.Errorf("replay: %w", err)
	}
	g, done := s.acquire()
	defer done()
	rows, err := g.r.QueryContext(ctx, "SELECT DISTINCT cid FROM events WHERE pos >= ? AND cid != ''", pos)
	if err != nil {
		return set, fmt.Errorf("replay: touched conversations: %w", err)
	}
	ids, err := scanStrings(rows)
	for _, id := range ids {
		set.convs[id] = true
	}
	return set, err
}

// closeSet grows set until it holds, with each record, every record the live read
// models link to it.
func (s *Store) closeSet(ctx context.Context, set recordSet) error {
	g, done := s.acquire()
	defer done()
	for {
		before := set.size()
		links := []struct {
			query string
			from  map[string]bool
			to    []map[string]bool
		}{
			{"SELECT customer_id, application_number FROM conversations WHERE id = ?", set.convs, []map[string]bool{set.custs, set.apps}},
			{`SELECT DISTINCT uid, aid FROM events WHERE pos BETWEEN (SELECT first_pos FROM conversations WHERE id = ?1)
				AND (SELECT last_pos FROM conversations WHERE id = ?1) AND cid = ?1`, set.convs, []map[string]bool{set.custs, set.apps}},
			{"SELECT id FROM conversations WHERE application_number = ?", set.apps, []map[string]bool{set.convs}},
			{"SELECT customer_id FROM applications WHERE number = ?", set.apps, []map[string]bool{set.custs}},
			{"SELECT json_extract(doc, '$.conversationId') FROM applications WHERE number = ?", set.apps, []map[string]bool{set.convs}},
			{"SELECT id FROM conversations WHERE customer_id = ?", set.custs, []map[string]bool{set.convs}},
			{"SELECT number FROM applications WHERE customer_id = ?", set.custs, []map[string]bool{set.apps}},
		}
		for _, l := range links {
			for _, key := range slices.Sorted(maps.Keys(l.from)) {
				rows, err := g.r.QueryContext(ctx, l.query, key)
				if err != nil {
					return fmt.Errorf("replay: links of %s: %w", key, err)
				}
				if err := addLinks(rows, l.to); err != nil {
					return fmt.Errorf("replay: links of %s: %w", key, err)
				}
			}
		}
		if set.size() == before {
			return nil
		}
	}
}

func addLinks(rows *sql.Rows, to []map[string]bool) error {
	defer rows.Close()
	vals := make([]sql.NullString, len(to))
	ptrs := make([]any, len(to))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if v.Valid && v.String != "" {
				to[i][v.String] = true
			}
		}
	}
	return rows.Err()
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// replayRound builds set in a fresh scratch database and, unless the scratch shows
// records outside set (then set has them and done is false), replaces them in the
// live one.
func (s *Store) replayRound(ctx context.Context, set recordSet, scratchPath, checkpoint string, stats *ReplayStats, progress func(done, total int64)) (done bool, err error) {
	if err := removeDatabase(scratchPath); err != nil {
		return false, fmt.Errorf("replay: %w", err)
	}
	o := s.o
	o.Relaxed = true // a scratch: nothing depends on it surviving a crash
	scratch, err := Open(ctx, scratchPath, o)
	if err != nil {
		return false, fmt.Errorf("replay: scratch: %w", err)
	}
	defer scratch.Close()
	end, err := s.archiveEnd(ctx)
	if err != nil {
		return false, err
	}
	entries, err := s.entriesOf(ctx, set, 0, end)
	if err != nil {
		return false, err
	}
	total := int64(len(entries))
	for i := 0; i < len(entries); i += 2000 {
		b := entries[i:min(i+2000, len(entries))]
		if _, err := scratch.ApplyBatch(ctx, checkpoint, b); err != nil {
			return false, fmt.Errorf("replay: %w", err)
		}
		if progress != nil {
			progress(int64(i+len(b)), total)
		}
	}
	if grew, err := scratch.growSet(ctx, set); err != nil || grew {
		return false, err
	}

	s.applying.Lock()
	defer s.applying.Unlock()
	start := time.Now()
	defer func() { stats.ApplyPaused = time.Since(start) }()
	more, grew, err := s.entriesSince(ctx, set, end)
	if err != nil || grew {
		return false, err
	}
	if len(more) > 0 {
		if _, err := scratch.ApplyBatch(ctx, checkpoint, more); err != nil {
			return false, fmt.Errorf("replay: %w", err)
		}
		if grew, err := scratch.growSet(ctx, set); err != nil || grew {
			return false, err
		}
	}
	if err := scratch.g().ckpt.checkpoint("TRUNCATE"); err != nil {
		return false, fmt.Errorf("replay: scratch: %w", err)
	}
	if err := s.replaceRecords(context.WithoutCancel(ctx), set, scratchPath); err != nil {
		return false, err
	}
	stats.Conversations, stats.Applications, stats.Customers = len(set.convs), len(set.apps), len(set.custs)
	stats.Entries = total + int64(len(more))
	return true, nil
}

// archiveEnd is the position of the last archived entry, 0 for none.
func (s *Store) archiveEnd(ctx context.Context) (int64, error) {
	g, done := s.acquire()
	defer done()
	var pos int64
	if err := g.r.QueryRowContext(ctx, "SELECT coalesce(max(pos), 0) FROM events").Scan(&pos); err != nil {
		return 0, fmt.Errorf("replay: archive end: %w", err)
	}
	return pos, nil
}

// entriesOf are the archived entries of set's conversations with positions in
// (after, upTo], in stream order, decoded.
func (s *Store) entriesOf(ctx context.Context, set recordSet, after, upTo int64) ([]ledger.Entry, error) {
	ids, err := json.Marshal(slices.Sorted(maps.Keys(set.convs)))
	if err != nil {
		return nil, err
	}
	g, done := s.acquire()
	defer done()
	// The scan covers the spans of the set's conversations, unless one of them has no
	// span to go by.
	var from, to int64
	if err := g.r.QueryRowContext(ctx, `SELECT CASE WHEN count(first_pos) = json_array_length(?1) THEN coalesce(min(first_pos), 0) ELSE 0 END,
		CASE WHEN count(last_pos) = json_array_length(?1) THEN coalesce(max(last_pos), 0) ELSE 1 << 62 END
		FROM conversations WHERE id IN (SELECT value FROM json_each(?1))`, string(ids)).Scan(&from, &to); err != nil {
		return nil, fmt.Errorf("replay: read archive: %w", err)
	}
	rows, err := g.r.QueryContext(ctx, `SELECT pos, `+archiveColumns+` FROM events
		WHERE pos > ?1 AND pos <= ?2 AND pos >= ?4 AND cid IN (SELECT value FROM json_each(?3)) ORDER BY pos`,
		after, min(upTo, to), string(ids), from)
	if err != nil {
		return nil, fmt.Errorf("replay: read archive: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		id, fields, err := scanArchiveRow(rows)
		if err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		out = append(out, ledger.Entry{ID: id, Fields: fields})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("replay: read archive: %w", err)
	}
	ledger.DecodeEntries(out, s.zone)
	return out, nil
}

// entriesSince are the entries of set's conversations archived after position end,
// while the caller holds the apply lock. When an entry after end of a conversation
// outside set links to a record of set, set takes that conversation and grew is true.
func (s *Store) entriesSince(ctx context.Context, set recordSet, end int64) ([]ledger.Entry, bool, error) {
	g, done := s.acquire()
	rows, err := g.r.QueryContext(ctx, `SELECT DISTINCT e.cid, e.aid, e.uid, coalesce(c.application_number, ''), coalesce(c.customer_id, '')
		FROM events e LEFT JOIN conversations c ON c.id = e.cid WHERE e.pos > ? AND e.cid != ''`, end)
	if err != nil {
		done()
		return nil, false, fmt.Errorf("replay: entries since: %w", err)
	}
	grew := false
	for rows.Next() {
		var cid, aid, uid, app, cust string
		if err := rows.Scan(&cid, &aid, &uid, &app, &cust); err != nil {
			rows.Close()
			done()
			return nil, false, fmt.Errorf("replay: entries since: %w", err)
		}
		if !set.convs[cid] && (set.apps[aid] || set.apps[app] || set.custs[uid] || set.custs[cust]) {
			set.convs[cid] = true
			grew = true
		}
	}
	rows.Close()
	done()
	if err := rows.Err(); err != nil || grew {
		return nil, grew, err
	}
	entries, err := s.entriesOf(ctx, set, end, 1<<62)
	return entries, false, err
}

// growSet adds to set the records the scratch store s holds that set lacks, and
// reports whether there were any.
func (s *Store) growSet(ctx context.Context, set recordSet) (bool, error) {
	g, done := s.acquire()
	defer done()
	grew := false
	for _, q := range []struct {
		query string
		to    map[string]bool
	}{
		{"SELECT id FROM conversations", set.convs},
		{"SELECT number FROM applications", set.apps},
		{"SELECT id FROM customers", set.custs},
	} {
		rows, err := g.r.QueryContext(ctx, q.query)
		if err != nil {
			return false, fmt.Errorf("replay: scratch records: %w", err)
		}
		ids, err := scanStrings(rows)
		if err != nil {
			return false, fmt.Errorf("replay: scratch records: %w", err)
		}
		for _, id := range ids {
			if !q.to[id] {
				q.to[id] = true
				grew = true
			}
		}
	}
	return grew, nil
}

// replaceRecords replaces set's rows in every read-model table with the scratch
// database's, in one transaction. The caller holds the apply lock.
func (s *Store) replaceRecords(ctx context.Context, set recordSet, scratchPath string) error {
	g := s.g()
	conn, err := g.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS scratch", "file:"+scratchPath+"?mode=ro"); err != nil {
		return fmt.Errorf("replay: attach scratch: %w", err)
	}
	defer conn.ExecContext(ctx, "DETACH DATABASE scratch")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer tx.Rollback()
	ids := func(m map[string]bool) string {
		b, _ := json.Marshal(slices.Sorted(maps.Keys(m)))
		return string(b)
	}
	convs, apps, custs := ids(set.convs), ids(set.apps), ids(set.custs)
	if err := replaceMessages(ctx, tx, set); err != nil {
		return err
	}
	steps := []struct {
		what, query string
		arg         string
	}{
		{"conversations", `DELETE FROM main.conversations WHERE id IN (SELECT value FROM json_each(?1));
			INSERT INTO main.conversations SELECT * FROM scratch.conversations;
			UPDATE main.conversations SET
				first_message = (SELECT min(id) FROM main.messages WHERE conversation_id = conversations.id),
				last_message = (SELECT max(id) FROM main.messages WHERE conversation_id = conversations.id)
			WHERE id IN (SELECT value FROM json_each(?1))`, convs},
		{"applications", `DELETE FROM main.applications WHERE number IN (SELECT value FROM json_each(?1));
			INSERT INTO main.applications SELECT * FROM scratch.applications`, apps},
		{"portal applications", `DELETE FROM main.portal_applications WHERE application_id IN (SELECT value FROM json_each(?1));
			INSERT INTO main.portal_applications SELECT * FROM scratch.portal_applications`, apps},
		{"portal conversations", `DELETE FROM main.portal_conversations WHERE conversation_id IN (SELECT value FROM json_each(?1));
			INSERT INTO main.portal_conversations SELECT * FROM scratch.portal_conversations`, convs},
		// A customer keeps its rowid, which its search row is filed under.
		{"customers", `DELETE FROM main.customers_fts WHERE rowid IN (SELECT rowid FROM main.customers WHERE id IN (SELECT value FROM json_each(?1)));
			DELETE FROM main.customers WHERE id IN (SELECT value FROM json_each(?1)) AND id NOT IN (SELECT id FROM scratch.customers);
			INSERT INTO main.customers (id, name, first_name, last_name, email, updated_at, version, doc)
				SELECT id, name, first_name, last_name, email, updated_at, version, doc FROM scratch.customers WHERE true
				ON CONFLICT (id) DO UPDATE SET name = excluded.name, first_name = excluded.first_name, last_name = excluded.last_name,
				email = excluded.email, updated_at = excluded.updated_at, version = excluded.version, doc = excluded.doc;
			INSERT INTO main.customers_fts (rowid, id, name, email)
				SELECT rowid, id, name, email FROM main.customers WHERE id IN (SELECT value FROM json_each(?1))`, custs},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.arg); err != nil {
			return fmt.Errorf("replay: replace %s: %w", st.what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("replay: commit: %w", err)
	}
	g.cache.Clear()
	g.ckpt.committed()
	return nil
}

// replaceMessages replaces the messages of set's conversations, and their search
// rows, with the scratch's: under the ids they had when a conversation keeps its
// number of messages, else numbered after the last message.
func replaceMessages(ctx context.Context, tx *sql.Tx, set recordSet) error {
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM main.messages").Scan(&next); err != nil {
		return fmt.Errorf("replay: messages: %w", err)
	}
	for _, cid := range slices.Sorted(maps.Keys(set.convs)) {
		old, err := queryInts(ctx, tx, "SELECT id FROM main.messages WHERE conversation_id = ? ORDER BY id", cid)
		if err != nil {
			return err
		}
		fresh, err := queryInts(ctx, tx, "SELECT id FROM scratch.messages WHERE conversation_id = ? ORDER BY id", cid)
		if err != nil {
			return err
		}
		if len(old) == 0 && len(fresh) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.messages_fts (messages_fts, rowid, text)
			SELECT 'delete', id, text FROM main.messages WHERE conversation_id = ?1;
			DELETE FROM main.messages WHERE conversation_id = ?1`, cid); err != nil {
			return fmt.Errorf("replay: messages of %s: %w", cid, err)
		}
		ids := old
		if len(old) != len(fresh) {
			ids = make([]int64, len(fresh))
			for i := range ids {
				ids[i] = next
				next++
			}
		}
		for i, id := range fresh {
			if _, err := tx.ExecContext(ctx, `INSERT INTO main.messages (id, conversation_id, stream_id, seq, sender, text, at, doc)
				SELECT ?2, conversation_id, stream_id, seq, sender, text, at, doc FROM scratch.messages WHERE id = ?1;
				INSERT INTO main.messages_fts (rowid, text) SELECT ?2, text FROM scratch.messages WHERE id = ?1`, id, ids[i]); err != nil {
				return fmt.Errorf("replay: messages of %s: %w", cid, err)
			}
		}
	}
	return nil
}

func queryInts(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return out, nil
}
