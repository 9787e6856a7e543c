package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds invitations and linking: creating participants with
// single-use invite codes (invites), reissuing a participant's invitation,
// and redeeming a code from a chat, which links the chat to the
// participant (telegram_links) or, for a reissued one, moves their link to
// the new chat.

// roleLetters make participant codes readable: OSL-C-0042 is consumer 42 of
// site OSL, OSL-K-0003 clinician (kliniker) 3, OSL-R-0001 coordinator 1,
// OSL-A-0001 assessor 1 (invited at OSL, rating every site).
var roleLetters = map[string]string{"consumer": "C", "clinician": "K", "coordinator": "R", "assessor": "A"}

// NewParticipant describes participants to invite.
type NewParticipant struct {
	Site          string
	Role          string
	Lang          string     // "" lets the chat use the Telegram app's language
	BaselineDate  *time.Time // a baseline collected before enrolment
	ClinicianCode string     // the consumer's clinician, "" for none
	InviteExpires time.Time
	Actor         string // who invites, for the audit log; "" is "cli"
}

// Invitation is one created participant with its invite code, which is
// returned once and stored only as a hash.
type Invitation struct {
	ParticipantCode string
	InviteCode      string
}

// ErrBadClinician is returned when --clinician names no clinician of the site.
var ErrBadClinician = errors.New("no clinician with that code at this site")

// Invite creates count participants with single-use invite codes, all or
// none. newCode makes one fresh invite code.
func (s *Store) Invite(ctx context.Context, np NewParticipant, count int, newCode func() (string, error)) (_ []Invitation, err error) {
	defer wrap(&err, "Store.Invite(%q, %q, %d)", np.Site, np.Role, count)
	letter, ok := roleLetters[np.Role]
	if !ok {
		return nil, fmt.Errorf("unknown role %q", np.Role)
	}
	var out []Invitation
	err = s.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		// Locking the site row serialises numbering within the site.
		var site string
		err := tx.tx.GetContext(ctx, &site, `SELECT code FROM sites WHERE code = $1 FOR UPDATE`, np.Site)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownSite
		} else if err != nil {
			return err
		}
		var clinician sql.NullInt64
		if np.ClinicianCode != "" {
			err := tx.tx.GetContext(ctx, &clinician, `
				SELECT id FROM participants
				WHERE code = $1 AND site = $2 AND role = 'clinician'`, np.ClinicianCode, np.Site)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadClinician
			} else if err != nil {
				return err
			}
		}
		var next int
		if err := tx.tx.GetContext(ctx, &next, `
			SELECT coalesce(max(number), 0) + 1 FROM participants
			WHERE site = $1 AND role = $2`, np.Site, np.Role); err != nil {
			return err
		}
		lang := sql.NullString{String: np.Lang, Valid: np.Lang != ""}
		for i := 0; i < count; i++ {
			code := fmt.Sprintf("%s-%s-%04d", np.Site, letter, next+i)
			var id int64
			if err := tx.tx.GetContext(ctx, &id, `
				INSERT INTO participants (code, site, role, number, lang, baseline_date, clinician_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				RETURNING id`,
				code, np.Site, np.Role, next+i, lang, np.BaselineDate, clinician); err != nil {
				return err
			}
			invite, err := newCode()
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, `
				INSERT INTO invites (code_hash, participant_id, expires_at) VALUES ($1, $2, $3)`,
				hashInvite(invite), id, np.InviteExpires); err != nil {
				return err
			}
			if err := tx.Audit(ctx, cmp.Or(np.Actor, "cli"), "invite", &id, map[string]any{"code": code, "role": np.Role}); err != nil {
				return err
			}
			out = append(out, Invitation{ParticipantCode: code, InviteCode: invite})
		}
		return nil
	})
	return out, err
}

// hashInvite is how invite codes are stored: only their SHA-256, so a copy
// of the database cannot be used to enrol as someone else.
func hashInvite(code string) []byte {
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}

// ErrInviteTaken is returned when linking a chat to a participant whose
// invite was redeemed meanwhile, or a chat that is already linked to someone
// else: the caller must refuse, not retry.
var ErrInviteTaken = errors.New("invite already redeemed or chat already linked")

