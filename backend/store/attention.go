package store

import (
	"context"
	"errors"
	"fmt"
)

// attentionFactsMigration is the supervisor migration that makes the attention facts'
// tables and triggers and computes the facts from the records (0003). It may run again
// on a cache that has it: every later migration of the set must be able to as well.
const attentionFactsMigration = 3

// SuspendAttentionFacts stops keeping the "Needs attention" facts as records are
// written, until ResumeAttentionFacts builds them in one pass. It is for a first sync:
// the triggers slow every write of a replay that will be read only once it is over
// (docs/performance.md), while one pass over the records at the end costs a fraction
// of that. The supervisor set's version drops below the facts' migration with the
// triggers, in one transaction, so a process that stops first finds the facts rebuilt
// by the next Open.
func (s *Store) SuspendAttentionFacts(ctx context.Context) error {
	if !s.o.SupervisorQueries {
		return errors.New("suspend attention facts: the store keeps none")
	}
	s.applying.Lock()
	defer s.applying.Unlock()
	tx, err := s.g().w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("suspend attention facts: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'attention\_%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("suspend attention facts: %w", err)
	}
	var triggers []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("suspend attention facts: %w", err)
		}
		triggers = append(triggers, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("suspend attention facts: %w", err)
	}
	for _, name := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+name+`"`); err != nil {
			return fmt.Errorf("suspend attention facts: %w", err)
		}
	}
	if err := writeSetVersion(ctx, tx, supervisorSet, attentionFactsMigration-1); err != nil {
		return fmt.Errorf("suspend attention facts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("suspend attention facts: %w", err)
	}
	s.factsSuspended.Store(true)
	return nil
}

// AttentionFactsSuspended reports whether the facts wait for ResumeAttentionFacts.
// Open brings them up to date, so only this process can have suspended them.
func (s *Store) AttentionFactsSuspended() bool { return s.factsSuspended.Load() }

// ResumeAttentionFacts brings the supervisor set up to date again: the facts'
// migration makes the triggers anew and computes the facts of every record. Writes
// wait meanwhile (about 12 s at 100,000 conversations).
func (s *Store) ResumeAttentionFacts(ctx context.Context) error {
	if !s.o.SupervisorQueries {
		return nil
	}
	s.applying.Lock()
	defer s.applying.Unlock()
	if err := migrateSet(ctx, s.g().w, supervisorSet, s.o); err != nil {
		return fmt.Errorf("resume attention facts: %w", err)
	}
	s.factsSuspended.Store(false)
	return nil
}
