// Package tap is what the chat benchmarks share: the simulated people who
// tap an option and wait for the next question, and the "tap echo", the
// minimal go-telegram/bot bot that answers a tap as the chat contract asks
// of any bot and stores nothing, whose figures the bot's are compared with.
// It is bench/chat's code, made importable so that a benchmark running the
// bot as a process of its own measures against the same baseline.
package tap

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
)

// Echo is the tap echo's handler for a battery of total questions: /start
// sends the first question; a tap is answered, the tapped message edited to
// show the choice and the next question sent with its five buttons, the
// three Bot API calls the chat contract asks of any bot for a tap (the
// first two beside the third, as the bot sends them).
func Echo(total int) tgbot.HandlerFunc {
	return func(ctx context.Context, bt *tgbot.Bot, u *models.Update) {
		switch {
		case u.Message != nil:
			_, _ = bt.SendMessage(ctx, question(u.Message.Chat.ID, 1, total))
		case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
			q, m := u.CallbackQuery, u.CallbackQuery.Message.Message
			seq, _, _ := questionnaires.ParseAnswerCallbackData(q.Data)
			n := int(seq)
			var side sync.WaitGroup
			side.Go(func() {
				_, _ = bt.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID})
			})
			side.Go(func() {
				_, _ = bt.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: m.Chat.ID, MessageID: m.ID,
					Text: fmt.Sprintf("%d/%d · Echo\nQuestion %d: answered %s", n, total, n, q.Data)})
			})
			_, _ = bt.SendMessage(ctx, question(m.Chat.ID, n+1, total))
			side.Wait()
		}
	}
}

// question is the tap echo's message: numbered like the bot's questions,
// about as long, with five option buttons.
func question(chatID int64, n, total int) *tgbot.SendMessageParams {
	rows := make([][]models.InlineKeyboardButton, 5)
	for i := range rows {
		code := strconv.Itoa(i)
		rows[i] = []models.InlineKeyboardButton{{Text: code + " · option " + code, CallbackData: questionnaires.AnswerCallbackData(int64(n), i)}}
	}
	return &tgbot.SendMessageParams{
		ChatID:      chatID,
		Text:        fmt.Sprintf("%d/%d · <b>Echo</b>\nQuestion %d: how much has this been true of you over the last two weeks?", n, total, n),
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: rows},
	}
}

// Person is one simulated person and the question they see.
type Person struct {
	U    *telegramfake.User
	Q    telegramfake.Message
	Done bool // the closing message came instead of a question
}

// IsQuestion says whether m is a question: its text starts "N/M · ", as
// the bot's and the echo's do.
func IsQuestion(m telegramfake.Message) bool {
	head, _, _ := strings.Cut(m.Text, " · ")
	n, of, ok := strings.Cut(head, "/")
	return ok && n != "" && of != "" && strings.Trim(n+of, "0123456789") == ""
}

// Enrol redeems an imrbot invitation: /start with the invite code, "I
// agree", and the first question of the battery.
func (p *Person) Enrol(ctx context.Context, code string) error {
	p.U.Start(code)
	consent, err := p.U.WaitFor(ctx, func(m telegramfake.Message) bool { _, ok := m.Button("I agree"); return ok })
	if err != nil {
		return err
	}
	if _, err := p.U.Press(consent.ID, "I agree"); err != nil {
		return err
	}
	p.Q, err = p.U.WaitFor(ctx, func(m telegramfake.Message) bool { return m.ID > consent.ID && IsQuestion(m) })
	return err
}

// StartEcho sends /start to the tap echo and waits for its first question.
func (p *Person) StartEcho(ctx context.Context) error {
	p.U.Send("/start")
	var err error
	p.Q, err = p.U.WaitFor(ctx, IsQuestion)
	return err
}

// Answer taps the current question's first option and waits for the next
// question (or the closing message).
func (p *Person) Answer(ctx context.Context) error {
	q := p.Q
	var data string
	for _, row := range q.Buttons {
		if t := row[0].Text; t != "" && t[0] >= '0' && t[0] <= '9' {
			data = row[0].CallbackData
			break
		}
	}
	if data == "" {
		return fmt.Errorf("question without option buttons: %q", q.Text)
	}
	if _, err := p.U.Tap(q.ID, data); err != nil {
		return err
	}
	next, err := p.U.WaitFor(ctx, func(m telegramfake.Message) bool {
		return m.ID > q.ID && (IsQuestion(m) || strings.Contains(m.Text, "is complete"))
	})
	if err != nil {
		return err
	}
	p.Q, p.Done = next, !IsQuestion(next)
	return nil
}
