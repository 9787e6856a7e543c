package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// ScheduleParticipant is what the reminder schedule needs to know of a
// participant: who they are, where (the site's time zone), whether they
// consented and whether a chat is linked.
type ScheduleParticipant struct {
	ID           int64          `db:"id"`
	Code         string         `db:"code"`
	Site         string         `db:"site"`
	Role         string         `db:"role"`
	Status       string         `db:"status"`
	Lang         sql.NullString `db:"lang"`
	BaselineDate sql.NullTime   `db:"baseline_date"`
	ClinicianID  sql.NullInt64  `db:"clinician_id"`
	Timezone     string         `db:"timezone"`
	// Consented: their latest decision in the chat is an agreement.
	Consented bool `db:"consented"`
	// InStudy: their latest decision in the chat is an agreement, or they
	// never decided there and were invited with a baseline date (consent on
	// paper); linked or not (see inStudySQL).
	InStudy bool          `db:"in_study"`
	ChatID  sql.NullInt64 `db:"chat_id"`
}

const scheduleParticipantQuery = `
	SELECT p.id, p.code, p.site, p.role, p.status, p.lang, p.baseline_date, p.clinician_id,
		s.timezone,
		` + consentedSQL + ` AS consented,
		` + inStudySQL + ` AS in_study,
		l.chat_id
	FROM participants p
	JOIN sites s ON s.code = p.site
	LEFT JOIN telegram_links l ON l.participant_id = p.id`

// ScheduleParticipants returns the participants with the given ids, keyed
// by id; ids that do not exist are absent.
func (s *Store) ScheduleParticipants(ctx context.Context, ids []int64) (_ map[int64]*ScheduleParticipant, err error) {
	defer wrap(&err, "Store.ScheduleParticipants")
	return scheduleParticipants(ctx, s.db, ids)
}

// ScheduleParticipants reads participants inside the transaction.
func (tx *Tx) ScheduleParticipants(ctx context.Context, ids []int64) (_ map[int64]*ScheduleParticipant, err error) {
	defer wrap(&err, "Tx.ScheduleParticipants")
	return scheduleParticipants(ctx, tx.tx, ids)
}

