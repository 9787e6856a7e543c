package telegramfake

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/go-telegram/bot/models"
)

// User is a simulated Telegram user in a private chat with the bot. Its
// methods act as the user's app would and are safe for concurrent use.
type User struct {
	ID           int64 // also the private chat's id
	FirstName    string
	LanguageCode string

	s *Server
}

// NewUser creates a user who has not written to the bot yet: until the user
// sends something, the bot gets 403 "bot can't initiate conversation".
func (s *Server) NewUser(firstName, languageCode string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUserID++
	id := s.nextUserID
	s.chats[id] = &chat{
		user:     models.User{ID: id, FirstName: firstName, LanguageCode: languageCode},
		instance: strconv.FormatInt(-id*7919, 10),
		byID:     make(map[int]*message),
	}
	return &User{ID: id, FirstName: firstName, LanguageCode: languageCode, s: s}
}

// ChatID is the id of the user's private chat with the bot.
func (u *User) ChatID() int64 { return u.ID }

func (u *User) chat() *chat { return u.s.chats[u.ID] }

// Send sends a text message to the bot and returns its update id. Commands
// ("/help") get bot_command entities as in Telegram. The text is not
// limited, so that tests can send what a real app would split.
func (u *User) Send(text string) int64 {
	return u.sendMessage(&message{text: text, entities: commandEntities(text)}, func(am *models.Message) {})
}

// Start sends "/start PAYLOAD", what a deep link t.me/bot?start=PAYLOAD
// sends; an empty payload sends a bare "/start".
func (u *User) Start(payload string) int64 {
	if payload == "" {
		return u.Send("/start")
	}
	return u.Send("/start " + payload)
}

// SendSticker sends a sticker, a message without text.
func (u *User) SendSticker() int64 {
	return u.sendMessage(&message{media: "sticker"}, func(am *models.Message) {
		am.Sticker = &models.Sticker{
			FileID: "CAACAgIAAxkBAAEfake" + strconv.FormatInt(u.ID, 36), FileUniqueID: "AgADfake",
			Type: "regular", Width: 512, Height: 512, Emoji: "🙂",
		}
	})
}

// SendPhoto sends a photo without a caption.
func (u *User) SendPhoto() int64 {
	return u.sendMessage(&message{media: "photo"}, func(am *models.Message) {
		for i, side := range []int{90, 320, 800} {
			am.Photo = append(am.Photo, models.PhotoSize{
				FileID: fmt.Sprintf("AgACAgIAAxkBAAEfake%d", i), FileUniqueID: fmt.Sprintf("AQADfake%d", i),
				Width: side, Height: side * 3 / 4, FileSize: side * side / 10,
			})
		}
	})
}

func (u *User) sendMessage(m *message, decorate func(*models.Message)) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	c.started = true
	m.date = s.now()
	c.add(m, s.cfg.messageHistory)
	m.refresh()
	am := m.apiMessage(s.bot, c)
	decorate(am)
	return s.enqueue(&models.Update{Message: am}, "message")
}

