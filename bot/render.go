package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/imrbot/imrbot/flows"
)

// maxQueuedReplies bounds the replies waiting to be sent to one chat.
// Replies go out at Telegram's pace, about one message a second per chat,
// and a person reading them never gets far ahead: one who answers as fast
// as they can has a reply or two waiting. Only a flood fills the queue (one
// stranger sent 3,000 messages in 7 s: 50 MB, and replies for 50 minutes).
// At 32, about half a minute of replies, anything further answers messages
// sent so long before that its point is lost; it is dropped, the update
// itself stays applied, and the person's next message asks again.
const maxQueuedReplies = 32

// reply queues the rendering of an applied update behind its chat's
// earlier replies. The chat's next update need not wait for it: it is
// applied as soon as this one has committed, and its replies follow these.
// The queue holds what rendering needs (an outcome keeps nothing of what
// the person wrote); the same reply as the one queued just before is not
// queued again.
func (b *Bot) reply(out *outcome) {
	b.inflight.Add(1)
	queued := b.replies.Offer(out.chatID, out.sameAs(), func() {
		defer b.inflight.Done()
		b.render(b.work, out)
	})
	if !queued {
		b.inflight.Done()
		b.metrics.repliesDropped.Inc()
		b.log.Debug("reply not queued", slog.Int64("update", out.updateID))
	}
}

// sameAs is a key that equals another outcome's when both render the
// same messages, or "" when rendering does more than send them: a button
// tap must be answered, a coordinator's command runs.
func (out *outcome) sameAs() string {
	if out.callbackID != "" || out.Command != nil {
		return ""
	}
	var k strings.Builder
	fmt.Fprintf(&k, "%d", out.ParticipantID)
	for _, r := range out.Replies {
		fmt.Fprintf(&k, "\x00%s\x00%t\x00%s", r.Kind, r.Prompt, r.Text)
		for _, row := range r.Buttons {
			for _, btn := range row {
				fmt.Fprintf(&k, "\x00%s\x00%s\x00%s", btn.Text, btn.Data, btn.URL)
			}
		}
	}
	return k.String()
}

// render shows an applied update's replies: the button tap is answered
// (with the engine's notice, if any) and the answered question edited
// while the new messages are sent in order; render returns when all are
// done, so the chat's next update renders after them. Sending happens after
// the commit, so a failure here loses a message but never an answer; the
// participant's next message asks again.
func (b *Bot) render(ctx context.Context, out *outcome) {
	var side sync.WaitGroup
	defer side.Wait()
	if out.callbackID != "" {
		notice := ""
		for _, r := range out.Replies {
			if r.Kind == flows.ReplyNotice {
				notice = r.Text
			}
		}
		side.Go(func() {
			if err := b.sender.AnswerCallback(ctx, out.callbackID, notice); err != nil {
				b.log.Debug("answering a button tap failed", slog.Any("err", err))
			}
		})
	}
	replies := out.Replies
	if out.Command != nil {
		replies = b.conv.RunCommand(ctx, &out.Outcome)
	}
	// The question to edit is the latest asked, which the chat's previous
	// reply, rendered just before this one, may have sent after this
	// update was applied.
	prompt := out.PromptMessageID
	if out.ParticipantID != 0 {
		prompt = b.prompts.Latest(out.ParticipantID, out.chatID, prompt)
	}
	for _, r := range replies {
		var err error
		switch r.Kind {
		case flows.ReplyEditPrompt:
			if prompt != 0 {
				side.Go(func() {
					if err := b.sender.Edit(ctx, out.chatID, prompt, r.Text); err != nil && !errors.Is(err, ErrUnreachable) {
						b.log.Warn("editing the answered question failed", slog.Int64("update", out.updateID), slog.Any("err", err))
					}
				})
			}
		case flows.ReplyNotice:
			if out.callbackID == "" {
				_, err = b.sender.Send(ctx, out.chatID, r.Text, nil)
			}
		case flows.ReplySend:
			var id int64
			id, err = b.sender.Send(ctx, out.chatID, r.Text, r.Buttons)
			if err == nil && r.Prompt && out.ParticipantID != 0 {
				b.prompts.Record(ctx, out.ParticipantID, out.chatID, id)
			}
		}
		if errors.Is(err, ErrUnreachable) {
			return
		} else if err != nil {
			b.log.Warn("sending a reply failed", slog.Int64("update", out.updateID), slog.Any("err", err))
		}
	}
}
