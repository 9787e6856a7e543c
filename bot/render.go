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
// The queue holds what rendering needs and nothing of what the person
// wrote; the same reply as the one queued just before is not queued again.
func (b *Bot) reply(out *outcome) {
	out = out.forReply()
	b.inflight.Add(1)
	queued := b.replies.Offer(out.in.chatID, out.sameAs(), func() {
		defer b.inflight.Done()
		b.render(b.work, out)
	})
	if !queued {
		b.inflight.Done()
		b.metrics.repliesDropped.Inc()
		b.log.Debug("reply not queued", slog.Int64("update", out.in.updateID))
	}
}

// forReply is the outcome without the update's event (what the person
// wrote), which rendering needs only to run a coordinator's command.
func (out *outcome) forReply() *outcome {
	r := *out
	r.in.event = flows.Event{Kind: out.in.event.Kind}
	if out.coordinatorCommand {
		r.in.event.Command, r.in.event.Arg = out.in.event.Command, out.in.event.Arg
	}
	return &r
}

// sameAs is a key that equals another outcome's when both render the
// same messages, or "" when rendering does more than send them: a button
// tap must be answered, a coordinator's command runs.
func (out *outcome) sameAs() string {
	if out.in.callbackID != "" || out.coordinatorCommand {
		return ""
	}
	var k strings.Builder
	fmt.Fprintf(&k, "%d", out.participantID)
	for _, r := range out.replies {
		fmt.Fprintf(&k, "\x00%s\x00%t\x00%s", r.Kind, r.Prompt, r.Text)
		for _, row := range r.Buttons {
			for _, btn := range row {
				fmt.Fprintf(&k, "\x00%s\x00%s", btn.Text, btn.Data)
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
	in := out.in
	var side sync.WaitGroup
	defer side.Wait()
	if in.callbackID != "" {
		notice := ""
		for _, r := range out.replies {
			if r.Kind == flows.ReplyNotice {
				notice = r.Text
			}
		}
		side.Go(func() {
			if err := b.sender.AnswerCallback(ctx, in.callbackID, notice); err != nil {
				b.log.Debug("answering a button tap failed", slog.Any("err", err))
			}
		})
	}
	if out.coordinatorCommand {
		out.replies = b.coordinatorReply(ctx, out)
	}
	// The question to edit is the latest asked, which the chat's previous
	// reply, rendered just before this one, may have sent after this
	// update was applied.
	prompt := out.promptMessageID
	if out.participantID != 0 {
		prompt = b.prompts.Latest(out.participantID, prompt)
	}
	for _, r := range out.replies {
		var err error
		switch r.Kind {
		case flows.ReplyEditPrompt:
			if prompt != 0 {
				side.Go(func() {
					if err := b.sender.Edit(ctx, in.chatID, prompt, r.Text); err != nil && !errors.Is(err, ErrUnreachable) {
						b.log.Warn("editing the answered question failed", slog.Int64("update", in.updateID), slog.Any("err", err))
					}
				})
			}
		case flows.ReplyNotice:
			if in.callbackID == "" {
				_, err = b.sender.Send(ctx, in.chatID, r.Text, nil)
			}
		case flows.ReplySend:
			var id int64
			id, err = b.sender.Send(ctx, in.chatID, r.Text, r.Buttons)
			if err == nil && r.Prompt && out.participantID != 0 {
				b.prompts.Record(ctx, out.participantID, id)
			}
		}
		if errors.Is(err, ErrUnreachable) {
			return
		} else if err != nil {
			b.log.Warn("sending a reply failed", slog.Int64("update", in.updateID), slog.Any("err", err))
		}
	}
}

// coordinatorReply runs a coordinator's command through the handler.
func (b *Bot) coordinatorReply(ctx context.Context, out *outcome) []flows.Reply {
	ev := out.in.event
	reply := text(out.lang, msgCoordinatorUnavailable)
	if b.coordinator != nil {
		r, err := b.coordinator.Handle(ctx, out.participantID, out.lang, ev.Command, ev.Arg)
		if err != nil {
			b.log.Error("coordinator command failed", slog.String("command", ev.Command), slog.Any("err", err))
		} else {
			reply = r
		}
	}
	return []flows.Reply{{Kind: flows.ReplySend, Text: reply}}
}
