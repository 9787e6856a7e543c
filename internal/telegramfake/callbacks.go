package telegramfake

import (
	"context"
	"time"
	"unicode/utf8"
)

// maxCallbackAnswer is the longest text answerCallbackQuery takes.
const maxCallbackAnswer = 200

const queryTooOld = "query is too old and response timeout expired or query ID is invalid"

// callback is a button tap: a callback query and, once given, its answer.
type callback struct {
	answer  CallbackAnswer
	created time.Time
	chat    *chat
}

// CallbackAnswer is a button tap and the bot's answer to it, if any.
type CallbackAnswer struct {
	QueryID   string
	UpdateID  int64
	MessageID int
	Data      string
	Answered  bool
	Text      string // the notice shown to the user
	ShowAlert bool
	URL       string
}

func (s *Server) answerCallbackQuery(_ context.Context, p params) (any, *apiError) {
	if utf8.RuneCountInString(p["text"]) > maxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p["callback_query_id"]
	cb, ok := s.callbacks[id]
	if !ok {
		return nil, badRequest(queryTooOld)
	}
	if s.now().Sub(cb.created) > callbackTimeout {
		delete(s.callbacks, id)
		return nil, badRequest(queryTooOld)
	}
	// Answered queries are forgotten, so a second answer is "invalid".
	delete(s.callbacks, id)
	cb.answer.Answered = true
	cb.answer.Text = p["text"]
	cb.answer.ShowAlert = p.bool("show_alert")
	cb.answer.URL = p["url"]
	cb.chat.touch()
	return true, nil
}
