package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// This file holds the statements of a transaction that applies the
// answers of several chats together (the bot's group): one statement opens
// all of them and one saves all of them, so a shared transaction costs
// four round trips however many answers it carries.

// ErrChatBusy is returned by OpenShared when another transaction holds one
// of the chats' locks. The transaction can no longer be used.
var ErrChatBusy = errors.New("chat locked by another transaction")

// ChatUpdate names an update to open: its id and its chat.
type ChatUpdate struct {
	UpdateID int64
	ChatID   int64
}

// ChatOpened is what OpenShared found for one update, as Open returns it.
type ChatOpened struct {
	Fresh   bool
	Session *ChatSession
}

var openSharedSQL = `
	WITH req AS (
		SELECT * FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS r (chat_id, update_id, n)),
	recorded AS (
		INSERT INTO processed_updates (update_id)
		SELECT r.update_id FROM req r
		WHERE EXISTS (SELECT 1 FROM telegram_links WHERE chat_id = r.chat_id)
		ON CONFLICT (update_id) DO NOTHING RETURNING update_id)
	SELECT r.update_id IN (SELECT update_id FROM recorded) AS fresh, s.*
	FROM req r
	LEFT JOIN LATERAL (` + selectSession("r.chat_id") + ` NOWAIT) s ON true
	ORDER BY r.n`

// OpenShared is Open for the updates of several chats (one update per
// chat) in one statement, for a transaction that applies them together.
// It never waits for a chat's lock, which could deadlock with another
// process holding the chats in another order: when a lock is taken it
// fails with ErrChatBusy, and the caller applies the updates one by one.
// For a chat linked to no one it records nothing and returns no session:
// such an update (a stranger's, an invite's) is applied on its own, in a
// transaction it can roll back.
func (c *ChatTx) OpenShared(ctx context.Context, updates []ChatUpdate) (_ []ChatOpened, err error) {
	defer wrap(&err, "ChatTx.OpenShared(%d updates)", len(updates))
	chats := make([]int64, len(updates))
	ids := make([]int64, len(updates))
	for i, u := range updates {
		chats[i], ids[i] = u.ChatID, u.UpdateID
	}
	var rows []openRow
	err = c.stmt(ctx, c.stmts.openShared).SelectContext(ctx, &rows, pq.Array(chats), pq.Array(ids))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "55P03" { // lock_not_available
		return nil, ErrChatBusy
	} else if err != nil {
		return nil, err
	}
	if len(rows) != len(updates) {
		return nil, errors.New("a row per update expected")
	}
	out := make([]ChatOpened, len(rows))
	for i := range rows {
		sess, err := c.session(ctx, &rows[i], chats[i])
		if err != nil {
			return nil, err
		}
		out[i] = ChatOpened{Fresh: rows[i].Fresh, Session: sess}
	}
	return out, nil
}

// ConversationSave is the state an update leaves a conversation in, with
// the answers it gave.
type ConversationSave struct {
	ParticipantID int64
	State         []byte
	UpdateID      int64
	// MessageAt is the update's message's date, zero for a button tap
	// (which has none), kept to recognise a message that arrives late.
	MessageAt time.Time
	// At is when the update was applied, the answers' time.
	At      time.Time
	Answers []NewAnswer
}

const saveConversationsSQL = `
	WITH saved AS (
		INSERT INTO answers (assessment_id, item, value, update_id, answered_at)
		SELECT assessment, item, value, update_id, answered_at
		FROM unnest($5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::timestamptz[])
		     AS a (assessment, item, value, update_id, answered_at))
	UPDATE conversations c SET
		state = v.state::jsonb,
		last_update_id = CASE WHEN v.message_at IS NULL THEN c.last_update_id ELSE v.update_id END,
		last_message_at = coalesce(v.message_at, c.last_message_at),
		updated_at = now()
	FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::timestamptz[]) AS v (participant_id, state, update_id, message_at)
	WHERE c.participant_id = v.participant_id`

// SaveConversations stores what updates (one, or several of different
// chats) did, in one statement: each conversation's new state and the
// answers each update gave, recording the update that carried them.
func (c *ChatTx) SaveConversations(ctx context.Context, saves []ConversationSave) (err error) {
	defer wrap(&err, "ChatTx.SaveConversations(%d)", len(saves))
	if len(saves) == 0 {
		return nil
	}
	participants := make([]int64, len(saves))
	states := make([]string, len(saves))
	updates := make([]int64, len(saves))
	messageAt := make([]sql.NullString, len(saves))
	var assessments, answerUpdates []int64
	var items, answeredAt []string
	var values []sql.NullString
	for i, s := range saves {
		// State goes as text: with lib/pq's binary_parameters a []byte
		// would be sent as binary jsonb, which it is not.
		participants[i], states[i], updates[i] = s.ParticipantID, string(s.State), s.UpdateID
		if !s.MessageAt.IsZero() {
			messageAt[i] = sql.NullString{String: s.MessageAt.Format(time.RFC3339Nano), Valid: true}
		}
		for _, a := range s.Answers {
			assessments = append(assessments, a.AssessmentID)
			items = append(items, a.Item)
			answerUpdates = append(answerUpdates, s.UpdateID)
			answeredAt = append(answeredAt, s.At.Format(time.RFC3339Nano))
			v := sql.NullString{}
			if a.Value != nil {
				v = sql.NullString{String: *a.Value, Valid: true}
			}
			values = append(values, v)
		}
	}
	_, err = c.stmt(ctx, c.stmts.save).ExecContext(ctx,
		pq.Array(participants), pq.Array(states), pq.Array(updates), pq.Array(messageAt),
		pq.Array(assessments), pq.Array(items), pq.Array(values), pq.Array(answerUpdates), pq.Array(answeredAt))
	return err
}
