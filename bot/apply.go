package bot

import (
	"context"
	"fmt"

	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/conversation"
)

// outcome is an applied update's answer, waiting to be rendered: where it
// goes, the button tap to answer, and the conversation's outcome. It keeps
// nothing of what the person wrote.
type outcome struct {
	chatID     int64
	updateID   int64  // for the log
	callbackID string // a button tap's query, to be answered
	conversation.Outcome
}

func newOutcome(in incoming, o conversation.Outcome) *outcome {
	return &outcome{chatID: in.ChatID, updateID: in.ID, callbackID: in.callbackID, Outcome: o}
}

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

// apply hands an update to the conversation, or records a block or
// unblock, and counts what became of it.
func (b *Bot) apply(ctx context.Context, in incoming) (out *outcome, err error) {
	defer func() {
		kind := "failed"
		if err == nil {
			kind = out.Kind
		}
		b.metrics.updatesApplied.WithLabelValues(kind).Inc()
	}()
	if in.membership != "" {
		return b.applyMembership(ctx, in)
	}
	o, err := b.conv.Apply(ctx, in.Update)
	if err != nil {
		return nil, fmt.Errorf("bot.apply: %w", err)
	}
	return newOutcome(in, *o), nil
}

// applyMembership handles the person blocking the bot (unreachable, and
// coordinators are told) or unblocking it. A failure is returned like any
// update's, so that Telegram gives the update again: it is sent once, and
// nothing else would tell the coordinators.
func (b *Bot) applyMembership(ctx context.Context, in incoming) (*outcome, error) {
	out := newOutcome(in, conversation.Outcome{Kind: "membership"})
	if in.membership == "kicked" {
		if err := b.sender.markUnreachable(ctx, in.ChatID, "blocked the bot"); err != nil {
			return nil, fmt.Errorf("bot.applyMembership: %w", err)
		}
		return out, nil
	}
	if _, err := b.store.MarkChatReachable(ctx, in.ChatID); err != nil {
		return nil, fmt.Errorf("bot.applyMembership: %w", err)
	}
	return out, nil
}
