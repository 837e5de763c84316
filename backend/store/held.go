package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/billie/supervisor/backend/projection"
)

// dataSteps are migrations done in Go after the SQL file of the same number, in its
// transaction.
var dataSteps = map[string]func(context.Context, *sql.Tx, Options) error{
	"migrations/0006_assessments_on_applications.sql": func(ctx context.Context, tx *sql.Tx, _ Options) error {
		return moveHeldToApplications(ctx, tx)
	},
	"migrations/0007_dead_letter_admin.sql": func(ctx context.Context, tx *sql.Tx, _ Options) error {
		return addDeadLetterColumns(ctx, tx)
	},
	"migrations/0008_accounts_to_ops.sql": moveAccountsToOps,
}

// moveHeldToApplications moves the assessments and noticeboard older projections kept
// on conversations onto their applications. A conversation whose application has no
// record keeps them; readers merge a conversation's own with its application's.
func moveHeldToApplications(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, doc FROM conversations WHERE application_number != ''
		AND (instr(doc, '"assessments"') > 0 OR instr(doc, '"noticeboard"') > 0)`)
	if err != nil {
		return fmt.Errorf("move assessments: list conversations: %w", err)
	}
	type held struct {
		id  string
		doc []byte
	}
	var convs []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.id, &h.doc); err != nil {
			rows.Close()
			return fmt.Errorf("move assessments: %w", err)
		}
		convs = append(convs, h)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("move assessments: %w", err)
	}
	for _, h := range convs {
		if err := moveHeld(ctx, tx, h.id, h.doc); err != nil {
			return fmt.Errorf("move assessments of conversation %s: %w", h.id, err)
		}
	}
	return nil
}

func moveHeld(ctx context.Context, tx *sql.Tx, id string, doc []byte) error {
	var c projection.Conversation
	if err := json.Unmarshal(doc, &c); err != nil {
		return err
	}
	if len(c.Assessments) == 0 && len(c.Noticeboard) == 0 {
		return nil
	}
	var appDoc []byte
	err := tx.QueryRowContext(ctx, "SELECT doc FROM applications WHERE number = ?", c.ApplicationNumber).Scan(&appDoc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var app projection.Application
	if err := json.Unmarshal(appDoc, &app); err != nil {
		return err
	}
	projection.MoveHeld(&c, &app)
	c.Version++
	app.Version++
	if doc, err = json.Marshal(c); err != nil {
		return err
	}
	if appDoc, err = json.Marshal(app); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE conversations SET doc = ?, version = ? WHERE id = ?", doc, c.Version, id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE applications SET doc = ?, version = ? WHERE number = ?", appDoc, app.Version, app.Number)
	return err
}
