package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file holds the conversations: the transaction that applies one
// Telegram update (ChatTx), with de-duplication of updates
// (processed_updates), the per-chat row lock, the session a linked chat
// loads, and the message id of the question a chat is asked. Every method
// runs inside the transaction that applies one update, so an answer and
// the state change it causes commit together.

// chatStatements are the statements run for every update, prepared once
// per pool. lib/pq runs an unprepared statement with parameters in two
// round trips (parse, then bind and execute) and a prepared one in one;
// round trips are most of what an answer costs.
type chatStatements struct {
	open, openShared, reload, assessments, save, prompt *sqlx.Stmt
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
		{&cs.save, saveConversationsSQL}, {&cs.prompt, recordPromptsSQL},
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
	// of their site), with their current answers (completed ones' too:
	// /back reaches the previous questionnaire of a timepoint). Ratings of
	// others are read with Assessments.
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
		                   'answers', CASE WHEN a.status IN ('open', 'in_progress', 'completed') THEN (
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
