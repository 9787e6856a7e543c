package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds the replan outbox (reminder_replans): the triggers of
// migration 00004 record each change that may move a participant's
// reminder schedule, and replanReason decides here, in Go, whether it does
// and why.

// Replan asks for a participant's schedule to be made again.
type Replan struct {
	ID            int64
	ParticipantID int64
	Reason        string
	// BaselineDate and ClinicianID are the participant's when the replan
	// was queued: an offer covers what was open under that date, not under
	// a correction made after it.
	BaselineDate sql.NullTime
	ClinicianID  sql.NullInt64
}

// Replan reasons.
const (
	ReplanStart     = "start"     // chat linked or consent given: what is open is offered now
	ReplanBaseline  = "baseline"  // baseline date corrected
	ReplanClinician = "clinician" // the consumer's clinician changed
	ReplanReachable = "reachable" // an unreachable participant can be written to again
)

// BaselineReplan is the replan that correcting sp's baseline date to date
// queues.
func BaselineReplan(sp *ScheduleParticipant, date time.Time) Replan {
	return Replan{ParticipantID: sp.ID, Reason: ReplanBaseline,
		BaselineDate: sql.NullTime{Time: date, Valid: true}, ClinicianID: sp.ClinicianID}
}

// replanChange is a row of reminder_replans: what a trigger saw change.
type replanChange struct {
	ID            int64  `db:"id"`
	ParticipantID int64  `db:"participant_id"`
	Change        string `db:"change"` // "participant" or "consent"
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

// replanReason is the reminder policy's answer to a change: why it moves
// the participant's schedule, or "" when it does not. Only an active
// participant with a baseline date has a schedule. It starts (what is open
// is offered at once, so steps already past count as reminded) when they
// consent, are enrolled or linked, or first get a baseline date; any other
// change collapses the steps already past into one reminder.
func replanReason(c replanChange) string {
	if c.Change == "consent" {
		// Consumers and clinicians are reminded only once they consented,
		// which may come after the chat was linked.
		if c.Agreed.Bool {
			return ReplanStart
		}
		return ""
	}
	switch {
	case c.NewStatus.String != questionnaires.StatusActive || !c.BaselineDate.Valid:
		return ""
	case !c.OldStatus.Valid || c.OldStatus.String == questionnaires.StatusInvited || !c.OldBaselineDate.Valid:
		return ReplanStart
	case c.OldStatus.String != questionnaires.StatusActive:
		return ReplanReachable
	case !c.OldBaselineDate.Time.Equal(c.BaselineDate.Time):
		return ReplanBaseline
	case c.OldClinicianID != c.ClinicianID:
		return ReplanClinician
	}
	return ""
}

// planningLock is the advisory lock key that lets one planner at a time
// drain the replan queue (the bytes of "imrbplan").
const planningLock = 0x696d7262706c616e

// TakeReplans removes up to limit queued replans and returns them, oldest
// first; they come back if the transaction rolls back. Changes that move no
// schedule are removed on the way and not counted. Planners take the queue
// one at a time (a transaction-scoped advisory lock), so one participant's
// replans are always planned in the order they were queued, whichever serve
// process takes them.
func (tx *Tx) TakeReplans(ctx context.Context, limit int) (_ []Replan, err error) {
	defer wrap(&err, "Tx.TakeReplans")
	if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(planningLock)); err != nil {
		return nil, err
	}
	var out []Replan
	for len(out) < limit {
		want := limit - len(out)
		var changes []replanChange
		if err := tx.tx.SelectContext(ctx, &changes, `
			DELETE FROM reminder_replans
			WHERE id IN (SELECT id FROM reminder_replans ORDER BY id LIMIT $1)
			RETURNING id, participant_id, change, old_status, new_status,
				old_baseline_date, baseline_date, old_clinician_id, clinician_id, agreed`, want); err != nil {
			return nil, err
		}
		slices.SortFunc(changes, func(a, b replanChange) int { return cmp.Compare(a.ID, b.ID) })
		for _, c := range changes {
			if why := replanReason(c); why != "" {
				out = append(out, Replan{ID: c.ID, ParticipantID: c.ParticipantID, Reason: why,
					BaselineDate: c.BaselineDate, ClinicianID: c.ClinicianID})
			}
		}
		if len(changes) < want {
			break
		}
	}
	return out, nil
}
