package cli

import (
	"errors"
	"strings"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// telegramEnv reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL; an empty
// token means no Telegram.
func telegramEnv(getenv func(string) string) (token, apiURL string) {
	return strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")), strings.TrimRight(getenv("TELEGRAM_API_URL"), "/")
}

// newSending builds the bot and the reminder dispatcher that sends through
// its rate-limited Sender, wired to each other: serve runs both, and
// `imrbot remind` uses the same pair to send what it queues at once. The
// dispatcher sends through the bot's sender and the bot routes the
// coordinators' commands to the reminders package, so each is made before
// the other is complete. Neither contacts Telegram here.
func newSending(app *App, st *store.Store, catalog *questionnaires.Catalog, rcfg reminders.Config, token, apiURL string, metrics *bot.Metrics) (*bot.Bot, *reminders.Dispatcher, error) {
	dispatcher := &reminders.Dispatcher{
		Store: st, Catalog: catalog, Now: app.Now, Logger: app.Logger,
		Interval: rcfg.Interval, Hours: rcfg.Hours,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	b, err := bot.New(bot.Options{
		Token: token, APIURL: apiURL, Store: st, Catalog: catalog,
		Logger: app.Logger, Now: app.Now, Metrics: metrics, Limits: bot.TelegramLimits,
		Coordinator: &reminders.Coordinator{Store: st, Catalog: catalog, Now: app.Now, Wake: dispatcher.Wake},
	})
	if err != nil {
		return nil, nil, err
	}
	dispatcher.Messenger = b.Sender()
	b.Sender().OnUnreachable = dispatcher.NotifyUnreachable
	return b, dispatcher, nil
}
