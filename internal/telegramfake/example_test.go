package telegramfake_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/internal/telegramfake"
)

// A test starts the fake, points the real client at it, and plays the user.
func Example() {
	fake := telegramfake.New(telegramfake.WithoutLimits())
	defer fake.Close()

	// The bot under test; here a consent question with one button.
	handler := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		switch {
		case u.Message != nil && strings.HasPrefix(u.Message.Text, "/start"):
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID:    u.Message.Chat.ID,
				Text:      "<b>Consent</b>\nDo you agree to take part?",
				ParseMode: models.ParseModeHTML,
				ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "I agree", CallbackData: "consent:yes"}},
				}},
			})
		case u.CallbackQuery != nil:
			q := u.CallbackQuery
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Thank you"})
			_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{
				ChatID: q.Message.Message.Chat.ID, MessageID: q.Message.Message.ID,
				Text: "Consent\nYou agreed.",
			})
		}
	}
	b, err := bot.New(fake.Token, bot.WithServerURL(fake.URL), bot.WithDefaultHandler(handler))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	polling := make(chan struct{})
	go func() { defer close(polling); b.Start(ctx) }()
	defer func() { cancel(); <-polling }()

	ada := fake.NewUser("Ada", "en")
	ada.Start("OSL-C-0042")
	question, err := ada.WaitFor(ctx, func(m telegramfake.Message) bool { return m.HasKeyboard() })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %q\n", question.Text, question.ButtonTexts())

	tap, _ := ada.Press(question.ID, "I agree")
	answer, _ := ada.WaitAnswer(ctx, tap)
	edited, _ := ada.WaitFor(ctx, func(m telegramfake.Message) bool { return m.ID == question.ID && m.Edits > 0 })
	fmt.Printf("%q %q keyboard=%v\n", answer.Text, edited.Text, edited.HasKeyboard())
	// Output:
	// "Consent\nDo you agree to take part?" ["I agree"]
	// "Thank you" "Consent\nYou agreed." keyboard=false
}

// FailNext scripts Telegram's errors: here a 429 the bot must wait out.
func ExampleServer_FailNext() {
	fake := telegramfake.New()
	defer fake.Close()
	b, _ := bot.New(fake.Token, bot.WithServerURL(fake.URL), bot.WithSkipGetMe())
	ada := fake.NewUser("Ada", "en")
	ada.Send("hi")

	fake.FailNext("sendMessage", 429, "", 3)
	_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: ada.ChatID(), Text: "reminder"})
	fmt.Println(err)
	_, err = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: ada.ChatID(), Text: "reminder"})
	fmt.Println(err, len(ada.Messages()))
	// Output:
	// too many requests, Too Many Requests: retry after 3: retry_after 3
	// <nil> 1
}
