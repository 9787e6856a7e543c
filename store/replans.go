package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
)

// This file holds the schedule outbox (reminder_replans): the triggers of
// migration 00004 record each change that may move a participant's
// reminder schedule, with the values before and after; the reminder policy
// (package reminders) decides whether it does and why.

// ScheduleChange is one row of the outbox: what a trigger saw change.
type ScheduleChange struct {
	ID            int64  `db:"id"`
	ParticipantID int64  `db:"participant_id"`
	Change        string `db:"change"` // ChangeParticipant or ChangeConsent
	// A participant row's values before (NULL for an insert) and after.
	OldStatus       sql.NullString `db:"old_status"`
	NewStatus       sql.NullString `db:"new_status"`
	OldBaselineDate sql.NullTime   `db:"old_baseline_date"`
	BaselineDate    sql.NullTime   `db:"baseline_date"`
	OldClinicianID  sql.NullInt64  `db:"old_clinician_id"`
	ClinicianID     sql.NullInt64  `db:"clinician_id"`
	// A consent decision.
	Agreed sql.NullBool `db:"agreed"`
}

// The kinds of ScheduleChange.
const (
	ChangeParticipant = "participant" // a participant row was inserted or its status, baseline or clinician changed
	ChangeConsent     = "consent"     // a consent decision was recorded
)

// planningLock is the advisory lock key that lets one planner at a time
// drain the outbox (the bytes of "imrbplan").
const planningLock = 0x696d7262706c616e

// TakeScheduleChanges removes up to limit changes from the outbox and
// returns them, oldest first; they come back if the transaction rolls
// back. Planners take the outbox one at a time (a transaction-scoped
// advisory lock), so one participant's changes are always planned in the
// order they were made, whichever serve process takes them.
func (tx *Tx) TakeScheduleChanges(ctx context.Context, limit int) (_ []ScheduleChange, err error) {
	defer wrap(&err, "Tx.TakeScheduleChanges")
	if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(planningLock)); err != nil {
		return nil, err
	}
	var out []ScheduleChange
	if err := tx.tx.SelectContext(ctx, &out, `
		DELETE FROM reminder_replans
		WHERE id IN (SELECT id FROM reminder_replans ORDER BY id LIMIT $1)
		RETURNING id, participant_id, change, old_status, new_status,
			old_baseline_date, baseline_date, old_clinician_id, clinician_id, agreed`, limit); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b ScheduleChange) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
