package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds the end of a participant's part and whether they can be
// written to: withdrawal (from the chat or told to the study team),
// forgetting the chats of people who withdrew, and reachability.

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
// code is never reused and the consent record survives. A coordinator's
// erasure keeps the ratings others made of their site: a site's ratings
// are stored with the site's first coordinator as subject, yet they are
// about the site, not the person.
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
		// A coordinator is the subject of nothing but their site's ratings.
		deletes = append(deletes, `DELETE FROM assessments a WHERE a.respondent_id = $1
			OR (a.subject_id = $1 AND NOT EXISTS (
				SELECT 1 FROM participants p WHERE p.id = $1 AND p.role = 'coordinator'))`)
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
	if erase || status == questionnaires.StatusWithdrawn {
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
		if p.Status == questionnaires.StatusWithdrawn && (p.Erased || !erase) {
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
