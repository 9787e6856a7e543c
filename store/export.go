package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds the reads behind `imrbot export` and `imrbot report`.
// They see participants only by their pseudonymous codes: no statement here
// touches telegram_links, and erased participants (erased_at set) are left
// out whether they are the subject or the respondent of an assessment.

// ExportAnswer is one current answer: the latest row of its (assessment,
// item).
type ExportAnswer struct {
	Participant    string `db:"participant"` // the subject's code
	SubjectRole    string `db:"subject_role"`
	Respondent     string `db:"respondent"` // who answered; the subject's own code for self-reports
	RespondentRole string `db:"respondent_role"`
	Site           string `db:"site"` // the subject's site
	Questionnaire  string `db:"questionnaire"`
	Version        string `db:"version"`
	Timepoint      string `db:"timepoint"`
	Status         string `db:"status"` // the assessment's status
	Item           string `db:"item"`
	// Value is the raw answer; NULL records a skip.
	Value      sql.NullString `db:"value"`
	AnsweredAt time.Time      `db:"answered_at"`
	// Source is where the answer came from: SourceChat or SourcePaper.
	Source string `db:"source"`
}

// Where an answer came from, as the long export's source column says.
const (
	SourceChat  = "chat"  // typed or tapped in the chat
	SourcePaper = "paper" // collected on paper and loaded by imrbot answers import
)

// CompletionCount counts the assessments of one questionnaire at one
// timepoint about the participants of one site, by status.
type CompletionCount struct {
	Site          string `db:"site"`
	Timepoint     string `db:"timepoint"`
	Questionnaire string `db:"questionnaire"`
	Completed     int    `db:"completed"`
	InProgress    int    `db:"in_progress"` // open or in progress
	Expired       int    `db:"expired"`
}

// SiteEnrolment counts a site's participants of one role. Every count but
// Erased leaves erased participants out.
type SiteEnrolment struct {
	Site         string `db:"site"`
	Role         string `db:"role"`
	Participants int    `db:"participants"` // invited, whatever happened since
	Linked       int    `db:"linked"`       // redeemed their invite
	Consented    int    `db:"consented"`    // in the study: agreed in the chat, or on paper (see inStudySQL)
	Declined     int    `db:"declined"`     // their latest decision in the chat is a refusal
	Withdrawn    int    `db:"withdrawn"`
	Erased       int    `db:"erased"` // withdrew and had their answers erased
}

// exportedSQL: assessment a (subject s, respondent r) reaches the exports
// unless an erasure took it: the respondent's answers are gone with them,
// and so is everything about an erased subject, except a site's ratings
// others made, which are stored with the site's coordinator as subject and
// stay when that coordinator is erased (see Tx.Withdraw).
const exportedSQL = `r.erased_at IS NULL AND
	(s.erased_at IS NULL OR (s.role = 'coordinator' AND a.respondent_id <> s.id))`

// ExportData is everything the exports and the report read, taken from one
// snapshot so that its parts agree with each other.
type ExportData struct {
	Sites      []Site
	Answers    []ExportAnswer
	Completion []CompletionCount
	Enrolment  []SiteEnrolment
	// Flow is every participant not erased, as the CONSORT-style flow
	// counts them (questionnaires' CountFlow).
	Flow []questionnaires.FlowMember
	// Clinicians maps each consumer not erased who has a clinician to
	// their clinician's code: who delivers their IMR, whom they cluster
	// within.
	Clinicians map[string]string
}

// ExportData reads sites, current answers, completion and enrolment in one
// read-only repeatable-read transaction: a chat answering meanwhile cannot
// make the counts disagree with the answers.
func (s *Store) ExportData(ctx context.Context) (_ *ExportData, err error) {
	defer wrap(&err, "Store.ExportData")
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only; nothing to lose
	var d ExportData
	if err := tx.SelectContext(ctx, &d.Sites, `SELECT code, name, timezone FROM sites ORDER BY code`); err != nil {
		return nil, err
	}
	if d.Answers, err = currentAnswers(ctx, tx); err != nil {
		return nil, err
	}
	if d.Completion, err = completionCounts(ctx, tx); err != nil {
		return nil, err
	}
	if d.Enrolment, err = siteEnrolment(ctx, tx); err != nil {
		return nil, err
	}
	if d.Flow, err = flowMembers(ctx, tx, nil); err != nil {
		return nil, err
	}
	if d.Clinicians, err = assignedClinicians(ctx, tx); err != nil {
		return nil, err
	}
	return &d, nil
}

func assignedClinicians(ctx context.Context, q querier) (map[string]string, error) {
	var pairs []struct {
		Consumer  string `db:"consumer"`
		Clinician string `db:"clinician"`
	}
	if err := q.SelectContext(ctx, &pairs, `
		SELECT p.code AS consumer, k.code AS clinician
		FROM participants p JOIN participants k ON k.id = p.clinician_id
		WHERE p.erased_at IS NULL`); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(pairs))
	for _, c := range pairs {
		out[c.Consumer] = c.Clinician
	}
	return out, nil
}

