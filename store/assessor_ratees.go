package store

import (
	"context"
)

// This file holds what an assessor (an external fidelity rater) rates:
// every site and every clinician in the study, whatever site the assessor
// was invited at.
//
// A site is rated as a subject through its first coordinator: the
// coordinator in the study (a baseline date, fixed when they linked; not
// withdrawn or erased) with the earliest baseline date, then the lowest
// code. Their participants row is the subject of the site's ratings, as it
// is of a coordinator's own site ratings today, so the exports' participant
// column keeps reading a coordinator's code with the site beside it, and
// their baseline date is the site's schedule (m12 is 12 months after the
// site's first coordinator linked). A site without such a coordinator is
// not rated until one links.

// siteSubjectSQL selects each site's subject: its first coordinator in the
// study, as id, site and baseline_date.
const siteSubjectSQL = `
	SELECT DISTINCT ON (p.site) p.id, p.site, p.baseline_date
	FROM participants p
	WHERE p.role = 'coordinator' AND p.status <> 'withdrawn' AND p.erased_at IS NULL
	  AND p.baseline_date IS NOT NULL
	ORDER BY p.site, p.baseline_date, p.code`

// clinicianInStudySQL is clinician p taking part (in the study, not
// withdrawn or erased).
const clinicianInStudySQL = `p.role = 'clinician' AND p.status <> 'withdrawn' AND p.erased_at IS NULL AND ` + inStudySQL

// AssessorRatee is a site or a clinician an assessor rates. For a site,
// ID is the site's subject (its first coordinator) and Code the site's
// code; for a clinician, their own.
type AssessorRatee struct {
	Ratee
	// Subject is "site" or "clinician" (a questionnaires.Subject).
	Subject string `db:"subject"`
}

// AssessorRatees lists what assessors rate: every site that has a subject,
// by site code, then every clinician in the study, by code.
func (tx *Tx) AssessorRatees(ctx context.Context) (_ []AssessorRatee, err error) {
	defer wrap(&err, "Tx.AssessorRatees")
	var out []AssessorRatee
	err = tx.tx.SelectContext(ctx, &out, `
		SELECT * FROM (
			SELECT s.id, s.site AS code, s.baseline_date, NULL::timestamptz AS consent_at, 'site' AS subject
			FROM (`+siteSubjectSQL+`) s
			ORDER BY s.site) sites
		UNION ALL
		SELECT * FROM (
			SELECT p.id, p.code, p.baseline_date, (
				SELECT min(decided_at) FROM consents
				WHERE participant_id = p.id AND agreed) AS consent_at, 'clinician' AS subject
			FROM participants p
			WHERE `+clinicianInStudySQL+`
			ORDER BY p.code) clinicians`)
	return out, err
}

// assessorsInStudySQL: some assessor takes part (agreed in the chat, not
// withdrawn or erased). From then on, coordinators are no longer asked to
// rate their sites (questionnaires.CoordinatorRatesSite).
const assessorsInStudySQL = `EXISTS (SELECT 1 FROM participants p
	WHERE p.role = 'assessor' AND p.status <> 'withdrawn' AND p.erased_at IS NULL AND ` + consentedSQL + `)`

// AssessorsInStudy reports whether an assessor takes part in the study.
func (tx *Tx) AssessorsInStudy(ctx context.Context) (_ bool, err error) {
	defer wrap(&err, "Tx.AssessorsInStudy")
	var ok bool
	err = tx.tx.GetContext(ctx, &ok, `SELECT `+assessorsInStudySQL)
	return ok, err
}

// AssessorsInStudy reports whether an assessor takes part in the study.
func (s *Store) AssessorsInStudy(ctx context.Context) (_ bool, err error) {
	defer wrap(&err, "Store.AssessorsInStudy")
	var ok bool
	err = s.db.GetContext(ctx, &ok, `SELECT `+assessorsInStudySQL)
	return ok, err
}

// IsSiteSubject reports whether the participant is the subject of their
// site's ratings by assessors (the site's first coordinator in the study).
func (s *Store) IsSiteSubject(ctx context.Context, participantID int64) (_ bool, err error) {
	defer wrap(&err, "Store.IsSiteSubject(%d)", participantID)
	return isSiteSubject(ctx, s.db, participantID)
}

func isSiteSubject(ctx context.Context, q querier, participantID int64) (bool, error) {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM (`+siteSubjectSQL+`) s WHERE s.id = $1)`, participantID)
	return ok, err
}

// ActiveAssessors lists the assessors a reminder can reach (active,
// agreed in the chat), by id.
func (tx *Tx) ActiveAssessors(ctx context.Context) (_ []*ScheduleParticipant, err error) {
	defer wrap(&err, "Tx.ActiveAssessors")
	var out []*ScheduleParticipant
	err = tx.tx.SelectContext(ctx, &out, scheduleParticipantQuery+`
		WHERE p.role = 'assessor' AND p.status = 'active' AND `+consentedSQL+` ORDER BY p.id`)
	return out, err
}

// AssessorSubjects lists, for planning an assessor's reminders, every
// site's subject and every clinician in the study, by id.
func (tx *Tx) AssessorSubjects(ctx context.Context) (_ []*ScheduleParticipant, err error) {
	defer wrap(&err, "Tx.AssessorSubjects")
	var out []*ScheduleParticipant
	err = tx.tx.SelectContext(ctx, &out, scheduleParticipantQuery+`
		WHERE p.id IN (SELECT id FROM (`+siteSubjectSQL+`) s) OR (`+clinicianInStudySQL+`)
		ORDER BY p.id`)
	return out, err
}

// IsSiteSubject reports, inside the transaction, whether the participant
// is their site's subject (see Store.IsSiteSubject).
func (tx *Tx) IsSiteSubject(ctx context.Context, participantID int64) (_ bool, err error) {
	defer wrap(&err, "Tx.IsSiteSubject(%d)", participantID)
	return isSiteSubject(ctx, tx.tx, participantID)
}
