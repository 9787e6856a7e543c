package conversation

import (
	"context"
	"errors"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// relink handles "/start CODE" from a chat linked to no one when CODE is a
// reissued invitation of a participant whose link is in another chat (a
// lost phone, a new Telegram account): the link moves here, audited, and
// the update goes on as the participant's, so the conversation continues
// where it was (a consented participant is not asked to consent again).
// It returns the chat's session after the move, nil when the update is
// not such a move. The old chat is a stranger's from now on.
func (s *Service) relink(ctx context.Context, tx *store.ChatTx, in Update, now time.Time) (*store.ChatSession, error) {
	if in.Event.Kind != flows.EventCommand || in.Event.Command != "start" || !deepLinkPayload.MatchString(in.Event.Arg) {
		return nil, nil
	}
	inv, err := tx.LockInvite(ctx, in.Event.Arg)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !movesLink(inv, in.ChatID, now) {
		return nil, nil
	}
	sess, err := tx.MoveLink(ctx, inv.ParticipantID, in.UserID, in.ChatID, now)
	if errors.Is(err, store.ErrInviteTaken) {
		// This Telegram user is someone else's: the invitation is refused
		// as one used elsewhere, and nothing moves.
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := tx.Audit(ctx, inv.Code, "link.move", &inv.ParticipantID, nil); err != nil {
		return nil, err
	}
	return sess, nil
}

// movesLink reports an invitation that, presented by chatID at now, moves
// its participant's link: valid (neither redeemed, revoked nor expired)
// for a participant linked to another chat. Withdrawing deletes the link,
// so a participant who withdrew never qualifies.
func movesLink(inv *store.InviteLookup, chatID int64, now time.Time) bool {
	return inv.LinkedChatID.Valid && inv.LinkedChatID.Int64 != chatID &&
		!inv.RedeemedAt.Valid && !inv.Revoked && !inv.Erased && now.Before(inv.ExpiresAt)
}
