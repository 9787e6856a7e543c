package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file holds the chat's statements: de-duplication of Telegram
// updates, the per-chat row lock, conversation state, linking a chat to an
// invited participant, and the participant's own data collected in the chat.
// Every method runs inside the transaction that applies one update, so an
// answer and the state change it causes commit together.

// ErrInviteTaken is returned when linking a chat to a participant whose
// invite was redeemed meanwhile, or a chat that is already linked to someone
// else: the caller must refuse, not retry.
var ErrInviteTaken = errors.New("invite already redeemed or chat already linked")

// chatStatements are the statements run for every update, prepared once
// per pool. lib/pq runs an unprepared statement with parameters in two
// round trips (parse, then bind and execute) and a prepared one in one;
// round trips are most of what an answer costs.
type chatStatements struct {
	open, openShared, reload, assessments, answer, save, prompt *sqlx.Stmt
}

// prepared caches the statements per Store. (A Store lives as long as the
// process; Close does not need to clear it.)
var (
	preparedMu sync.Mutex
	prepared   = map[*Store]*chatStatements{}
)

func (s *Store) chatStatements(ctx context.Context) (*chatStatements, error) {
	preparedMu.Lock()
	defer preparedMu.Unlock()
	if cs, ok := prepared[s]; ok {
		return cs, nil
	}
	cs := &chatStatements{}
	for _, p := range []struct {
		dst   **sqlx.Stmt
		query string
	}{
		{&cs.open, openChatSQL}, {&cs.openShared, openSharedSQL}, {&cs.reload, reloadChatSQL}, {&cs.assessments, assessmentsSQL},
		{&cs.answer, saveAnswerSQL}, {&cs.save, saveConversationsSQL}, {&cs.prompt, recordPromptsSQL},
	} {
		st, err := s.db.PreparexContext(ctx, p.query)
		if err != nil {
			return nil, err
		}
		*p.dst = st
	}
	prepared[s] = cs
	return cs, nil
}

// ChatTx is the transaction that applies one Telegram update: a Tx with the
// chat's hot statements at hand.
type ChatTx struct {
	*Tx
	stmts *chatStatements
}

// InChatTx runs fn in a transaction for one update, as InTx does.
func (s *Store) InChatTx(ctx context.Context, fn func(*ChatTx) error) (err error) {
	stmts, err := s.chatStatements(ctx)
	if err != nil {
		return fmt.Errorf("Store.InChatTx: prepare: %w", err)
	}
	return s.InTx(ctx, func(tx *Tx) error { return fn(&ChatTx{Tx: tx, stmts: stmts}) })
}

func (c *ChatTx) stmt(ctx context.Context, st *sqlx.Stmt) *sqlx.Stmt {
	return c.tx.StmtxContext(ctx, st)
}

