package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// ClaimRemindersOf claims, for owner, those of rows (by participant,
// subject, timepoint and step) that are due at now: pending, or claimed
// with a claim older than stalledBefore. It is ClaimReminders narrowed to
// given rows, for `imrbot remind`, which sends what it just queued without
// touching anything else; SKIP LOCKED keeps a running serve and the command
// from ever holding one row at once, and a row either already took is not
// returned.
func (s *Store) ClaimRemindersOf(ctx context.Context, owner string, rows []PlannedReminder, now, stalledBefore time.Time) (_ []Reminder, err error) {
	defer wrap(&err, "Store.ClaimRemindersOf")
	if len(rows) == 0 {
		return nil, nil
	}
	participants := make([]int64, len(rows))
	subjects := make([]int64, len(rows))
	timepoints := make([]string, len(rows))
	steps := make([]string, len(rows))
	for i, r := range rows {
		participants[i], subjects[i], timepoints[i], steps[i] = r.ParticipantID, r.SubjectID, r.Timepoint, r.Step
	}
	var out []Reminder
	err = s.db.SelectContext(ctx, &out, `
		UPDATE reminders r SET status = 'claimed', claimed_at = $1, claimed_by = $3,
			attempts = r.attempts + 1
		WHERE r.id = ANY (ARRAY(
			SELECT id FROM reminders
			WHERE status IN ('pending', 'claimed') AND send_at <= $1
			  AND (status = 'pending' OR claimed_at < $2)
			  AND (participant_id, subject_id, timepoint, step) IN (
				SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[]))
			FOR UPDATE SKIP LOCKED))
		RETURNING r.id, r.participant_id, r.subject_id, r.timepoint, r.step, r.status, r.send_at,
			r.attempts, r.claimed_at, r.claimed_by, r.sent_at, r.last_error, r.note`,
		now, stalledBefore, owner, pq.Array(participants), pq.Array(subjects), pq.Array(timepoints), pq.Array(steps))
	return out, err
}
