package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// This file holds what the reminders ask about a person's activity before
// writing to them: when they last answered, whether they were already told
// of a timepoint, and putting a reminder off until they are idle.

// LastAnswerAt is when participantID last gave an answer, about anyone;
// ok is false when they never answered. Answers to an expired assessment
// do not count, nor to one that closed says has closed (ExpireClosed
// would expire it): whether expiry has run yet, in this process or
// another, does not change the answer.
func (s *Store) LastAnswerAt(ctx context.Context, participantID int64, closed []ClosedThrough) (at time.Time, ok bool, err error) {
	defer wrap(&err, "Store.LastAnswerAt(%d)", participantID)
	var t sql.NullTime
	err = s.db.GetContext(ctx, &t, `
		SELECT max(x.answered_at) FROM assessments a
		JOIN answers x ON x.assessment_id = a.id
		JOIN participants p ON p.id = a.subject_id
		WHERE a.respondent_id = $4 AND a.status <> 'expired'
		  AND NOT (`+expirableSQL+` AND `+windowClosedSQL(1)+`)`,
		append(closedArgs(closed), participantID)...)
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

// FlowParticipant is one participant's way through the study so far: the
// CONSORT-style flow that /status and the report count.
type FlowParticipant struct {
	ID       int64  `db:"id"`
	Site     string `db:"site"`
	Role     string `db:"role"`
	Status   string `db:"status"`
	Linked   bool   `db:"linked"`   // redeemed an invitation
	Agreed   bool   `db:"agreed"`   // took part at some time, in the chat or on paper
	Declined bool   `db:"declined"` // their latest decision is a refusal
}

// FlowParticipants lists every participant not erased of the given sites
// (all when sites is empty), whatever their status, by code.
func (s *Store) FlowParticipants(ctx context.Context, sites []string) (_ []FlowParticipant, err error) {
	defer wrap(&err, "Store.FlowParticipants")
	return flowParticipants(ctx, s.db, sites)
}

func flowParticipants(ctx context.Context, q querier, sites []string) ([]FlowParticipant, error) {
	var out []FlowParticipant
	err := q.SelectContext(ctx, &out, `
		SELECT p.id, p.site, p.role, p.status,
		       EXISTS (SELECT 1 FROM invites i WHERE i.participant_id = p.id AND i.redeemed_at IS NOT NULL)
		           OR EXISTS (SELECT 1 FROM telegram_links l WHERE l.participant_id = p.id) AS linked,
		       `+everInStudySQL+` AS agreed,
		       `+declinedSQL+` AS declined
		FROM participants p
		WHERE p.erased_at IS NULL
		  AND (coalesce(cardinality($1::text[]), 0) = 0 OR p.site = ANY($1))
		ORDER BY p.code`, pq.Array(sites))
	return out, err
}