// PruneProcessedUpdates forgets update ids recorded before cutoff. Telegram
// keeps an unconfirmed update for 24 hours, so a week's ids are ample.
func (s *Store) PruneProcessedUpdates(ctx context.Context, cutoff time.Time) (n int64, err error) {
	defer wrap(&err, "Store.PruneProcessedUpdates")
	res, err := s.db.ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < $1`, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ChatSession is what applying one update needs to know about a linked
// chat: its participant, their latest consent, the conversation, and what
// they have answered about themselves.
type ChatSession struct {
	ParticipantID   int64
	UserID          int64
	Code            string
	Site            string
	Timezone        string
	Role            string
	Lang            sql.NullString
	Status          string
	BaselineDate    sql.NullTime
	ConsentVersion  sql.NullString
	ConsentAgreed   sql.NullBool
	ConsentAt       sql.NullTime
	State           []byte
	LastUpdateID    sql.NullInt64
	LastMessageAt   sql.NullTime
	PromptMessageID sql.NullInt64
	// Own are the participant's assessments of themselves (a coordinator's
	// of their site), with the current answers of those still open (the
	// chat never reads a completed one's). Ratings of others are read with
	// Assessments.
	Own []*Assessment
}

// selectSession reads a linked chat's session (the chat whose id is the
// SQL expression chatID) and locks its conversation row.
//
// "current" tells whether the statement's snapshot saw the conversation
// row it locked. When another transaction on the chat (another serve
// process) committed while this statement waited for the lock, FOR UPDATE
// returns the row as that transaction left it, but everything else here
// was read as it was before: the caller must read the session again
// (reloadChatSQL), now that the lock is held.
func selectSession(chatID string) string {
	return `
		SELECT l.participant_id, l.user_id, p.code, p.site, st.timezone, p.role,
		       p.lang, p.status, p.baseline_date,
		       k.version AS consent_version, k.agreed AS consent_agreed, k.decided_at AS consent_at,
		       c.state, c.last_update_id, c.last_message_at, l.prompt_message_id,
		       c.xmin = (SELECT xmin FROM conversations WHERE participant_id = c.participant_id) AS current,
		       (SELECT coalesce(json_agg(json_build_object(
		                   'id', a.id, 'subject_id', a.subject_id, 'questionnaire', a.questionnaire,
		                   'version', a.version, 'timepoint', a.timepoint, 'status', a.status,
		                   'answers', CASE WHEN a.status IN ('open', 'in_progress') THEN (
		                       SELECT json_object_agg(x.item, x.value) FROM (
		                           SELECT DISTINCT ON (item) item, value FROM answers
		                           WHERE assessment_id = a.id ORDER BY item, id DESC) x) END)
		                   ORDER BY a.id), '[]')
		        FROM assessments a
		        WHERE a.respondent_id = l.participant_id AND a.subject_id = l.participant_id) AS own
		FROM telegram_links l
		JOIN participants p ON p.id = l.participant_id
		JOIN sites st ON st.code = p.site
		JOIN conversations c ON c.participant_id = l.participant_id
		LEFT JOIN LATERAL (
			SELECT version, agreed, decided_at FROM consents
			WHERE participant_id = l.participant_id
			ORDER BY decided_at DESC, id DESC LIMIT 1) k ON true
		WHERE l.chat_id = ` + chatID + `
		FOR UPDATE OF c`
}

// openChatSQL records the update id and reads the session, in one round
// trip.
var openChatSQL = `
	WITH recorded AS (
		INSERT INTO processed_updates (update_id) VALUES ($2)
		ON CONFLICT (update_id) DO NOTHING RETURNING update_id)
	SELECT EXISTS (SELECT 1 FROM recorded) AS fresh, s.*
	FROM (SELECT 1) AS one
	LEFT JOIN LATERAL (` + selectSession("$1") + `) s ON true`

// reloadChatSQL reads the session again under the lock Open took.
var reloadChatSQL = `SELECT true AS fresh, s.* FROM (` + selectSession("$1") + `) s`

// openRow is openChatSQL's row: every session column may be NULL.
type openRow struct {
	Fresh           bool           `db:"fresh"`
	ParticipantID   sql.NullInt64  `db:"participant_id"`
	UserID          sql.NullInt64  `db:"user_id"`
	Code            sql.NullString `db:"code"`
	Site            sql.NullString `db:"site"`
	Timezone        sql.NullString `db:"timezone"`
	Role            sql.NullString `db:"role"`
	Lang            sql.NullString `db:"lang"`
	Status          sql.NullString `db:"status"`
	BaselineDate    sql.NullTime   `db:"baseline_date"`
	ConsentVersion  sql.NullString `db:"consent_version"`
	ConsentAgreed   sql.NullBool   `db:"consent_agreed"`
	ConsentAt       sql.NullTime   `db:"consent_at"`
	State           []byte         `db:"state"`
	LastUpdateID    sql.NullInt64  `db:"last_update_id"`
	LastMessageAt   sql.NullTime   `db:"last_message_at"`
	PromptMessageID sql.NullInt64  `db:"prompt_message_id"`
	Current         sql.NullBool   `db:"current"`
	Own             []byte         `db:"own"`
}

// Open begins applying update updateID from chatID, in one round trip: it
// records the update id (fresh is false when it was recorded before: a
// duplicate, which must change nothing) and, for a chat linked to a
// participant, loads the session and locks the chat's conversation row
// until the transaction ends. That lock applies the
// updates of one chat one at a time across every serve process. sess is
// nil for a chat linked to no one. (The conversation row is the lock: a
// chat has one participant and a participant one conversation, and linking
// or erasing takes the same row.)
func (c *ChatTx) Open(ctx context.Context, updateID, chatID int64) (fresh bool, sess *ChatSession, err error) {
	defer wrap(&err, "ChatTx.Open(%d)", updateID)
	var r openRow
	if err := c.stmt(ctx, c.stmts.open).GetContext(ctx, &r, chatID, updateID); err != nil {
		return false, nil, err
	}
	sess, err = c.session(ctx, &r, chatID)
	return r.Fresh, sess, err
}

// session makes the session of an open row, nil for a chat linked to no
// one, reading it again if the row was read before a lock wait.
func (c *ChatTx) session(ctx context.Context, r *openRow, chatID int64) (*ChatSession, error) {
	if r.ParticipantID.Valid && !r.Current.Bool {
		// Waited for the lock behind another process's update of this
		// chat: read what it committed.
		if err := c.stmt(ctx, c.stmts.reload).GetContext(ctx, r, chatID); err != nil {
			return nil, err
		}
	}
	if !r.ParticipantID.Valid {
		return nil, nil
	}
	var own []*Assessment
	if err := json.Unmarshal(r.Own, &own); err != nil {
		return nil, err
	}
	for _, a := range own {
		if a.Answers == nil {
			a.Answers = map[string]*string{}
		}
	}
	return &ChatSession{
		ParticipantID: r.ParticipantID.Int64, UserID: r.UserID.Int64, Code: r.Code.String,
		Site: r.Site.String, Timezone: r.Timezone.String, Role: r.Role.String, Lang: r.Lang,
		Status: r.Status.String, BaselineDate: r.BaselineDate, ConsentVersion: r.ConsentVersion,
		ConsentAgreed: r.ConsentAgreed, ConsentAt: r.ConsentAt, State: r.State,
		LastUpdateID: r.LastUpdateID, LastMessageAt: r.LastMessageAt, PromptMessageID: r.PromptMessageID,
		Own: own,
	}, nil
}

// NewAnswer is an answer row to append; a nil Value records a skip.
type NewAnswer struct {
	AssessmentID int64
	Item         string
	Value        *string
}

const recordPromptsSQL = `
	UPDATE telegram_links l SET prompt_message_id = greatest(l.prompt_message_id, v.message_id)
	FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async,
	     unnest($1::bigint[], $2::bigint[]) AS v (participant_id, message_id)
	WHERE l.participant_id = v.participant_id`

// RecordPromptMessages records, for each participant, the Telegram message
// id of the question now asked, so that the next answer can edit it. It
// runs after the updates' transactions, once the messages have been sent;
// losing it in a crash costs one edit, so it commits without waiting for
// the disk. An id never replaces a newer one (Telegram numbers a chat's
// messages in order).
func (s *Store) RecordPromptMessages(ctx context.Context, messages map[int64]int64) (err error) {
	defer wrap(&err, "Store.RecordPromptMessages(%d)", len(messages))
	if len(messages) == 0 {
		return nil
	}
	stmts, err := s.chatStatements(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(messages))
	for id := range messages {
		ids = append(ids, id)
	}
	// In one order, so that two writers never wait for each other's rows.
	slices.Sort(ids)
	msgs := make([]int64, len(ids))
	for i, id := range ids {
		msgs[i] = messages[id]
	}
	_, err = stmts.prompt.ExecContext(ctx, pq.Array(ids), pq.Array(msgs))
	return err
}

// InviteLookup is an invite code looked up, with its row locked.
type InviteLookup struct {
	ParticipantID int64          `db:"participant_id"`
	Code          string         `db:"code"`
	Role          string         `db:"role"`
	Lang          sql.NullString `db:"lang"`
	Status        string         `db:"status"`
	ExpiresAt     time.Time      `db:"expires_at"`
	RedeemedAt    sql.NullTime   `db:"redeemed_at"`
	Erased        bool           `db:"erased"`
	// LinkedChatID is the chat the participant is linked to, if any.
	LinkedChatID sql.NullInt64 `db:"linked_chat_id"`
}

// LockInvite looks an invite code up and locks its row until the
// transaction ends, so that two chats presenting one code at once are
// decided one after the other and only the first wins. ErrNotFound: no such
// code.
func (tx *Tx) LockInvite(ctx context.Context, inviteCode string) (_ *InviteLookup, err error) {
	defer wrap(&err, "Tx.LockInvite")
	var inv InviteLookup
	err = tx.tx.GetContext(ctx, &inv, `
		SELECT i.participant_id, p.code, p.role, p.lang, p.status, i.expires_at, i.redeemed_at,
		       p.erased_at IS NOT NULL AS erased, l.chat_id AS linked_chat_id
		FROM invites i
		JOIN participants p ON p.id = i.participant_id
		LEFT JOIN telegram_links l ON l.participant_id = i.participant_id
		WHERE i.code_hash = $1
		FOR UPDATE OF i`, HashInvite(inviteCode))
	if err != nil {
		return nil, notFound(err)
	}
	return &inv, nil
}

// LinkChat redeems the participant's invite and links the chat to them,
// creating their conversation with state. The invite row must have been
// locked by LockInvite in this transaction. ErrInviteTaken: the invite was
// redeemed or the chat belongs to someone else.
func (tx *Tx) LinkChat(ctx context.Context, participantID, userID, chatID int64, state []byte, now time.Time) (err error) {
	defer wrap(&err, "Tx.LinkChat(%d)", participantID)
	// A savepoint keeps the transaction usable when the link is refused, so
	// the caller can still answer the chat and record the update.
	if _, err := tx.tx.ExecContext(ctx, `SAVEPOINT link`); err != nil {
		return err
	}
	refuse := func() error {
		if _, err := tx.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT link`); err != nil {
			return err
		}
		return ErrInviteTaken
	}
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE invites SET redeemed_at = $2
		WHERE participant_id = $1 AND redeemed_at IS NULL`, participantID, now)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return refuse()
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at)
		VALUES ($1, $2, $3, $4)`, participantID, userID, chatID, now)
	if IsUniqueViolation(err) {
		return refuse()
	} else if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO conversations (participant_id, state, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (participant_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
		participantID, string(state), now); err != nil {
		return err
	}
	// Coordinators give no consent: linking is their enrolment, and its day
	// their baseline unless one was given, so that their site ratings open
	// at m12 like everyone's.
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE participants p SET status = 'active',
			baseline_date = CASE WHEN p.role = 'coordinator' AND p.baseline_date IS NULL
				THEN ($2::timestamptz AT TIME ZONE s.timezone)::date ELSE p.baseline_date END
		FROM sites s
		WHERE p.id = $1 AND s.code = p.site AND p.status = 'invited'`, participantID, now)
	return err
}

// RecordConsent stores a consent decision. Agreeing without a baseline
// date fixes it to the day of consent in the site's time zone, as the
// protocol says, so every later schedule reads one column.
func (tx *Tx) RecordConsent(ctx context.Context, participantID int64, version string, agreed bool, now time.Time) (err error) {
	defer wrap(&err, "Tx.RecordConsent(%d)", participantID)
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, $2, $3, $4)`,
		participantID, version, agreed, now); err != nil {
		return err
	}
	if !agreed {
		return nil
	}
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE participants p SET baseline_date = ($2::timestamptz AT TIME ZONE s.timezone)::date
		FROM sites s
		WHERE p.id = $1 AND s.code = p.site AND p.baseline_date IS NULL`, participantID, now)
	return err
}

// SetParticipantLang records the language a participant chose in the chat.
func (tx *Tx) SetParticipantLang(ctx context.Context, participantID int64, lang string) (err error) {
	defer wrap(&err, "Tx.SetParticipantLang(%d)", participantID)
	_, err = tx.tx.ExecContext(ctx, `UPDATE participants SET lang = $2 WHERE id = $1`, participantID, lang)
	return err
}

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

// SaveAnswer is Tx.SaveAnswer with the prepared statement.
func (c *ChatTx) SaveAnswer(ctx context.Context, assessmentID int64, item string, value *string, updateID int64, now time.Time) (err error) {
	defer wrap(&err, "ChatTx.SaveAnswer(%d, %q)", assessmentID, item)
	_, err = c.stmt(ctx, c.stmts.answer).ExecContext(ctx, assessmentID, item, value, updateID, now)
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

// ErrAlreadyWithdrawn is returned when withdrawing a participant who has
// withdrawn already: nothing is changed.
var ErrAlreadyWithdrawn = errors.New("participant has already withdrawn")

// Withdraw ends a participant's part in the study: their status becomes
// withdrawn, every pending reminder to them or about them (a clinician's to
// rate them) is cancelled, an invitation they never used expires, and the
// chat link and conversation are deleted (telegram_links holds the only
// Telegram ids we keep), so their old chat is a stranger's from now on. With
// erase, their answers and assessments (as respondent and as subject) are
// deleted too. The participant row stays, marked erased when erasing, so the
// code is never reused and the consent record survives.
func (tx *Tx) Withdraw(ctx context.Context, participantID int64, erase bool, now time.Time) (err error) {
	defer wrap(&err, "Tx.Withdraw(%d)", participantID)
	if err := tx.stopTakingPart(ctx, participantID, erase, now); err != nil {
		return err
	}
	deletes := []string{
		`DELETE FROM conversations WHERE participant_id = $1`,
		`DELETE FROM telegram_links WHERE participant_id = $1`,
	}
	if erase {
		deletes = append(deletes, `DELETE FROM assessments WHERE subject_id = $1 OR respondent_id = $1`)
	}
	for _, q := range deletes {
		if _, err := tx.tx.ExecContext(ctx, q, participantID); err != nil {
			return err
		}
	}
	return nil
}

// stopTakingPart is what every withdrawal does at once: status withdrawn
// (and erased, when erasing), no more reminders, no unused invitation.
func (tx *Tx) stopTakingPart(ctx context.Context, participantID int64, erase bool, now time.Time) error {
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`UPDATE participants SET status = 'withdrawn',
			erased_at = CASE WHEN $2 THEN coalesce(erased_at, $3) ELSE erased_at END
		WHERE id = $1`, []any{participantID, erase, now}},
		{`UPDATE reminders SET status = 'cancelled'
		WHERE (participant_id = $1 OR subject_id = $1) AND status = 'pending'`, []any{participantID}},
		// An invitation left unused must not link a chat to someone who has
		// withdrawn: it expires now.
		{`UPDATE invites SET expires_at = $2
		WHERE participant_id = $1 AND redeemed_at IS NULL AND expires_at > $2`, []any{participantID, now}},
	} {
		if _, err := tx.tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// Withdraw is the chat's withdrawal, which comes in two steps. Confirming
// ("Yes, withdraw", never erasing) stops the participant's part at once but
// leaves the chat linked, because the keep-or-erase question that follows
// must still be answered from it. The answer (a second Withdraw, for a
// participant already withdrawn), or erasing at any point, is Tx.Withdraw,
// which deletes the link. A link left by a question never answered is
// deleted by ForgetWithdrawnChats.
func (c *ChatTx) Withdraw(ctx context.Context, participantID int64, erase bool, now time.Time) (err error) {
	defer wrap(&err, "ChatTx.Withdraw(%d)", participantID)
	var status string
	if err := c.tx.GetContext(ctx, &status, `
		SELECT status FROM participants WHERE id = $1 FOR UPDATE`, participantID); err != nil {
		return notFound(err)
	}
	if erase || status == StatusWithdrawn {
		return c.Tx.Withdraw(ctx, participantID, erase, now)
	}
	return c.stopTakingPart(ctx, participantID, false, now)
}

// WithdrawByCode is a withdrawal told to the study team rather than the
// chat: Tx.Withdraw for the participant with code, audited with actor.
// A participant who withdrew keeping their answers can have them erased
// later. ErrNotFound: no such participant; ErrAlreadyWithdrawn: they have
// withdrawn already (and, with erase, been erased). Nothing is changed in
// either case.
func (s *Store) WithdrawByCode(ctx context.Context, code string, erase bool, actor string, now time.Time) (err error) {
	defer wrap(&err, "Store.WithdrawByCode(%q)", code)
	return s.InTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.tx.GetContext(ctx, &id, `SELECT id FROM participants WHERE code = $1`, code); err != nil {
			return notFound(err)
		}
		// Rows are locked in the order the chat locks them (linking takes
		// the invitation, then the conversation, then the participant; an
		// update takes the conversation, then the participant), so that a
		// chat linking or withdrawing meanwhile is decided before or after
		// this, never half-way.
		for _, q := range []string{
			`SELECT 1 FROM invites WHERE participant_id = $1 ORDER BY code_hash FOR UPDATE`,
			`SELECT 1 FROM conversations WHERE participant_id = $1 FOR UPDATE`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		var p struct {
			Status string `db:"status"`
			Erased bool   `db:"erased"`
		}
		if err := tx.tx.GetContext(ctx, &p, `
			SELECT status, erased_at IS NOT NULL AS erased
			FROM participants WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		// Someone who withdrew keeping their answers may ask later for
		// them to be erased; anything else has been done already.
		if p.Status == StatusWithdrawn && (p.Erased || !erase) {
			return ErrAlreadyWithdrawn
		}
		if err := tx.Withdraw(ctx, id, erase, now); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "withdraw", &id, map[string]any{"erase": erase})
	})
}

