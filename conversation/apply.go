package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// errNothingToStore rolls back the transaction of an update from a chat
// linked to no one that links nothing: nothing about a stranger is kept,
// not even the update id.
var errNothingToStore = errors.New("nothing to store")

// outcome is what applying an update leaves to do once it has committed:
// the replies to render and where they go.
type outcome struct {
	in              incoming
	kind            string // applied, duplicate, stale, stranger, membership
	participantID   int64  // 0: the chat is linked to no one
	lang            string
	promptMessageID int64 // as the update read it; render takes the latest
	replies         []flows.Reply
	answers         int
	// coordinatorCommand is a coordinator's /due, /remind or /status, run
	// after the commit by the coordinator handler.
	coordinatorCommand bool
}

// coordinatorCommands are the commands routed to CoordinatorCommands.
var coordinatorCommands = map[string]bool{"due": true, "remind": true, "status": true}

// Apply applies one Telegram update and renders its replies. Both intake
// modes come here (through the per-chat queue); tests may call it directly.
// Its changes are committed before any reply is sent.
func (b *Bot) Apply(ctx context.Context, u *models.Update) error {
	in, ok := readUpdate(u)
	if !ok {
		b.metrics.updatesApplied.WithLabelValues("ignored").Inc()
		return nil
	}
	out, err := b.apply(ctx, in)
	if err != nil {
		return err
	}
	b.render(ctx, out)
	return nil
}

// apply stores an update's effects in one transaction and returns what to
// render. An invite lost to another chat in a race is decided again, now
// seeing the winner.
func (b *Bot) apply(ctx context.Context, in incoming) (out *outcome, err error) {
	start := time.Now()
	defer func() {
		b.metrics.applySeconds.Observe(time.Since(start).Seconds())
		kind := "failed"
		if err == nil {
			kind = out.kind
			b.metrics.answersStored.Add(float64(out.answers))
		}
		b.metrics.updatesApplied.WithLabelValues(kind).Inc()
	}()
	if in.membership != "" {
		return b.applyMembership(ctx, in)
	}
	if b.group != nil && groupable(in) {
		if out, alone := b.group.apply(in); !alone {
			return out, nil
		}
	}
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("bot.apply(update %d): %w", in.updateID, ctx.Err())
	}
	for attempt := 0; ; attempt++ {
		out = &outcome{in: in}
		err = b.store.InChatTx(ctx, func(tx *store.ChatTx) error {
			*out = outcome{in: in}
			return b.applyInTx(ctx, tx, in, out)
		})
		switch {
		case errors.Is(err, errNothingToStore):
			out.kind = "stranger"
			return out, nil
		case errors.Is(err, store.ErrInviteTaken) && attempt < 2:
			continue
		case err != nil:
			return nil, fmt.Errorf("bot.apply(update %d): %w", in.updateID, err)
		}
		return out, nil
	}
}

// applyInTx is the update's transaction: de-duplicate, lock the chat, load
// what the engine needs, step, store the effects and the new state.
func (b *Bot) applyInTx(ctx context.Context, tx *store.ChatTx, in incoming, out *outcome) error {
	fresh, sess, err := tx.Open(ctx, in.updateID, in.chatID)
	if err != nil {
		return err
	}
	ap, err := b.step(ctx, tx, in, out, fresh, sess)
	if err != nil || ap == nil {
		return err
	}
	return ap.save(ctx)
}

// step applies an opened update: it steps the engine and stores the
// effects, all but the new state and the answers, which the returned
// applier saves (nil: nothing to save). sess is nil for a chat linked to
// no one; errNothingToStore says the update must leave no trace.
func (b *Bot) step(ctx context.Context, tx *store.ChatTx, in incoming, out *outcome, fresh bool, sess *store.ChatSession) (*applier, error) {
	if !fresh {
		out.kind = "duplicate"
		return nil, nil
	}
	now := b.now()
	var st flows.State
	out.lang = participantLang("", in.userLang)
	if sess != nil {
		out.participantID = sess.ParticipantID
		out.promptMessageID = sess.PromptMessageID.Int64
		out.lang = participantLang(sess.Lang.String, in.userLang)
		if err := json.Unmarshal(sess.State, &st); err != nil {
			// A state this version cannot read starts over at the first
			// unanswered item; the answers are all in their own table.
			b.log.Warn("unreadable conversation state", slog.String("participant", sess.Code), slog.Any("err", err))
			st = flows.State{}
		}
		if st.Lang != "" {
			out.lang = st.Lang
		}
		if late(sess, in) {
			out.kind = "stale"
			out.replies = []flows.Reply{{Kind: flows.ReplySend, Text: text(out.lang, msgLate)}}
			return nil, nil
		}
		if in.event.Kind == flows.EventCommand && coordinatorCommands[in.event.Command] &&
			questionnaires.Role(sess.Role) == questionnaires.RoleCoordinator && sess.Status != store.StatusWithdrawn {
			out.kind = "applied"
			out.coordinatorCommand = true
			return nil, nil
		}
	}
	env, assessments, err := b.loadEnv(ctx, tx, sess, st, in, now)
	if err != nil {
		return nil, err
	}
	next, replies, effects := flows.Step(env, st, in.event)
	out.replies = replies
	ap := newApplier(tx, in, now, sess, env, assessments)
	for _, e := range effects {
		if err := ap.apply(ctx, e); err != nil {
			return nil, err
		}
	}
	if sess == nil && !ap.linked {
		return nil, errNothingToStore
	}
	out.kind = "applied"
	out.answers = len(ap.answers)
	out.participantID = ap.participantID
	if ap.state, err = json.Marshal(next); err != nil {
		return nil, err
	}
	return ap, nil
}

// late reports a message that arrived after a newer one of the same chat
// had been applied: a lower update id and a date no newer. Telegram starts
// update ids afresh after a week without updates, which the date tells
// apart. Button taps carry their own staleness check (the prompt sequence).
func late(sess *store.ChatSession, in incoming) bool {
	if in.messageAt.IsZero() || !sess.LastUpdateID.Valid || !sess.LastMessageAt.Valid {
		return false
	}
	return in.updateID < sess.LastUpdateID.Int64 && !in.messageAt.After(sess.LastMessageAt.Time)
}

// applyMembership handles the person blocking the bot (unreachable, and
// coordinators are told) or unblocking it. A failure is returned like any
// update's, so that Telegram gives the update again: it is sent once, and
// nothing else would tell the coordinators.
func (b *Bot) applyMembership(ctx context.Context, in incoming) (*outcome, error) {
	out := &outcome{in: in, kind: "membership"}
	if in.membership == "kicked" {
		if err := b.sender.markUnreachable(ctx, in.chatID, "blocked the bot"); err != nil {
			return nil, fmt.Errorf("bot.applyMembership: %w", err)
		}
		return out, nil
	}
	if _, err := b.store.MarkChatReachable(ctx, in.chatID); err != nil {
		return nil, fmt.Errorf("bot.applyMembership: %w", err)
	}
	return out, nil
}
