package store

import (
	"context"
	"database/sql"
	"time"
)

// This file holds the reads behind a participant's timeline on the desk:
// what the tables and the audit log say happened to them, by participant
// code, never by Telegram id.

// History is what happened to one participant.
type History struct {
	Invites     []HistoryInvite
	LinkedAt    sql.NullTime // the current chat link; gone after withdrawal
	Consents    []HistoryConsent
	Assessments []HistoryAssessment
	Reminders   []HistoryReminder
	Audit       []HistoryAudit
}

// HistoryInvite is one invitation of theirs.
type HistoryInvite struct {
	CreatedAt  time.Time    `db:"created_at"`
	ExpiresAt  time.Time    `db:"expires_at"`
	RedeemedAt sql.NullTime `db:"redeemed_at"`
}

// HistoryConsent is one consent decision.
type HistoryConsent struct {
	Version   string    `db:"version"`
	Agreed    bool      `db:"agreed"`
	DecidedAt time.Time `db:"decided_at"`
}

// HistoryAssessment is a questionnaire they answered or were asked about.
type HistoryAssessment struct {
	Subject       string       `db:"subject"`
	Respondent    string       `db:"respondent"`
	Questionnaire string       `db:"questionnaire"`
	Timepoint     string       `db:"timepoint"`
	Status        string       `db:"status"`
	OpenedAt      time.Time    `db:"opened_at"`
	StartedAt     sql.NullTime `db:"started_at"`
	CompletedAt   sql.NullTime `db:"completed_at"`
}

// HistoryReminder is a reminder step to them or about them.
type HistoryReminder struct {
	Recipient string         `db:"recipient"`
	Subject   string         `db:"subject"`
	Timepoint string         `db:"timepoint"`
	Step      string         `db:"step"`
	Status    string         `db:"status"`
	SendAt    time.Time      `db:"send_at"`
	SentAt    sql.NullTime   `db:"sent_at"`
	Note      sql.NullString `db:"note"`
}

// HistoryAudit is an audit log entry about them.
type HistoryAudit struct {
	At     time.Time `db:"at"`
	Actor  string    `db:"actor"`
	Action string    `db:"action"`
	Detail []byte    `db:"detail"`
}

// ParticipantHistory reads what happened to the participant, each part
// oldest first, in one snapshot.
func (s *Store) ParticipantHistory(ctx context.Context, participantID int64) (_ *History, err error) {
	defer wrap(&err, "Store.ParticipantHistory(%d)", participantID)
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only; nothing to lose
	var h History
	if err := tx.SelectContext(ctx, &h.Invites, `
		SELECT created_at, expires_at, redeemed_at FROM invites
		WHERE participant_id = $1 ORDER BY created_at`, participantID); err != nil {
		return nil, err
	}
	if err := tx.GetContext(ctx, &h.LinkedAt, `
		SELECT max(linked_at) FROM telegram_links WHERE participant_id = $1`, participantID); err != nil {
		return nil, err
	}
	if err := tx.SelectContext(ctx, &h.Consents, `
		SELECT version, agreed, decided_at FROM consents
		WHERE participant_id = $1 ORDER BY decided_at, id`, participantID); err != nil {
		return nil, err
	}
	if err := tx.SelectContext(ctx, &h.Assessments, `
		SELECT s.code AS subject, r.code AS respondent, a.questionnaire, a.timepoint, a.status,
		       a.opened_at, a.started_at, a.completed_at
		FROM assessments a
		JOIN participants s ON s.id = a.subject_id
		JOIN participants r ON r.id = a.respondent_id
		WHERE a.subject_id = $1 OR a.respondent_id = $1
		ORDER BY a.opened_at, a.id`, participantID); err != nil {
		return nil, err
	}
	if err := tx.SelectContext(ctx, &h.Reminders, `
		SELECT t.code AS recipient, s.code AS subject, r.timepoint, r.step, r.status,
		       r.send_at, r.sent_at, r.note
		FROM reminders r
		JOIN participants t ON t.id = r.participant_id
		JOIN participants s ON s.id = r.subject_id
		WHERE r.participant_id = $1 OR r.subject_id = $1
		ORDER BY coalesce(r.sent_at, r.send_at), r.id`, participantID); err != nil {
		return nil, err
	}
	if err := tx.SelectContext(ctx, &h.Audit, `
		SELECT at, actor, action, detail FROM audit_log
		WHERE participant_id = $1 ORDER BY at, id`, participantID); err != nil {
		return nil, err
	}
	return &h, nil
}
