package store

import (
	"context"
	"database/sql"
	"time"
)

// This file holds what the reminders ask about a person's activity before
// writing to them: when they last answered, whether they were already told
// of a timepoint, and putting a reminder off until they are idle.

// LastAnswerAt is when participantID last gave an answer, about anyone;
// ok is false when they never answered.
func (s *Store) LastAnswerAt(ctx context.Context, participantID int64) (at time.Time, ok bool, err error) {
	defer wrap(&err, "Store.LastAnswerAt(%d)", participantID)
	var t sql.NullTime
	err = s.db.GetContext(ctx, &t, `
		SELECT max(x.answered_at) FROM assessments a
		JOIN answers x ON x.assessment_id = a.id
		WHERE a.respondent_id = $1 AND a.status IN ('open', 'in_progress', 'completed')`, participantID)
	return t.Time, t.Valid, err
}

// Notified reports whether participantID was already told of subjectID's
// timepoint: a reminder sent, or the timepoint offered at consent.
func (s *Store) Notified(ctx context.Context, participantID, subjectID int64, timepoint string) (ok bool, err error) {
	defer wrap(&err, "Store.Notified(%d, %d, %s)", participantID, subjectID, timepoint)
	err = s.db.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM reminders
			WHERE participant_id = $1 AND subject_id = $2 AND timepoint = $3
			  AND (status = 'sent' OR status = 'skipped' AND note = 'offered'))`,
		participantID, subjectID, timepoint)
	return ok, err
}

// DeferReminder puts a claimed reminder back to pending until at, without
// counting the claim as an attempt: nothing was tried.
func (s *Store) DeferReminder(ctx context.Context, id int64, owner string, at time.Time) (err error) {
	defer wrap(&err, "Store.DeferReminder(%d)", id)
	return oneRow(s.db.ExecContext(ctx, `
		UPDATE reminders SET status = 'pending', send_at = $3, attempts = greatest(attempts - 1, 0),
			claimed_at = NULL, claimed_by = NULL
		WHERE id = $1 AND status = 'claimed' AND claimed_by = $2`, id, owner, at))
}
