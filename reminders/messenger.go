package reminders

import (
	"context"
	"errors"

	"github.com/imrbot/imrbot/flows"
)

// Messenger delivers one message to a chat within Telegram's limits,
// rendering its action as a button in the message's language. The bot's
// Sender is one: it waits out 429s itself (their retry_after), so an
// error here is either a refusal (ErrUnreachable, or whatever
// Dispatcher.Unreachable recognises) or a failure worth retrying later.
type Messenger interface {
	SendMessage(ctx context.Context, chatID int64, m flows.Message) (messageID int64, err error)
}

// ErrUnreachable is how a Messenger says Telegram refused the chat (403:
// the person blocked the bot or deleted their account).
var ErrUnreachable = errors.New("recipient unreachable")
