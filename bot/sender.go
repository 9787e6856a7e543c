package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// Limits are the sending rates the Sender keeps to. Telegram allows about
// 30 messages per second in all and one per second per chat, with short
// bursts tolerated; a zero rate means no limit (benchmarks against the fake).
type Limits struct {
	Global       rate.Limit
	GlobalBurst  int
	PerChat      rate.Limit
	PerChatBurst int
}

// The pace per chat keeps a margin under Telegram's one message a second
// with bursts (the fake models it as a bucket of 3 refilled at 1/s): what
// the Sender lets out, Telegram sees shifted by network delays and by its
// clock against ours, and at exactly 1/s a message that arrives a little
// early is refused. With 2 at once and 0.9/s after, any n messages we send
// within L seconds fit Telegram's bucket (2 + 0.9(L+J) <= 3 + L) as long
// as they are squeezed by less than J = 1.1 s. Two at once still lets a
// reply and the next question go out together.
const (
	perChatRate  = 0.9
	perChatBurst = 2
)

// SendLimits are the limits for sending at most perSecond messages per
// second over all chats (Telegram's default is 30; paid broadcasts allow
// more), with the margin per chat above. The global burst is a sixth of a
// second's worth (5 at 30/s), far under the bucket of a second's worth that
// Telegram tolerates, for the same reason: 30/s with bursts of 5 fit a
// server's 30/s with bursts of 30 when squeezed by less than 0.8 s.
// perSecond <= 0 turns pacing off (Limits{}), for a local test server only.
func SendLimits(perSecond float64) Limits {
	if perSecond <= 0 {
		return Limits{}
	}
	return Limits{
		Global: rate.Limit(perSecond), GlobalBurst: max(1, int(perSecond/6)),
		PerChat: perChatRate, PerChatBurst: perChatBurst,
	}
}

// TelegramLimits are the limits for the real Telegram at its default rate.
var TelegramLimits = SendLimits(30)

// ErrUnreachable is returned when Telegram refuses to deliver to a chat
// (403: the person blocked the bot or deleted their account; 400 "chat not
// found": the chat is gone).
var ErrUnreachable = errors.New("participant unreachable")

// ErrRejected is returned when Telegram refuses a message itself (any
// other 400: too long, unparsable, a bad button). Sending it again would
// be refused again.
var ErrRejected = errors.New("message rejected by Telegram")

// maxAttempts bounds how often one message is retried after a 429.
const maxAttempts = 5

// Sender is the one way out for every message imrbot sends: chat replies
// and reminders alike, so that together they keep Telegram's limits. A 429
// waits out its retry_after and tries again; a 403 marks the participant
// unreachable and tells OnUnreachable.
type Sender struct {
	tg      *tgbot.Bot
	store   *store.Store
	log     *slog.Logger
	metrics *Metrics
	limits  Limits
	global  *rate.Limiter

	// OnUnreachable is told once when a participant becomes unreachable, so
	// that coordinators learn of it. It may be nil.
	OnUnreachable func(ctx context.Context, u *store.Unreachable)
	// Sleep waits d or until ctx ends; tests may replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	chats     map[int64]*rate.Limiter
	nextSweep int
}