// ForgetWithdrawnChats deletes the chat link and conversation of everyone
// who withdrew in the chat but left the keep-or-erase question unanswered
// (keeping is then what they chose) and whose chat has been quiet since
// cutoff; it also clears links kept by withdrawals made before every
// withdrawal deleted the link. A chat busy with an update now is left for
// the next call. It returns how many links it deleted, each audited.
func (s *Store) ForgetWithdrawnChats(ctx context.Context, cutoff time.Time) (n int, err error) {
	defer wrap(&err, "Store.ForgetWithdrawnChats")
	err = s.InTx(ctx, func(tx *Tx) error {
		var ids []int64
		// The conversation row is the chat's lock (see ChatTx.Open).
		if err := tx.tx.SelectContext(ctx, &ids, `
			SELECT c.participant_id FROM conversations c
			JOIN participants p ON p.id = c.participant_id
			JOIN telegram_links l ON l.participant_id = c.participant_id
			WHERE p.status = 'withdrawn' AND c.updated_at < $1
			ORDER BY c.participant_id
			FOR UPDATE OF c SKIP LOCKED`, cutoff); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		for _, q := range []string{
			`DELETE FROM telegram_links WHERE participant_id = ANY($1)`,
			`DELETE FROM conversations WHERE participant_id = ANY($1)`,
		} {
			if _, err := tx.tx.ExecContext(ctx, q, pq.Array(ids)); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if err := tx.Audit(ctx, "system", "unlink", &id, map[string]any{"reason": "withdrawn"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// Ratee is a consumer a clinician rates, with what the schedule needs.
type Ratee struct {
	ID           int64        `db:"id"`
	Code         string       `db:"code"`
	BaselineDate sql.NullTime `db:"baseline_date"`
	// ConsentAt is the consumer's first agreement: ratings about a consumer
	// are collected only once the consumer has consented.
	ConsentAt sql.NullTime `db:"consent_at"`
}

// RateesOf lists the clinician's consumers who take part (consented, not
// withdrawn), by code.
func (tx *Tx) RateesOf(ctx context.Context, clinicianID int64) (_ []Ratee, err error) {
	defer wrap(&err, "Tx.RateesOf(%d)", clinicianID)
	var out []Ratee
	err = tx.tx.SelectContext(ctx, &out, `
		SELECT p.id, p.code, p.baseline_date, k.consent_at
		FROM participants p
		JOIN LATERAL (
			SELECT min(decided_at) AS consent_at FROM consents
			WHERE participant_id = p.id AND agreed) k ON k.consent_at IS NOT NULL
		WHERE p.clinician_id = $1 AND p.status <> 'withdrawn' AND p.erased_at IS NULL
		ORDER BY p.code`, clinicianID)
	return out, err
}

// CompletedRatings returns, for the respondent, the completed assessments
// of other subjects as keys "subject/questionnaire/timepoint" -> true.
func (tx *Tx) CompletedRatings(ctx context.Context, respondentID int64) (_ map[AssessmentKey]bool, err error) {
	defer wrap(&err, "Tx.CompletedRatings(%d)", respondentID)
	rows, err := tx.tx.QueryContext(ctx, `
		SELECT subject_id, questionnaire, timepoint FROM assessments
		WHERE respondent_id = $1 AND subject_id <> $1 AND status = 'completed'`, respondentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[AssessmentKey]bool{}
	for rows.Next() {
		k := AssessmentKey{RespondentID: respondentID}
		if err := rows.Scan(&k.SubjectID, &k.Questionnaire, &k.Timepoint); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// Unreachable is a participant who can no longer be written to.
type Unreachable struct {
	ParticipantID int64  `db:"id"`
	Code          string `db:"code"`
	Site          string `db:"site"`
}

// MarkChatUnreachable marks the participant linked to chatID unreachable
// (they blocked the bot or deleted their account) and audits it. It returns
// ErrNotFound when the chat is linked to no one or the participant was
// already unreachable or withdrawn, so coordinators are told once.
func (s *Store) MarkChatUnreachable(ctx context.Context, chatID int64, reason string) (_ *Unreachable, err error) {
	defer wrap(&err, "Store.MarkChatUnreachable")
	var u Unreachable
	err = s.InTx(ctx, func(tx *Tx) error {
		err := tx.tx.GetContext(ctx, &u, `
			UPDATE participants p SET status = 'unreachable'
			FROM telegram_links l
			WHERE l.chat_id = $1 AND p.id = l.participant_id AND p.status IN ('invited', 'active')
			RETURNING p.id, p.code, p.site`, chatID)
		if err != nil {
			return notFound(err)
		}
		return tx.Audit(ctx, "system", "unreachable", &u.ParticipantID, map[string]any{"reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// MarkChatReachable undoes MarkChatUnreachable when the person unblocks the
// bot. It reports whether anything changed.
func (s *Store) MarkChatReachable(ctx context.Context, chatID int64) (changed bool, err error) {
	defer wrap(&err, "Store.MarkChatReachable")
	err = s.InTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.tx.GetContext(ctx, &id, `
			UPDATE participants p SET status = 'active'
			FROM telegram_links l
			WHERE l.chat_id = $1 AND p.id = l.participant_id AND p.status = 'unreachable'
			RETURNING p.id`, chatID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		changed = true
		return tx.Audit(ctx, "system", "reachable", &id, nil)
	})
	return changed, err
}
