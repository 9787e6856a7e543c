package telegramfake

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// TestURLButtons: a button that opens a URL is taken as Telegram takes
// it, shown with its URL, and sends nothing back when pressed; a URL
// without a scheme or host is refused.
func TestURLButtons(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	send := func(buttons ...models.InlineKeyboardButton) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{
			ChatID: u.ChatID(), Text: "Your link",
			ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{buttons}},
		})
		return err
	}
	const link = "http://localhost:8080/desk/login/abc"
	if err := send(models.InlineKeyboardButton{Text: "Log in", URL: link}); err != nil {
		t.Fatalf("a URL button: %v", err)
	}
	last := u.Last()
	if btn, ok := last.Button("Log in"); !ok || btn.URL != link || btn.CallbackData != "" {
		t.Errorf("user sees buttons %+v, want one opening %s", last.Buttons, link)
	}
	if _, err := u.Press(last.ID, "Log in"); err == nil {
		t.Error("pressing a URL button sent a callback query")
	}
	for _, bad := range []string{"localhost/desk/", "https:///desk/", "desk"} {
		if err := send(models.InlineKeyboardButton{Text: "Log in", URL: bad}); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "BUTTON_URL_INVALID") {
			t.Errorf("URL %q: err = %v, want BUTTON_URL_INVALID", bad, err)
		}
	}
}
