package telegramfake

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// deleteWindow is how long after sending a message can be deleted for everyone.
const deleteWindow = 48 * time.Hour

// chatFor finds the chat named by chat_id. Caller holds s.mu.
func (s *Server) chatFor(p params) (*chat, *apiError) {
	raw := strings.TrimSpace(p["chat_id"])
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	c, ok := s.chats[id]
	if !ok {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

// reachable says why the bot may not write to c, if it may not.
func (c *chat) reachable() *apiError {
	if c.blocked {
		return forbidden("bot was blocked by the user")
	}
	if !c.started {
		return forbidden("bot can't initiate conversation with a user")
	}
	return nil
}

func (s *Server) sendMessage(_ context.Context, p params) (any, *apiError) {
	f, aerr := formatText(p["text"], p["parse_mode"], p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := parseMarkup(p["reply_markup"], false)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.reachable(); aerr != nil {
		return nil, aerr
	}
	if retry := s.admit(c); retry > 0 {
		return nil, tooManyRequests(retry)
	}
	m := &message{
		fromBot: true, date: s.now(), text: f.text, entities: f.entities,
		parseMode: p["parse_mode"], markup: markup,
	}
	c.add(m, s.cfg.messageHistory)
	m.refresh()
	c.touch()
	s.stats.messageSent()
	return m.apiMessage(s.bot, c), nil
}

// editTarget finds the bot's message an edit names. Caller holds s.mu.
func (s *Server) editTarget(p params) (*chat, *message, *apiError) {
	if p["inline_message_id"] != "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID") // the fake has no inline messages
	}
	c, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	if c.blocked {
		return nil, nil, forbidden("bot was blocked by the user")
	}
	id, aerr := p.int("message_id", 0)
	if aerr != nil {
		return nil, nil, aerr
	}
	m, ok := c.byID[id]
	if !ok || m.deleted {
		return nil, nil, badRequest("message to edit not found")
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return c, m, nil
}

// editMessageText replaces text and keyboard. As in Telegram, an edit
// without reply_markup removes the inline keyboard.
func (s *Server) editMessageText(_ context.Context, p params) (any, *apiError) {
	f, aerr := formatText(p["text"], p["parse_mode"], p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	markup, aerr := parseMarkup(p["reply_markup"], true)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if m.text == f.text && sameEntities(m.entities, f.entities) && sameMarkup(m.markup, markup) {
		return nil, badRequest(notModified)
	}
	m.text, m.entities, m.parseMode, m.markup = f.text, f.entities, p["parse_mode"], markup
	s.edited(c, m)
	return m.apiMessage(s.bot, c), nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) (any, *apiError) {
	markup, aerr := parseMarkup(p["reply_markup"], true)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if sameMarkup(m.markup, markup) {
		return nil, badRequest(notModified)
	}
	m.markup = markup
	s.edited(c, m)
	return m.apiMessage(s.bot, c), nil
}

func (s *Server) edited(c *chat, m *message) {
	m.edits++
	m.editDate = s.now()
	m.refresh()
	c.touch()
	s.stats.messageEdited()
}

func (s *Server) deleteMessage(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, aerr
	}
	id, aerr := p.int("message_id", 0)
	if aerr != nil {
		return nil, aerr
	}
	m, ok := c.byID[id]
	if !ok || m.deleted {
		return nil, badRequest("message to delete not found")
	}
	if s.now().Sub(m.date) > deleteWindow {
		return nil, badRequest("message can't be deleted for everyone")
	}
	m.deleted = true
	m.refresh()
	c.touch()
	return true, nil
}

func (s *Server) sendChatAction(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.reachable(); aerr != nil {
		return nil, aerr
	}
	if strings.TrimSpace(p["action"]) == "" {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

var commandPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// commandsKey names a command list by scope and language, as Telegram
// keeps one list per pair.
func commandsKey(p params) (string, *apiError) {
	scope := "default"
	if raw := strings.TrimSpace(p["scope"]); raw != "" {
		var sc struct {
			Type string `json:"type"`
		}
		if json.Unmarshal([]byte(raw), &sc) != nil || sc.Type == "" {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		scope = sc.Type
	}
	return scope + "|" + p["language_code"], nil
}

func (s *Server) setMyCommands(_ context.Context, p params) (any, *apiError) {
	var cmds []models.BotCommand
	if json.Unmarshal([]byte(p["commands"]), &cmds) != nil {
		return nil, badRequest("can't parse commands JSON array")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range cmds {
		if !commandPattern.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, aerr := commandsKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[key] = cmds
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p params) (any, *apiError) {
	key, aerr := commandsKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cmds := s.commands[key]; cmds != nil {
		return cmds, nil
	}
	return []models.BotCommand{}, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p params) (any, *apiError) {
	key, aerr := commandsKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	return true, nil
}

// Commands returns the command list the bot set for the default scope and
// this language code ("" for all languages).
func (s *Server) Commands(languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands["default|"+languageCode]...)
}
