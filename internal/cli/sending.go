package cli

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// defaultSendRate is Telegram's limit for a bot without paid broadcasts:
// about 30 messages per second over all chats.
const defaultSendRate = 30

// telegramSettings say how imrbot reaches Telegram.
type telegramSettings struct {
	token    string  // TELEGRAM_BOT_TOKEN; "" means no Telegram
	apiURL   string  // TELEGRAM_API_URL; "" means the real Telegram
	sendRate float64 // TELEGRAM_SEND_RATE; 0 turns the bot's own pacing off
}

// readTelegramSettings reads and checks TELEGRAM_BOT_TOKEN,
// TELEGRAM_API_URL and TELEGRAM_SEND_RATE. The token may be empty: whether
// that is an error is the command's to say.
func readTelegramSettings(getenv func(string) string) (telegramSettings, error) {
	s := telegramSettings{
		token:    strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		apiURL:   strings.TrimRight(getenv("TELEGRAM_API_URL"), "/"),
		sendRate: defaultSendRate,
	}
	if s.apiURL != "" {
		u, err := url.Parse(s.apiURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return s, Usagef("TELEGRAM_API_URL %q: want an http(s) URL such as https://api.telegram.org", s.apiURL)
		}
	}
	if v := strings.TrimSpace(getenv("TELEGRAM_SEND_RATE")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			return s, Usagef("TELEGRAM_SEND_RATE %q: want messages per second over all chats, such as %d (0 turns pacing off, for a local test server only)", v, defaultSendRate)
		}
		s.sendRate = r
	}
	return s, nil
}

// newSending builds the bot, the conversation it applies updates with and
// the reminder dispatcher that sends through the bot's rate-limited
// Sender: serve runs them, and `imrbot remind` uses the same set to send
// what it queues at once. The dispatcher sends through the bot's sender
// and the conversation's /remind wakes the dispatcher, so each is made
// before the other is complete. Nothing contacts Telegram here. Metrics
// are registered with reg (nil: not registered). deskURL is DESK_URL,
// where the chat's /desk sends coordinators with a login link; nil: no
// desk is served, and /desk says so.
func newSending(app *App, st *store.Store, catalog *questionnaires.Catalog, rcfg reminders.Config, tg telegramSettings, reg prometheus.Registerer, deskURL *url.URL) (*bot.Bot, *reminders.Dispatcher, error) {
	dispatcher := &reminders.Dispatcher{
		Store: st, Catalog: catalog, Now: app.Now, Logger: app.Logger,
		Interval: rcfg.Interval, Hours: rcfg.Hours,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	conv, err := conversation.New(conversation.Options{
		Store: st, Catalog: catalog, Logger: app.Logger, Now: app.Now,
		Metrics: conversation.NewMetrics(reg), Wake: dispatcher.Wake,
		DeskLink: deskLinks(app, st, deskURL),
	})
	if err != nil {
		return nil, nil, err
	}
	b, err := bot.New(bot.Options{
		Token: tg.token, APIURL: tg.apiURL, Store: st, Conversation: conv,
		Logger: app.Logger, Metrics: bot.NewMetrics(reg), Limits: bot.SendLimits(tg.sendRate),
	})
	if err != nil {
		return nil, nil, err
	}
	dispatcher.Messenger = b.Sender()
	b.Sender().OnUnreachable = dispatcher.NotifyUnreachable
	return b, dispatcher, nil
}

// deskLinks makes the chat's /desk login links under base (DESK_URL),
// audited with the coordinator as actor; nil without a desk.
func deskLinks(app *App, st *store.Store, base *url.URL) func(context.Context, int64, string) (string, error) {
	if base == nil {
		return nil
	}
	return func(ctx context.Context, coordinatorID int64, actor string) (string, error) {
		return desk.NewLoginLink(ctx, st, base, coordinatorID, app.Now(), actor)
	}
}