// Forward forwards a text message to the bot from an origin of type
// originType ("user", "hidden_user", "chat", "channel", or one Telegram may
// add later, which a client written before it cannot decode), and returns
// the update id.
func (u *User) Forward(originType, text string) (int64, error) {
	s := u.s
	s.mu.Lock()
	c := u.chat()
	c.started = true
	m := &message{text: text, date: s.now()}
	c.add(m, s.cfg.messageHistory)
	m.refresh()
	am, err := json.Marshal(m.apiMessage(s.bot, c))
	s.mu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("telegramfake.Forward: %w", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(am, &fields); err != nil {
		return 0, fmt.Errorf("telegramfake.Forward: %w", err)
	}
	fields["forward_origin"] = map[string]any{
		"type": originType, "date": m.date.Unix() - 3600,
		"sender_user_name": "Someone Else", // what hidden_user carries; others ignore it
	}
	payload, err := json.Marshal(fields)
	if err != nil {
		return 0, fmt.Errorf("telegramfake.Forward: %w", err)
	}
	return s.InjectUpdate("message", payload)
}

// Edit changes the text of one of the user's own messages, which sends the
// bot an edited_message update.
func (u *User) Edit(messageID int, text string) (int64, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	m, ok := c.byID[messageID]
	if !ok || m.fromBot || m.deleted || m.media != "" {
		return 0, fmt.Errorf("telegramfake.Edit: message %d is not a text message of user %d", messageID, u.ID)
	}
	m.text, m.entities = text, commandEntities(text)
	m.edits++
	m.editDate = s.now()
	m.refresh()
	return s.enqueue(&models.Update{EditedMessage: m.apiMessage(s.bot, c)}, "edited_message"), nil
}

// Tap presses a button with this callback data on a message the bot sent to
// this user. It does not check that the message still shows such a button:
// a stale tap, a double tap or a tap the app resent is exactly what a bot
// must survive. It returns the callback query's update id.
func (u *User) Tap(messageID int, callbackData string) (int64, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	m, ok := c.byID[messageID]
	if !ok || !m.fromBot || m.deleted {
		return 0, fmt.Errorf("telegramfake.Tap: no message %d from the bot in chat %d", messageID, u.ID)
	}
	return s.tap(c, m, callbackData), nil
}

// Press taps the first button, on the bot's message messageID, whose text
// begins with prefix, as a person reading the keyboard would.
func (u *User) Press(messageID int, prefix string) (int64, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	m, ok := c.byID[messageID]
	if !ok || !m.fromBot || m.deleted {
		return 0, fmt.Errorf("telegramfake.Press: no message %d from the bot in chat %d", messageID, u.ID)
	}
	b, ok := m.view.Button(prefix)
	if !ok {
		return 0, fmt.Errorf("telegramfake.Press: message %d has no button beginning %q (buttons: %q)", messageID, prefix, m.view.ButtonTexts())
	}
	if b.CallbackData == "" {
		return 0, fmt.Errorf("telegramfake.Press: button %q of message %d has no callback data", b.Text, messageID)
	}
	return s.tap(c, m, b.CallbackData), nil
}

// tap queues a callback query. Caller holds s.mu.
func (s *Server) tap(c *chat, m *message, data string) int64 {
	s.nextQueryID++
	id := strconv.FormatUint(s.nextQueryID, 10)
	cb := &callback{created: s.now(), chat: c}
	cb.answer = CallbackAnswer{QueryID: id, MessageID: m.id, Data: data}
	upd := &models.Update{CallbackQuery: &models.CallbackQuery{
		ID:           id,
		From:         c.user,
		Message:      models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: m.apiMessage(s.bot, c)},
		ChatInstance: c.instance,
		Data:         data,
	}}
	cb.answer.UpdateID = s.enqueue(upd, "callback_query")
	s.callbacks[id] = cb
	c.taps = append(c.taps, cb)
	if limit := s.cfg.messageHistory; limit > 0 && len(c.taps) > limit {
		c.taps[0] = nil
		c.taps = c.taps[1:]
	}
	return cb.answer.UpdateID
}

// Block blocks the bot: its sends now fail with 403, and it receives a
// my_chat_member update saying it was kicked. It returns that update's id.
func (u *User) Block() int64 { return u.setBlocked(true) }

// Unblock lifts Block, with a my_chat_member update saying the bot is a
// member again.
func (u *User) Unblock() int64 { return u.setBlocked(false) }

func (u *User) setBlocked(blocked bool) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	c.blocked = blocked
	bot := s.bot
	member := models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &bot}}
	kicked := models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &bot}}
	upd := &models.ChatMemberUpdated{Chat: c.apiChat(), From: c.user, Date: int(s.now().Unix())}
	if blocked {
		upd.OldChatMember, upd.NewChatMember = member, kicked
	} else {
		upd.OldChatMember, upd.NewChatMember = kicked, member
	}
	c.touch()
	return s.enqueue(&models.Update{MyChatMember: upd}, "my_chat_member")
}

// Messages returns what the bot sent to this chat, oldest first, with edits
// applied; deleted messages are included and marked.
func (u *User) Messages() []Message {
	views := u.snapshot()
	for i := range views {
		views[i] = views[i].clone()
	}
	return views
}