func scheduleParticipants(ctx context.Context, q querier, ids []int64) (map[int64]*ScheduleParticipant, error) {
	var rows []*ScheduleParticipant
	if err := q.SelectContext(ctx, &rows, scheduleParticipantQuery+` WHERE p.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := make(map[int64]*ScheduleParticipant, len(rows))
	for _, p := range rows {
		out[p.ID] = p
	}
	return out, nil
}

// LockScheduleParticipants reads participants like ScheduleParticipants
// and holds their row locks (taken in id order, so two planners never
// deadlock) until the transaction ends: a plan is never written from a
// baseline date that a concurrent correction is changing.
func (tx *Tx) LockScheduleParticipants(ctx context.Context, ids []int64) (_ map[int64]*ScheduleParticipant, err error) {
	defer wrap(&err, "Tx.LockScheduleParticipants")
	var rows []*ScheduleParticipant
	if err := tx.tx.SelectContext(ctx, &rows, scheduleParticipantQuery+`
		WHERE p.id = ANY($1) ORDER BY p.id FOR UPDATE OF p`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := make(map[int64]*ScheduleParticipant, len(rows))
	for _, p := range rows {
		out[p.ID] = p
	}
	return out, nil
}

// ScheduleParticipantByCode looks a participant up by code.
func (s *Store) ScheduleParticipantByCode(ctx context.Context, code string) (_ *ScheduleParticipant, err error) {
	defer wrap(&err, "Store.ScheduleParticipantByCode(%q)", code)
	var p ScheduleParticipant
	err = s.db.GetContext(ctx, &p, scheduleParticipantQuery+` WHERE p.code = $1`, code)
	return &p, notFound(err)
}

// DateRange is an inclusive range of civil dates.
type DateRange struct{ From, To time.Time }

// FollowUpFilter selects participants whose follow-ups may be open.
type FollowUpFilter struct {
	Sites []string // empty: every site
	// Baselines: only participants whose baseline date lies in one of these
	// ranges; empty: any baseline date.
	Baselines []DateRange
	Roles     []string // empty: every role
	// ClinicianID: only this clinician's consumers; 0: anyone.
	ClinicianID int64
}

// FollowUpParticipants lists participants not withdrawn, with a baseline
// date, matching f, by code.
func (s *Store) FollowUpParticipants(ctx context.Context, f FollowUpFilter) (_ []*ScheduleParticipant, err error) {
	defer wrap(&err, "Store.FollowUpParticipants")
	from := make([]time.Time, len(f.Baselines))
	to := make([]time.Time, len(f.Baselines))
	for i, r := range f.Baselines {
		from[i], to[i] = r.From, r.To
	}
	var out []*ScheduleParticipant
	err = s.db.SelectContext(ctx, &out, scheduleParticipantQuery+`
		WHERE p.status <> 'withdrawn' AND p.baseline_date IS NOT NULL
		  AND (coalesce(cardinality($1::text[]), 0) = 0 OR p.site = ANY($1))
		  AND (coalesce(cardinality($2::date[]), 0) = 0 OR EXISTS (
			SELECT 1 FROM unnest($2::date[], $3::date[]) r(lo, hi)
			WHERE p.baseline_date BETWEEN r.lo AND r.hi))
		  AND (coalesce(cardinality($4::text[]), 0) = 0 OR p.role = ANY($4))
		  AND ($5 = 0 OR p.clinician_id = $5)
		ORDER BY p.code`,
		pq.Array(f.Sites), pq.Array(from), pq.Array(to), pq.Array(f.Roles), f.ClinicianID)
	return out, err
}

// AssessmentState is the status of one assessment of a subject.
type AssessmentState struct {
	SubjectID     int64  `db:"subject_id"`
	RespondentID  int64  `db:"respondent_id"`
	Questionnaire string `db:"questionnaire"`
	Timepoint     string `db:"timepoint"`
	Status        string `db:"status"`
}

// AssessmentStates returns every assessment about the given subjects.
func (s *Store) AssessmentStates(ctx context.Context, subjectIDs []int64) (_ []AssessmentState, err error) {
	defer wrap(&err, "Store.AssessmentStates")
	var out []AssessmentState
	err = s.db.SelectContext(ctx, &out, `
		SELECT subject_id, respondent_id, questionnaire, timepoint, status
		FROM assessments WHERE subject_id = ANY($1)`, pq.Array(subjectIDs))
	return out, err
}

// SentSteps returns, per subject, the reminders sent to anyone about them,
// oldest first.
func (s *Store) SentSteps(ctx context.Context, subjectIDs []int64) (_ []Reminder, err error) {
	defer wrap(&err, "Store.SentSteps")
	var out []Reminder
	err = s.db.SelectContext(ctx, &out, `
		SELECT `+reminderColumns+` FROM reminders
		WHERE subject_id = ANY($1) AND status = 'sent'
		ORDER BY sent_at, id`, pq.Array(subjectIDs))
	return out, err
}

// ErrErased is returned for a change to a participant whose answers were
// erased: there is nothing left to correct.
var ErrErased = errors.New("participant withdrew and their answers were erased")

// SetBaselineDate corrects a participant's baseline date and audits it;
// the outbox trigger records the change in the same transaction. It
// refuses an erased participant (ErrErased).
func (tx *Tx) SetBaselineDate(ctx context.Context, participantID int64, date time.Time, actor string) (err error) {
	defer wrap(&err, "Tx.SetBaselineDate(%d)", participantID)
	var p struct {
		Old    sql.NullTime `db:"baseline_date"`
		Erased bool         `db:"erased"`
	}
	if err := tx.tx.GetContext(ctx, &p, `
		SELECT baseline_date, erased_at IS NOT NULL AS erased
		FROM participants WHERE id = $1 FOR UPDATE`, participantID); err != nil {
		return notFound(err)
	}
	if p.Erased {
		return ErrErased
	}
	old := p.Old
	if _, err := tx.tx.ExecContext(ctx, `
		UPDATE participants SET baseline_date = $2 WHERE id = $1`, participantID, date); err != nil {
		return err
	}
	detail := map[string]any{"to": date.Format(time.DateOnly)}
	if old.Valid {
		detail["from"] = old.Time.Format(time.DateOnly)
	}
	return tx.Audit(ctx, actor, "set_baseline", &participantID, detail)
}

// CoordinatorSites lists the sites a participant coordinates: theirs when
// they are an active coordinator, none otherwise.
func (s *Store) CoordinatorSites(ctx context.Context, participantID int64) (_ []string, err error) {
	defer wrap(&err, "Store.CoordinatorSites(%d)", participantID)
	var out []string
	err = s.db.SelectContext(ctx, &out, `
		SELECT site FROM participants
		WHERE id = $1 AND role = 'coordinator' AND status = 'active'`, participantID)
	return out, err
}

// AssessmentStatesAt returns the assessments about a subject at timepoint.
func (s *Store) AssessmentStatesAt(ctx context.Context, subjectID int64, timepoint string) (_ []AssessmentState, err error) {
	defer wrap(&err, "Store.AssessmentStatesAt(%d, %q)", subjectID, timepoint)
	var out []AssessmentState
	err = s.db.SelectContext(ctx, &out, `
		SELECT subject_id, respondent_id, questionnaire, timepoint, status
		FROM assessments WHERE subject_id = $1 AND timepoint = $2`, subjectID, timepoint)
	return out, err
}

// ConsumersOf lists the clinician's consumers who have not withdrawn.
func (tx *Tx) ConsumersOf(ctx context.Context, clinicianID int64) (_ []*ScheduleParticipant, err error) {
	defer wrap(&err, "Tx.ConsumersOf(%d)", clinicianID)
	var out []*ScheduleParticipant
	err = tx.tx.SelectContext(ctx, &out, scheduleParticipantQuery+`
		WHERE p.clinician_id = $1 AND p.status <> 'withdrawn' ORDER BY p.id`, clinicianID)
	return out, err
}
