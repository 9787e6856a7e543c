package bot

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
)

// incoming is a Telegram update read into the conversation's Update, with
// what only Telegram has: the button tap's query to answer, and whether
// the person blocked or unblocked the bot.
type incoming struct {
	conversation.Update
	callbackID string // a button tap's query, to be answered
	// membership is "kicked" or "member" for a my_chat_member update, which
	// says the person blocked or unblocked the bot; it carries no event.
	membership string
}

// readUpdate translates a Telegram update. ok is false for updates the bot
// does not take part in: other chat types (groups, channels), inline
// queries and the like. They are ignored and nothing is stored.
func readUpdate(u *models.Update) (in incoming, ok bool) {
	in.ID = u.ID
	switch {
	case u.Message != nil:
		m := u.Message
		if !privateChat(m.Chat) || m.From == nil {
			return in, false
		}
		in.ChatID, in.UserID, in.UserLang = m.Chat.ID, m.From.ID, m.From.LanguageCode
		in.MessageAt = time.Unix(int64(m.Date), 0)
		in.Event = messageEvent(m)
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if !privateChat(m.Chat) || m.From == nil {
			return in, false
		}
		in.ChatID, in.UserID, in.UserLang = m.Chat.ID, m.From.ID, m.From.LanguageCode
		// An edit keeps its original message's date, so it never makes the
		// newer messages around it look late.
		in.Event = flows.Event{Kind: flows.EventEdited, Text: m.Text}
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		in.UserID, in.UserLang, in.callbackID = q.From.ID, q.From.LanguageCode, q.ID
		in.ChatID = q.From.ID // in a private chat the chat id is the user id
		if m := q.Message.Message; m != nil {
			if !privateChat(m.Chat) {
				return in, false
			}
			in.ChatID = m.Chat.ID
		}
		in.Event = flows.Event{Kind: flows.EventButton, Data: q.Data}
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if !privateChat(cm.Chat) {
			return in, false
		}
		in.ChatID, in.UserID = cm.Chat.ID, cm.From.ID
		switch cm.NewChatMember.Type {
		case models.ChatMemberTypeBanned:
			in.membership = "kicked"
		case models.ChatMemberTypeMember:
			in.membership = "member"
		default:
			return in, false
		}
	default:
		return in, false
	}
	in.Event.UpdateID = u.ID
	return in, true
}

func privateChat(c models.Chat) bool { return c.Type == models.ChatTypePrivate }

// messageEvent reads a new message: a command, text, or something the
// questionnaires cannot take (a sticker, a photo, a voice message...).
func messageEvent(m *models.Message) flows.Event {
	text := m.Text
	if text == "" {
		return flows.Event{Kind: flows.EventUnsupported}
	}
	if cmd, arg, ok := parseCommand(text); ok {
		return flows.Event{Kind: flows.EventCommand, Command: cmd, Arg: arg}
	}
	return flows.Event{Kind: flows.EventText, Text: text}
}

// parseCommand reads "/name@botname argument" as ("name", "argument").
// Text that starts with a slash but has no command name is not a command.
func parseCommand(text string) (cmd, arg string, ok bool) {
	rest, found := strings.CutPrefix(text, "/")
	if !found {
		return "", "", false
	}
	name, arg, _ := strings.Cut(rest, " ")
	name, _, _ = strings.Cut(name, "@")
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" || strings.ContainsAny(name, "\n\t/") {
		return "", "", false
	}
	return name, strings.TrimSpace(arg), true
}