// InviteLookup is an invite code looked up, with its row locked.
type InviteLookup struct {
	ParticipantID int64          `db:"participant_id"`
	Code          string         `db:"code"`
	Role          string         `db:"role"`
	Lang          sql.NullString `db:"lang"`
	Status        string         `db:"status"`
	ExpiresAt     time.Time      `db:"expires_at"`
	RedeemedAt    sql.NullTime   `db:"redeemed_at"`
	// Revoked: a reissued invitation replaced this one; it links nothing.
	Revoked bool `db:"revoked"`
	Erased  bool `db:"erased"`
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
		       i.revoked_at IS NOT NULL AS revoked, p.erased_at IS NOT NULL AS erased,
		       l.chat_id AS linked_chat_id
		FROM invites i
		JOIN participants p ON p.id = i.participant_id
		LEFT JOIN telegram_links l ON l.participant_id = i.participant_id
		WHERE i.code_hash = $1
		FOR UPDATE OF i`, hashInvite(inviteCode))
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
		WHERE participant_id = $1 AND redeemed_at IS NULL AND revoked_at IS NULL`, participantID, now)
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
	if isUniqueViolation(err) {
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
	today, err := tx.siteToday(ctx, participantID, now)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE participants SET status = 'active',
			baseline_date = CASE WHEN role = 'coordinator' AND baseline_date IS NULL
				THEN $2 ELSE baseline_date END
		WHERE id = $1 AND status = 'invited'`, participantID, today)
	return err
}

// Reissue replaces the unused invitations of the participant with code, at
// now, by a new one expiring at expires, audited by actor: a lost link, or a lost
// phone whose linked participant must move to a new chat (MoveLink).
// linked tells whether a chat is linked to them now. ErrNotFound: no such
// participant; ErrAlreadyWithdrawn: they withdrew; ErrErased: they withdrew
// and their answers were erased. Nothing changes on an error.
func (s *Store) Reissue(ctx context.Context, code string, now, expires time.Time, newCode func() (string, error), actor string) (_ Invitation, linked bool, err error) {
	defer wrap(&err, "Store.Reissue(%q)", code)
	var out Invitation
	err = s.InTx(ctx, func(tx *Tx) error {
		var p struct {
			ID     int64  `db:"id"`
			Status string `db:"status"`
			Erased bool   `db:"erased"`
			Linked bool   `db:"linked"`
		}
		// Locking the participant serialises two reissues of one person.
		if err := tx.tx.GetContext(ctx, &p, `
			SELECT id, status, erased_at IS NOT NULL AS erased,
			       EXISTS (SELECT 1 FROM telegram_links WHERE participant_id = p.id) AS linked
			FROM participants p WHERE code = $1 FOR UPDATE`, code); err != nil {
			return notFound(err)
		}
		switch {
		case p.Erased:
			return ErrErased
		case p.Status == questionnaires.StatusWithdrawn:
			return ErrAlreadyWithdrawn
		}
		res, err := tx.tx.ExecContext(ctx, `
			UPDATE invites SET revoked_at = $2
			WHERE participant_id = $1 AND redeemed_at IS NULL AND revoked_at IS NULL`, p.ID, now)
		if err != nil {
			return err
		}
		revoked, err := res.RowsAffected()
		if err != nil {
			return err
		}
		invite, err := newCode()
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `
			INSERT INTO invites (code_hash, participant_id, expires_at) VALUES ($1, $2, $3)`,
			hashInvite(invite), p.ID, expires); err != nil {
			return err
		}
		linked = p.Linked
		out = Invitation{ParticipantCode: code, InviteCode: invite}
		return tx.Audit(ctx, actor, "invite.reissue", &p.ID, map[string]any{"code": code, "revoked": revoked, "linked": p.Linked})
	})
	return out, linked, err
}

// MoveLink redeems the participant's reissued invitation from chatID and
// moves their link there: the old chat is a stranger's from now on, and
// the conversation goes on where it was. It returns the new chat's
// session, locked as Open locks it. The invite row must have been locked
// by LockInvite in this transaction. ErrInviteTaken: the invitation was
// redeemed meanwhile, the participant has no link any more, or the
// Telegram user is linked to someone else; the transaction stays usable.
func (c *ChatTx) MoveLink(ctx context.Context, participantID, userID, chatID int64, now time.Time) (_ *ChatSession, err error) {
	defer wrap(&err, "ChatTx.MoveLink(%d)", participantID)
	if _, err := c.tx.ExecContext(ctx, `SAVEPOINT move_link`); err != nil {
		return nil, err
	}
	refuse := func() (*ChatSession, error) {
		if _, err := c.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT move_link`); err != nil {
			return nil, err
		}
		return nil, ErrInviteTaken
	}
	// The conversation row is the chat's lock (see Open): it is taken
	// first, as every update takes it, and written so that an update of
	// the old chat waiting for it reads the session again and finds none.
	if _, err := c.tx.ExecContext(ctx, `
		UPDATE conversations SET updated_at = $2 WHERE participant_id = $1`, participantID, now); err != nil {
		return nil, err
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`UPDATE invites SET redeemed_at = $2
		WHERE participant_id = $1 AND redeemed_at IS NULL AND revoked_at IS NULL`, []any{participantID, now}},
		// The old chat's question cannot be edited in the new chat.
		{`UPDATE telegram_links SET user_id = $2, chat_id = $3, linked_at = $4, prompt_message_id = NULL
		WHERE participant_id = $1`, []any{participantID, userID, chatID, now}},
	} {
		res, err := c.tx.ExecContext(ctx, st.q, st.args...)
		if isUniqueViolation(err) {
			return refuse()
		} else if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			return refuse()
		}
	}
	// A chat that Telegram refused is behind them: the new one is reachable.
	if _, err := c.tx.ExecContext(ctx, `
		UPDATE participants SET status = 'active' WHERE id = $1 AND status = 'unreachable'`, participantID); err != nil {
		return nil, err
	}
	var r openRow
	if err := c.stmt(ctx, c.stmts.reload).GetContext(ctx, &r, chatID); err != nil {
		return nil, err
	}
	return c.session(ctx, &r, chatID)
}
