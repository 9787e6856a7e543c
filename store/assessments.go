package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// This file holds assessments and their answers: what a respondent has
// answered about a subject, starting and completing an assessment, and
// appending an answer.

// AssessmentKey names an assessment: who answers what about whom, when.
type AssessmentKey struct {
	SubjectID     int64
	RespondentID  int64
	Questionnaire string
	Timepoint     string
}

// Assessment is an assessment with its current answers.
type Assessment struct {
	ID            int64  `json:"id"`
	SubjectID     int64  `json:"subject_id"`
	Questionnaire string `json:"questionnaire"`
	Version       string `json:"version"`
	Timepoint     string `json:"timepoint"`
	Status        string `json:"status"`
	// Answers maps an item id to its current value (the latest row); a nil
	// value is a skip.
	Answers map[string]*string `json:"answers"`
}

const assessmentsSQL = `
	SELECT a.id, a.subject_id, a.questionnaire, a.version, a.timepoint, a.status, x.item, x.value
	FROM assessments a
	LEFT JOIN LATERAL (
		SELECT DISTINCT ON (item) item, value FROM answers
		WHERE assessment_id = a.id ORDER BY item, id DESC) x ON true
	WHERE a.respondent_id = $1 AND a.subject_id = ANY($2)
	ORDER BY a.id`

// Assessments returns what respondent has answered about each of subjects,
// with every item's current value.
func (c *ChatTx) Assessments(ctx context.Context, respondentID int64, subjectIDs []int64) (_ []*Assessment, err error) {
	defer wrap(&err, "ChatTx.Assessments(%d)", respondentID)
	rows, err := c.stmt(ctx, c.stmts.assessments).QueryContext(ctx, respondentID, pq.Array(subjectIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Assessment
	for rows.Next() {
		var a Assessment
		var item, value sql.NullString
		if err := rows.Scan(&a.ID, &a.SubjectID, &a.Questionnaire, &a.Version, &a.Timepoint, &a.Status, &item, &value); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != a.ID {
			a.Answers = map[string]*string{}
			out = append(out, &a)
		}
		if item.Valid {
			var v *string
			if value.Valid {
				v = &value.String
			}
			out[len(out)-1].Answers[item.String] = v
		}
	}
	return out, rows.Err()
}

// StartAssessment creates the assessment, or marks an open one in progress,
// and returns its id. The questionnaire version is recorded when the first
// question is asked and kept after that, so answers are read against the
// wording they were given to.
func (tx *Tx) StartAssessment(ctx context.Context, k AssessmentKey, version string, now time.Time) (id int64, err error) {
	defer wrap(&err, "Tx.StartAssessment(%s/%s)", k.Questionnaire, k.Timepoint)
	err = tx.tx.GetContext(ctx, &id, `
		INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
		VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $6)
		ON CONFLICT (subject_id, respondent_id, questionnaire, timepoint) DO UPDATE SET
			status = CASE WHEN assessments.status = 'open' THEN 'in_progress' ELSE assessments.status END,
			version = CASE WHEN assessments.started_at IS NULL THEN EXCLUDED.version ELSE assessments.version END,
			started_at = coalesce(assessments.started_at, EXCLUDED.started_at)
		RETURNING id`, k.SubjectID, k.RespondentID, k.Questionnaire, version, k.Timepoint, now)
	return id, err
}

// NewAnswer is an answer row to append; a nil Value records a skip.
type NewAnswer struct {
	AssessmentID int64
	Item         string
	Value        *string
}

const saveAnswerSQL = `
	INSERT INTO answers (assessment_id, item, value, update_id, answered_at)
	VALUES ($1, $2, $3, $4, $5)`

// SaveAnswer appends an answer row; a nil value records a skip. updateID is
// the Telegram update that carried it.
func (tx *Tx) SaveAnswer(ctx context.Context, assessmentID int64, item string, value *string, updateID int64, now time.Time) (err error) {
	defer wrap(&err, "Tx.SaveAnswer(%d, %q)", assessmentID, item)
	_, err = tx.tx.ExecContext(ctx, saveAnswerSQL, assessmentID, item, value, updateID, now)
	return err
}

// CompleteAssessment marks an assessment completed. An expired one stays
// expired: its window closed before the last answer, and the export must
// say so.
func (tx *Tx) CompleteAssessment(ctx context.Context, assessmentID int64, now time.Time) (err error) {
	defer wrap(&err, "Tx.CompleteAssessment(%d)", assessmentID)
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE assessments SET status = 'completed', completed_at = $2
		WHERE id = $1 AND status IN ('open', 'in_progress')`, assessmentID, now)
	return err
}
