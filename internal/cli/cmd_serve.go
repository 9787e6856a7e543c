package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// ServeCmd is `imrbot serve`: the bot, the reminder dispatcher and the HTTP
// listener (/healthz, /metrics, and the webhook in webhook mode).
type ServeCmd struct {
	// Timeouts are the HTTP listener's; nil is listenerTimeouts. Tests
	// shorten them to see a slow client cut off.
	Timeouts *httpTimeouts `kong:"-"`
}

// httpTimeouts bound each phase of an HTTP connection.
type httpTimeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// listenerTimeouts keep a client that sends slowly, or not at all, from
// holding a connection (and its goroutine) open: a webhook update is a few
// kilobytes that Telegram sends at once, so 15 s to read a whole request
// is generous. The write timeout runs from the end of the headers to the
// end of the response and so covers the webhook handler, which answers
// only once the update is committed; it stays well inside Telegram's own
// wait. Idle keep-alive connections are dropped after two minutes.
var listenerTimeouts = httpTimeouts{ReadHeader: 10 * time.Second, Read: 15 * time.Second, Write: 60 * time.Second, Idle: 2 * time.Minute}

// newHTTPServer is serve's HTTP server with every timeout set.
func newHTTPServer(h http.Handler, t httpTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

// webhookSecret is what Telegram accepts as a webhook secret token.
var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// serveConfig is serve's environment, checked before anything starts.
type serveConfig struct {
	telegram           telegramSettings
	username           string
	webhookURL, secret string
	webhookPath        string
	listen             string
	deskURL            *url.URL // DESK_URL, where coordinators reach the desk
	// requireValidated refuses to serve while the study asks any
	// questionnaire, or shows a study text, that is a placeholder.
	requireValidated bool
}

func readServeConfig(getenv func(string) string) (serveConfig, error) {
	c := serveConfig{
		username:   strings.TrimPrefix(getenv("TELEGRAM_BOT_USERNAME"), "@"),
		webhookURL: getenv("WEBHOOK_URL"),
		secret:     getenv("WEBHOOK_SECRET"),
		listen:     getenv("LISTEN_ADDR"),
	}
	var err error
	if c.telegram, err = readTelegramSettings(getenv); err != nil {
		return c, err
	}
	if c.telegram.token == "" {
		return c, Usagef("TELEGRAM_BOT_TOKEN is not set (without a token, try `imrbot demo`)")
	}
	if v := strings.TrimSpace(getenv("IMRBOT_REQUIRE_VALIDATED")); v != "" {
		if c.requireValidated, err = strconv.ParseBool(v); err != nil {
			return c, Usagef("IMRBOT_REQUIRE_VALIDATED %q: want 1 (refuse placeholder wording) or 0", v)
		}
	}
	if c.listen == "" {
		c.listen = ":8080"
	}
	if _, _, err := net.SplitHostPort(c.listen); err != nil {
		return c, Usagef("LISTEN_ADDR %q: want host:port such as :8080", c.listen)
	}
	if c.deskURL, err = desk.ParseURL(getenv("DESK_URL"), c.listen); err != nil {
		return c, UsageError{Err: err}
	}
	if (c.webhookURL == "") != (c.secret == "") {
		return c, Usagef("WEBHOOK_URL and WEBHOOK_SECRET go together: set both for webhook mode, neither for polling")
	}
	if c.webhookURL != "" {
		u, err := url.Parse(c.webhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, Usagef("WEBHOOK_URL %q: want an https URL", c.webhookURL)
		}
		if !webhookSecret.MatchString(c.secret) {
			return c, Usagef("WEBHOOK_SECRET: want 1 to 256 characters of A-Z a-z 0-9 _ -")
		}
		c.webhookPath = u.EscapedPath()
		if c.webhookPath == "" {
			c.webhookPath = "/"
		}
	}
	return c, nil
}

// Run serves until SIGINT or SIGTERM, then stops taking updates, lets the
// ones taken finish and exits.
func (c *ServeCmd) Run(app *App) error {
	// Every setting is checked, and the address bound, before the database
	// is touched: a typo must not leave a half-configured database behind.
	// (Main has checked LOG_LEVEL and LOG_FORMAT already.)
	cfg, err := readServeConfig(app.Getenv)
	if err != nil {
		return err
	}
	rcfg, err := reminderConfig(app)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	if cfg.requireValidated {
		if err := refusePlaceholders(catalog); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", cfg.listen, err)
	}
	defer ln.Close() // on an early return; Shutdown has closed it otherwise
	ctx := app.Context
	st, err := app.Store(ctx) // applies pending migrations
	if err != nil {
		return err
	}
	// Warned once the settings and the database have passed, so that
	// an error stays one line.
	warnPlaceholders(app, catalog)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	b, dispatcher, err := newSending(app, st, catalog, rcfg, cfg.telegram, reg, cfg.deskURL)
	if err != nil {
		return err
	}
	if err := learnUsername(ctx, app, b, st, cfg.username); err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := st.Ping(pctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if cfg.webhookURL != "" {
		mux.Handle(cfg.webhookPath, b.WebhookHandler(cfg.secret))
	}
	deskServer, err := desk.New(desk.Options{Store: st, Catalog: catalog, URL: cfg.deskURL,
		Now: app.Now, Logger: app.Logger, Wake: dispatcher.Wake})
	if err != nil {
		return err
	}
	mux.Handle("/desk/", deskServer)
	timeouts := listenerTimeouts
	if c.Timeouts != nil {
		timeouts = *c.Timeouts
	}
	srv := newHTTPServer(mux, timeouts)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	app.Logger.Info("listening", slog.String("addr", ln.Addr().String()))

	reminded := make(chan error, 1)
	go func() { reminded <- dispatcher.Run(ctx) }()
	go pruneUpdates(ctx, app, st)

	polled := make(chan error, 1)
	if cfg.webhookURL != "" {
		if err := b.SetWebhook(ctx, cfg.webhookURL, cfg.secret); err != nil {
			_ = srv.Close()
			return err
		}
		app.Logger.Info("webhook mode", slog.String("path", cfg.webhookPath))
	} else {
		app.Logger.Info("polling mode")
		go func() { polled <- b.Poll(ctx) }()
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	case err := <-polled:
		if err != nil {
			_ = srv.Close()
			return err
		}
	}
	app.Logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx) // webhook requests in flight finish their updates
	if cfg.webhookURL == "" {
		<-polled // Poll drains what it took
	} else {
		b.Drain(15 * time.Second)
	}
	<-reminded
	return nil
}

// learnUsername records the bot's username for deep links: the configured
// one, else getMe's.
func learnUsername(ctx context.Context, app *App, b *bot.Bot, st *store.Store, configured string) error {
	username := configured
	if username == "" {
		u, err := b.Username(ctx)
		if err != nil {
			return fmt.Errorf("serve: cannot reach Telegram to learn the bot's username: %w", err)
		}
		username = u
	}
	if err := st.SetSetting(ctx, store.SettingBotUsername, username); err != nil {
		return err
	}
	app.Logger.Info("bot", slog.String("username", username))
	return nil
}

// pruneUpdates forgets, hourly, de-duplication ids older than a week and
// the chat links of people who withdrew a week ago and never answered
// whether to keep their answers (keeping is then their choice).
func pruneUpdates(ctx context.Context, app *App, st *store.Store) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		weekAgo := app.Now().Add(-7 * 24 * time.Hour)
		if n, err := st.PruneProcessedUpdates(ctx, weekAgo); err != nil && ctx.Err() == nil {
			app.Logger.Warn("pruning processed updates", slog.Any("err", err))
		} else if n > 0 {
			app.Logger.Debug("pruned processed updates", slog.Int64("count", n))
		}
		if n, err := st.ForgetWithdrawnChats(ctx, weekAgo); err != nil && ctx.Err() == nil {
			app.Logger.Warn("forgetting withdrawn chats", slog.Any("err", err))
		} else if n > 0 {
			app.Logger.Info("forgot the chats of withdrawn participants", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refusePlaceholders is IMRBOT_REQUIRE_VALIDATED's check: a study that
// asks any placeholder questionnaire, or shows a placeholder study text, is
// refused in one line naming them.
func refusePlaceholders(c *questionnaires.Catalog) error {
	var ids []string
	for _, q := range c.InUse() {
		if q.Placeholder() {
			ids = append(ids, q.ID)
		}
	}
	if c.Study.Placeholder() {
		ids = append(ids, "the study text ("+questionnaires.StudyFile+")")
	}
	if len(ids) > 0 {
		return Usagef("IMRBOT_REQUIRE_VALIDATED is set, but the study still has placeholder wording: %s; load the validated definitions from IMRBOT_QUESTIONNAIRES", strings.Join(ids, ", "))
	}
	return nil
}

// warnPlaceholders logs one warning for each placeholder questionnaire
// (asked or not) and for a placeholder study text, so placeholder wording
// never slips into a study unnoticed.
func warnPlaceholders(app *App, c *questionnaires.Catalog) {
	for _, q := range c.Placeholders() {
		app.Logger.Warn("questionnaire has placeholder wording, not the validated instrument's; load the validated wording from IMRBOT_QUESTIONNAIRES",
			slog.String("questionnaire", q.ID), slog.String("file", q.Source))
	}
	if c.Study.Placeholder() {
		app.Logger.Warn("the study text (consent, contact, ethics approval, data controller) is the built-in example; replace it from IMRBOT_QUESTIONNAIRES",
			slog.String("file", c.Study.Source))
	}
}