func currentAnswers(ctx context.Context, q querier) ([]ExportAnswer, error) {
	var out []ExportAnswer
	err := q.SelectContext(ctx, &out, `
		SELECT s.code AS participant, s.role AS subject_role,
		       r.code AS respondent, r.role AS respondent_role,
		       s.site, a.questionnaire, a.version, a.timepoint, a.status,
		       x.item, x.value, x.answered_at,
		       CASE WHEN x.import_id IS NULL THEN 'chat' ELSE 'paper' END AS source
		FROM assessments a
		JOIN participants s ON s.id = a.subject_id
		JOIN participants r ON r.id = a.respondent_id
		JOIN LATERAL (
			SELECT DISTINCT ON (item) item, value, answered_at, import_id FROM answers
			WHERE assessment_id = a.id
			ORDER BY item, id DESC) x ON true
		WHERE `+exportedSQL+`
		ORDER BY s.code COLLATE "C", a.timepoint COLLATE "C", a.questionnaire COLLATE "C",
		         r.code COLLATE "C", x.item COLLATE "C"`)
	return out, err
}

func completionCounts(ctx context.Context, q querier) ([]CompletionCount, error) {
	var out []CompletionCount
	err := q.SelectContext(ctx, &out, `
		SELECT s.site, a.timepoint, a.questionnaire,
		       count(*) FILTER (WHERE a.status = 'completed') AS completed,
		       count(*) FILTER (WHERE a.status IN ('open', 'in_progress')) AS in_progress,
		       count(*) FILTER (WHERE a.status = 'expired') AS expired
		FROM assessments a
		JOIN participants s ON s.id = a.subject_id
		JOIN participants r ON r.id = a.respondent_id
		WHERE `+exportedSQL+`
		GROUP BY s.site, a.timepoint, a.questionnaire
		ORDER BY s.site, a.timepoint COLLATE "C", a.questionnaire COLLATE "C"`)
	return out, err
}

func siteEnrolment(ctx context.Context, q querier) ([]SiteEnrolment, error) {
	var out []SiteEnrolment
	err := q.SelectContext(ctx, &out, `
		SELECT p.site, p.role,
		       count(*) FILTER (WHERE p.erased_at IS NULL) AS participants,
		       count(*) FILTER (WHERE p.erased_at IS NULL AND EXISTS (
		           SELECT 1 FROM invites i
		           WHERE i.participant_id = p.id AND i.redeemed_at IS NOT NULL)) AS linked,
		       count(*) FILTER (WHERE p.erased_at IS NULL AND `+inStudySQL+`) AS consented,
		       count(*) FILTER (WHERE p.erased_at IS NULL AND `+declinedSQL+`) AS declined,
		       count(*) FILTER (WHERE p.erased_at IS NULL AND p.status = 'withdrawn') AS withdrawn,
		       count(*) FILTER (WHERE p.erased_at IS NOT NULL) AS erased
		FROM participants p
		GROUP BY p.site, p.role
		ORDER BY p.site, p.role`)
	return out, err
}

// FlowMembers lists every participant not erased of sites (all when
// empty), as the CONSORT-style flow counts them (questionnaires'
// CountFlow), by code.
func (s *Store) FlowMembers(ctx context.Context, sites []string) (_ []questionnaires.FlowMember, err error) {
	defer wrap(&err, "Store.FlowMembers")
	return flowMembers(ctx, s.db, sites)
}

func flowMembers(ctx context.Context, q querier, sites []string) ([]questionnaires.FlowMember, error) {
	ps, err := flowParticipants(ctx, q, sites)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var own []struct {
		SubjectID     int64  `db:"subject_id"`
		Questionnaire string `db:"questionnaire"`
		Timepoint     string `db:"timepoint"`
	}
	if err := q.SelectContext(ctx, &own, `
		SELECT subject_id, questionnaire, timepoint FROM assessments
		WHERE subject_id = ANY($1) AND respondent_id = subject_id AND status = 'completed'`,
		pq.Array(ids)); err != nil {
		return nil, err
	}
	completed := map[int64]map[[2]string]bool{}
	for _, a := range own {
		if completed[a.SubjectID] == nil {
			completed[a.SubjectID] = map[[2]string]bool{}
		}
		completed[a.SubjectID][[2]string{a.Questionnaire, a.Timepoint}] = true
	}
	out := make([]questionnaires.FlowMember, len(ps))
	for i, p := range ps {
		out[i] = questionnaires.FlowMember{
			Site: p.Site, Role: questionnaires.Role(p.Role), Status: p.Status,
			Linked: p.Linked, Consented: p.Agreed, Declined: p.Declined, Completed: completed[p.ID],
		}
	}
	return out, nil
}