// NewSender makes a Sender over the Telegram client tg.
func NewSender(tg *tgbot.Bot, st *store.Store, limits Limits, m *Metrics, log *slog.Logger) *Sender {
	global := rate.NewLimiter(rate.Inf, 1)
	if limits.Global > 0 {
		global = rate.NewLimiter(limits.Global, max(limits.GlobalBurst, 1))
	}
	return &Sender{
		tg: tg, store: st, log: log, metrics: m, limits: limits, global: global,
		Sleep: sleep, chats: map[int64]*rate.Limiter{}, nextSweep: 1024,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// chatLimiter returns the chat's limiter. Limiters of idle chats (bucket
// full again) are dropped now and then, so 10,000 conversations do not keep
// 10,000 limiters.
func (s *Sender) chatLimiter(chatID int64) *rate.Limiter {
	if s.limits.PerChat <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.chats[chatID]; ok {
		return l
	}
	if len(s.chats) >= s.nextSweep {
		now := time.Now()
		for id, l := range s.chats {
			if l.TokensAt(now) >= float64(l.Burst()) {
				delete(s.chats, id)
			}
		}
		s.nextSweep = max(1024, 2*len(s.chats))
	}
	l := rate.NewLimiter(s.limits.PerChat, max(s.limits.PerChatBurst, 1))
	s.chats[chatID] = l
	return l
}

// wait takes a token from the global bucket and, for a new message, from
// the chat's, both at the moment the message may go. Taking the chat's
// first and then waiting for the global one would let a message that
// waited long for the global bucket go out right before the chat's next,
// which waited less: two messages to one chat closer than its pace allows.
// So the chat's token is only waited for, then the global one taken, then
// the chat's (it is still there unless another send to the chat took it,
// and then the round starts again).
func (s *Sender) wait(ctx context.Context, chatID int64, cost budget) error {
	var chat *rate.Limiter
	if cost == newMessage {
		chat = s.chatLimiter(chatID)
	}
	for {
		if chat != nil {
			if err := untilToken(ctx, chat); err != nil {
				return err
			}
		}
		if err := s.global.Wait(ctx); err != nil {
			return err
		}
		if chat == nil || chat.Allow() {
			return nil
		}
	}
}

// untilToken waits until l has a token, without taking it.
func untilToken(ctx context.Context, l *rate.Limiter) error {
	for {
		tokens := l.Tokens()
		if tokens >= 1 {
			return nil
		}
		// A millisecond more, so that rounding does not wake it early.
		d := time.Duration((1-tokens)/float64(l.Limit())*float64(time.Second)) + time.Millisecond
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// budget says which limits a call draws on. Telegram's one-a-second limit
// per chat is on new messages; editing the question just answered adds no
// message, and charging it would halve a participant's pace for nothing.
type budget int

const (
	newMessage budget = iota
	edit
)

// do runs one Telegram call to chatID within the limits, retrying after a
// 429 and turning a 403 into ErrUnreachable.
func (s *Sender) do(ctx context.Context, chatID int64, cost budget, call func() error) error {
	for attempt := 1; ; attempt++ {
		if err := s.wait(ctx, chatID, cost); err != nil {
			return err
		}
		err := call()
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case err == nil:
			s.metrics.messagesSent.Inc()
			return nil
		case errors.As(err, &tooMany) && attempt < maxAttempts:
			s.metrics.tooManyRequests.Inc()
			wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			s.log.Warn("telegram asked to slow down", slog.Duration("retry_after", wait))
			if err := s.Sleep(ctx, wait); err != nil {
				return err
			}
		case errors.Is(err, tgbot.ErrorForbidden),
			errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
			s.metrics.forbidden.Inc()
			if merr := s.markUnreachable(ctx, chatID, err.Error()); merr != nil {
				// The next message refused marks it again.
				s.log.Error("cannot mark participant unreachable", slog.Any("err", merr))
			}
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		case errors.Is(err, tgbot.ErrorBadRequest):
			return fmt.Errorf("%w: %w", ErrRejected, err)
		default:
			return err
		}
	}
}

// markUnreachable records that chatID can no longer be written to and
// tells OnUnreachable the first time. A chat linked to no one is not an
// error: there is no one to mark.
func (s *Sender) markUnreachable(ctx context.Context, chatID int64, reason string) error {
	u, err := s.store.MarkChatUnreachable(ctx, chatID, reason)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return fmt.Errorf("bot.Sender.markUnreachable: %w", err)
	}
	s.log.Info("participant unreachable", slog.String("participant", u.Code), slog.String("reason", reason))
	if s.OnUnreachable != nil {
		s.OnUnreachable(ctx, u)
	}
	return nil
}

// Send sends text (plain, escaped here) with an inline keyboard and returns
// the id of the message that carries the keyboard. Text longer than one
// Telegram message is split; the keyboard goes with the last part.
func (s *Sender) Send(ctx context.Context, chatID int64, text string, buttons [][]flows.Button) (messageID int64, err error) {
	parts := splitText(text, maxMessageChars)
	for i, part := range parts {
		params := &tgbot.SendMessageParams{
			ChatID:    chatID,
			Text:      escapeHTML(part),
			ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{
				IsDisabled: tgbot.True(),
			},
		}
		if i == len(parts)-1 && len(buttons) > 0 {
			params.ReplyMarkup = keyboard(buttons)
		}
		var msg *models.Message
		err := s.do(ctx, chatID, newMessage, func() (err error) {
			msg, err = s.tg.SendMessage(ctx, params)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("bot.Sender.Send: %w", err)
		}
		messageID = int64(msg.ID)
	}
	return messageID, nil
}

// SendMessage sends a message the bot says on its own (a reminder, a
// notice to coordinators), its action rendered as a button labelled in the
// message's language; it is the reminders' Messenger.
func (s *Sender) SendMessage(ctx context.Context, chatID int64, m flows.Message) (messageID int64, err error) {
	return s.Send(ctx, chatID, m.Text, m.Action.Buttons(m.Lang))
}

// Edit replaces the text of an earlier message and removes its keyboard.
// An edit to identical text is not an error.
func (s *Sender) Edit(ctx context.Context, chatID, messageID int64, text string) error {
	params := &tgbot.EditMessageTextParams{
		ChatID:    chatID,
		MessageID: int(messageID),
		Text:      escapeHTML(truncateText(text, maxMessageChars)),
		ParseMode: models.ParseModeHTML,
	}
	err := s.do(ctx, chatID, edit, func() error {
		_, err := s.tg.EditMessageText(ctx, params)
		return err
	})
	if err != nil && !isNotModified(err) {
		return fmt.Errorf("bot.Sender.Edit: %w", err)
	}
	return nil
}

// AnswerCallback answers a button tap, with a short notice or none. It is
// not a message, so it takes no token from the buckets.
func (s *Sender) AnswerCallback(ctx context.Context, callbackID, notice string) error {
	_, err := s.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
		CallbackQueryID: callbackID,
		Text:            truncateText(notice, maxNoticeChars),
	})
	if err != nil {
		return fmt.Errorf("bot.Sender.AnswerCallback: %w", err)
	}
	return nil
}

// keyboard renders flows buttons as an inline keyboard: a button with a
// URL opens it, any other sends its data back.
func keyboard(rows [][]flows.Button) *models.InlineKeyboardMarkup {
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		r := make([]models.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			if b.URL != "" {
				r = append(r, models.InlineKeyboardButton{Text: b.Text, URL: b.URL})
				continue
			}
			r = append(r, models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}
