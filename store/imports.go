package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
)

// This file holds answers collected on paper: the participants an import
// names, and writing one import whole, with the import it came from
// recorded on every answer.

// ImportParticipant is what checking a paper answer needs to know of a
// participant named in it.
type ImportParticipant struct {
	ID           int64         `db:"id"`
	Code         string        `db:"code"`
	Site         string        `db:"site"`
	Role         string        `db:"role"`
	Status       string        `db:"status"` // a questionnaires.ParticipantStatus
	BaselineDate sql.NullTime  `db:"baseline_date"`
	ClinicianID  sql.NullInt64 `db:"clinician_id"`
	Timezone     string        `db:"timezone"`
	// InStudy: consented in the chat, or invited with a baseline date and
	// never declined (see inStudySQL).
	InStudy bool `db:"in_study"`
	Erased  bool `db:"erased"`
}

// ImportParticipants returns the participants with the given codes, keyed
// by code; codes that do not exist are absent.
func (s *Store) ImportParticipants(ctx context.Context, codes []string) (_ map[string]*ImportParticipant, err error) {
	defer wrap(&err, "Store.ImportParticipants")
	var rows []*ImportParticipant
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT p.id, p.code, p.site, p.role, p.status, p.baseline_date, p.clinician_id, s.timezone,
		       `+inStudySQL+` AS in_study, p.erased_at IS NOT NULL AS erased
		FROM participants p JOIN sites s ON s.code = p.site
		WHERE p.code = ANY($1)`, pq.Array(codes)); err != nil {
		return nil, err
	}
	out := make(map[string]*ImportParticipant, len(rows))
	for _, p := range rows {
		out[p.Code] = p
	}
	return out, nil
}

// ImportedAnswer is one answer collected on paper; a nil Value records a
// skip.
type ImportedAnswer struct {
	Key        AssessmentKey
	Version    string // the questionnaire's version, recorded on a new assessment
	Item       string
	Value      *string
	AnsweredAt time.Time
}

// AnswerImport is one file of answers collected on paper, loaded whole or
// not at all.
type AnswerImport struct {
	File    string
	SHA256  []byte
	Actor   string // who ran the import, for the audit log
	At      time.Time
	Answers []ImportedAnswer
	// Complete says whether an assessment has nothing left to ask, given
	// its current answers once the import's are added: the questionnaire's
	// rule, which the store does not know.
	Complete func(k AssessmentKey, answers map[string]*string) bool
	// Detail is added to the audit record.
	Detail map[string]any
}

// AnsweredError is returned when an imported answer is to an item that
// already has an answer: an import adds answers and never replaces one.
type AnsweredError struct {
	Index  int    // into AnswerImport.Answers
	Source string // SourceChat or SourcePaper: where the existing answer came from
}

func (e *AnsweredError) Error() string {
	return fmt.Sprintf("answer %d of the import already has an answer (%s)", e.Index, e.Source)
}

// ImportResult says what an import stored.
type ImportResult struct {
	ID          int64
	Answers     int
	Assessments int
	Completed   int // assessments the import completed
}

// ImportAnswers stores an import in one transaction: the import's record,
// each assessment it answers (created in progress if new, locked), its
// answers marked with the import, the assessments it completes, and an
// audit record. Nothing is stored when an answer's item is answered
// already (*AnsweredError, naming the first such answer). The assessment locks make a chat answering the
// same assessment meanwhile wait or be seen: its answer rows lock the
// assessment's key.
func (s *Store) ImportAnswers(ctx context.Context, imp AnswerImport) (res ImportResult, err error) {
	defer wrap(&err, "Store.ImportAnswers(%q)", imp.File)
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.importAnswers(ctx, imp)
		return err
	})
	return res, err
}

type importedAssessment struct {
	key     AssessmentKey
	version string
	first   time.Time // the earliest answer
	last    time.Time // the latest answer
	id      int64
	status  string
	answers []int // indexes into the import's answers
}

func (tx *Tx) importAnswers(ctx context.Context, imp AnswerImport) (ImportResult, error) {
	var res ImportResult
	byKey := map[AssessmentKey]*importedAssessment{}
	for i, a := range imp.Answers {
		g := byKey[a.Key]
		if g == nil {
			g = &importedAssessment{key: a.Key, version: a.Version, first: a.AnsweredAt, last: a.AnsweredAt}
			byKey[a.Key] = g
		}
		g.first, g.last = minTime(g.first, a.AnsweredAt), maxTime(g.last, a.AnsweredAt)
		g.answers = append(g.answers, i)
	}
	groups := make([]*importedAssessment, 0, len(byKey))
	for _, g := range byKey {
		groups = append(groups, g)
	}
	// Locks in one order, so two imports never deadlock.
	slices.SortFunc(groups, func(a, b *importedAssessment) int {
		return cmp.Or(cmp.Compare(a.key.SubjectID, b.key.SubjectID), cmp.Compare(a.key.RespondentID, b.key.RespondentID),
			cmp.Compare(a.key.Questionnaire, b.key.Questionnaire), cmp.Compare(a.key.Timepoint, b.key.Timepoint))
	})

	if err := tx.tx.GetContext(ctx, &res.ID, `
		INSERT INTO answer_imports (file, sha256, actor, rows, imported_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		imp.File, imp.SHA256, imp.Actor, len(imp.Answers), imp.At); err != nil {
		return res, err
	}
	ids := make([]int64, len(groups))
	for i, g := range groups {
		k := g.key
		if err := tx.tx.QueryRowxContext(ctx, `
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
			VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $6)
			ON CONFLICT (subject_id, respondent_id, questionnaire, timepoint) DO UPDATE SET
				status = CASE WHEN assessments.status = 'open' THEN 'in_progress' ELSE assessments.status END,
				started_at = coalesce(assessments.started_at, EXCLUDED.started_at)
			RETURNING id, status`,
			k.SubjectID, k.RespondentID, k.Questionnaire, g.version, k.Timepoint, g.first).Scan(&g.id, &g.status); err != nil {
			return res, err
		}
		ids[i] = g.id
	}

	current, err := currentAnswersOf(ctx, tx.tx, ids)
	if err != nil {
		return res, err
	}
	// conflict is the first answer, in the import's order, to an item
	// answered already: the one the caller names.
	var conflict *AnsweredError
	var (
		assessment []int64
		items      []string
		values     []sql.NullString
		at         []string // as text: lib/pq has no array of times
	)
	for _, g := range groups {
		answers := current[g.id]
		if answers == nil {
			answers = map[string]currentAnswer{}
		}
		for _, i := range g.answers {
			a := imp.Answers[i]
			if old, ok := answers[a.Item]; ok {
				if conflict == nil || i < conflict.Index {
					conflict = &AnsweredError{Index: i, Source: old.source()}
				}
				continue
			}
			v := sql.NullString{}
			if a.Value != nil {
				v = sql.NullString{String: *a.Value, Valid: true}
			}
			answers[a.Item] = currentAnswer{value: v, imported: true}
			assessment, items, values, at = append(assessment, g.id), append(items, a.Item), append(values, v), append(at, a.AnsweredAt.Format(time.RFC3339Nano))
		}
		current[g.id] = answers
	}
	if conflict != nil {
		return res, conflict
	}
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO answers (assessment_id, item, value, import_id, answered_at)
		SELECT a, i, v, $5, t FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) AS r (a, i, v, t)`,
		pq.Array(assessment), pq.Array(items), pq.Array(values), pq.Array(at), res.ID); err != nil {
		return res, err
	}

	for _, g := range groups {
		if g.status != "open" && g.status != "in_progress" {
			continue // completed or expired stays so
		}
		vals := map[string]*string{}
		for item, a := range current[g.id] {
			if a.value.Valid {
				vals[item] = &a.value.String
			} else {
				vals[item] = nil
			}
		}
		if imp.Complete == nil || !imp.Complete(g.key, vals) {
			continue
		}
		if err := tx.CompleteAssessment(ctx, g.id, g.last); err != nil {
			return res, err
		}
		res.Completed++
	}
	res.Answers, res.Assessments = len(imp.Answers), len(groups)

	detail := map[string]any{}
	for k, v := range imp.Detail {
		detail[k] = v
	}
	detail["import_id"] = res.ID
	detail["file"] = imp.File
	detail["sha256"] = hex.EncodeToString(imp.SHA256)
	detail["answers"] = res.Answers
	detail["assessments"] = res.Assessments
	detail["completed"] = res.Completed
	return res, tx.Audit(ctx, imp.Actor, "answers_import", nil, detail)
}

// currentAnswer is an item's latest answer and where it came from.
type currentAnswer struct {
	value    sql.NullString
	imported bool
}

func (a currentAnswer) source() string {
	if a.imported {
		return SourcePaper
	}
	return SourceChat
}

// currentAnswersOf reads the current answer of every item of the given
// assessments, by assessment id and item.
func currentAnswersOf(ctx context.Context, q querier, ids []int64) (map[int64]map[string]currentAnswer, error) {
	var rows []struct {
		Assessment int64          `db:"assessment_id"`
		Item       string         `db:"item"`
		Value      sql.NullString `db:"value"`
		Imported   bool           `db:"imported"`
	}
	if err := q.SelectContext(ctx, &rows, `
		SELECT DISTINCT ON (assessment_id, item) assessment_id, item, value, import_id IS NOT NULL AS imported
		FROM answers WHERE assessment_id = ANY($1)
		ORDER BY assessment_id, item, id DESC`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := map[int64]map[string]currentAnswer{}
	for _, r := range rows {
		if out[r.Assessment] == nil {
			out[r.Assessment] = map[string]currentAnswer{}
		}
		out[r.Assessment][r.Item] = currentAnswer{value: r.Value, imported: r.Imported}
	}
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