// Last returns the latest message the bot sent, or a zero Message (ID 0).
func (u *User) Last() Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	for i := len(c.order) - 1; i >= 0; i-- {
		if c.order[i].fromBot {
			return c.order[i].view.clone()
		}
	}
	return Message{}
}

// snapshot copies the views of the bot's messages. The views' slices are
// shared with the server and must not be changed.
func (u *User) snapshot() []Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.snapshotLocked()
}

func (u *User) snapshotLocked() []Message {
	c := u.chat()
	views := make([]Message, 0, len(c.order))
	for _, m := range c.order {
		if m.fromBot {
			views = append(views, m.view)
		}
	}
	return views
}

// WaitFor waits until a message the bot sent to this chat satisfies match,
// and returns the latest such message. Messages that already match count;
// edits wake the wait too. It returns an error when ctx ends first.
func (u *User) WaitFor(ctx context.Context, match func(Message) bool) (Message, error) {
	for {
		views, changed := u.watch()
		for i := len(views) - 1; i >= 0; i-- {
			if match(views[i]) {
				return views[i].clone(), nil
			}
		}
		if err := u.s.await(ctx, changed); err != nil {
			return Message{}, fmt.Errorf("telegramfake.WaitFor: chat %d: %w", u.ID, err)
		}
	}
}

// WaitCount waits until the bot has sent at least n messages to this chat
// and returns them all.
func (u *User) WaitCount(ctx context.Context, n int) ([]Message, error) {
	for {
		views, changed := u.watch()
		if len(views) >= n {
			for i := range views {
				views[i] = views[i].clone()
			}
			return views, nil
		}
		if err := u.s.await(ctx, changed); err != nil {
			return nil, fmt.Errorf("telegramfake.WaitCount: chat %d has %d of %d messages: %w", u.ID, len(views), n, err)
		}
	}
}

// watch snapshots the chat and returns the signal of its next change.
func (u *User) watch() ([]Message, <-chan struct{}) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.snapshotLocked(), u.chat().changed.wait()
}

func (s *Server) await(ctx context.Context, changed <-chan struct{}) error {
	select {
	case <-changed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
}

// Version counts the changes to the chat the user has seen so far: messages
// sent, edited or deleted, callbacks answered. Pair it with WaitChange to
// follow a conversation as an app would, as the terminal demo does.
func (u *User) Version() uint64 {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return u.chat().version
}

// WaitChange waits until the chat's Version is past since, and returns the
// bot's messages then and the new version.
func (u *User) WaitChange(ctx context.Context, since uint64) ([]Message, uint64, error) {
	for {
		s := u.s
		s.mu.Lock()
		c := u.chat()
		if c.version > since {
			views, v := u.snapshotLocked(), c.version
			s.mu.Unlock()
			for i := range views {
				views[i] = views[i].clone()
			}
			return views, v, nil
		}
		changed := c.changed.wait()
		s.mu.Unlock()
		if err := s.await(ctx, changed); err != nil {
			return nil, since, fmt.Errorf("telegramfake.WaitChange: chat %d: %w", u.ID, err)
		}
	}
}

// CallbackAnswers lists the user's taps, oldest first, each with the bot's
// answer if it gave one.
func (u *User) CallbackAnswers() []CallbackAnswer {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.chat()
	out := make([]CallbackAnswer, 0, len(c.taps))
	for _, cb := range c.taps {
		out = append(out, cb.answer)
	}
	return out
}

// WaitAnswer waits until the bot answers the callback query of the tap
// with this update id, and returns the answer.
func (u *User) WaitAnswer(ctx context.Context, updateID int64) (CallbackAnswer, error) {
	for {
		s := u.s
		s.mu.Lock()
		c := u.chat()
		for _, cb := range c.taps {
			if cb.answer.UpdateID == updateID && cb.answer.Answered {
				a := cb.answer
				s.mu.Unlock()
				return a, nil
			}
		}
		changed := c.changed.wait()
		s.mu.Unlock()
		if err := s.await(ctx, changed); err != nil {
			return CallbackAnswer{}, fmt.Errorf("telegramfake.WaitAnswer: update %d: %w", updateID, err)
		}
	}
}
