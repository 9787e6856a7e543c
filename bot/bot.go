package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Options configure a Bot. Store, Catalog and Token are required.
type Options struct {
	Token   string
	APIURL  string // Telegram Bot API server; "" is https://api.telegram.org
	Store   *store.Store
	Catalog *questionnaires.Catalog
	Logger  *slog.Logger     // nil: discard
	Now     func() time.Time // nil: time.Now
	Metrics *Metrics         // nil: unregistered metrics
	Limits  Limits           // sending limits; SendLimits(30) for the real Telegram
	// Coordinator answers /due, /remind and /status; nil answers that the
	// command is not available.
	Coordinator CoordinatorCommands
	// PollTimeout is the long-poll length of getUpdates; 0 is a minute.
	PollTimeout time.Duration
	// HTTPClient overrides the client for Bot API calls (tests, benchmarks).
	HTTPClient *http.Client
	// ApplyConcurrency bounds the updates applied at once; 0 is 16, under
	// the store's pool of 20 connections. Updates beyond it wait their turn
	// in order, where database/sql would hand a freed connection to a
	// random waiter and let a few wait very long.
	ApplyConcurrency int
	// GroupSize bounds the answers applied together in one transaction
	// (see group); 0 is 32, 1 applies every update in its own.
	GroupSize int
	// GroupTransactions bounds the shared transactions at once; 0 is 4.
	GroupTransactions int
}

// Bot is the Telegram side of imrbot: it takes updates in, applies them
// and sends the replies.
type Bot struct {
	tg          *tgbot.Bot
	store       *store.Store
	catalog     *questionnaires.Catalog
	log         *slog.Logger
	now         func() time.Time
	metrics     *Metrics
	sender      *Sender
	coordinator CoordinatorCommands
	serial      *serial // applies, per chat
	replies     *serial // renders, per chat
	prompts     *prompts
	zones       sync.Map      // site time zone name -> *time.Location
	slots       chan struct{} // one per update being applied alone
	client      tgbot.HttpClient
	apiURL      string
	token       string
	pollTimeout time.Duration
	group       *group // nil: every update alone

	// work is the context queued work runs in: intake may stop (a request
	// ends, polling is cancelled) while an accepted update still applies.
	work     context.Context
	stopWork context.CancelFunc
	inflight sync.WaitGroup
}

// New makes a Bot. It does not contact Telegram.
func New(opts Options) (*Bot, error) {
	if opts.Store == nil || opts.Catalog == nil {
		return nil, errors.New("bot.New: a store and a catalog are required")
	}
	b := &Bot{
		store: opts.Store, catalog: opts.Catalog, log: opts.Logger, now: opts.Now,
		metrics: opts.Metrics, coordinator: opts.Coordinator,
		serial: newSerial(0), replies: newSerial(maxQueuedReplies),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.metrics == nil {
		b.metrics = NewMetrics(nil)
	}
	b.prompts = newPrompts(opts.Store, b.log)
	b.slots = make(chan struct{}, cmp.Or(opts.ApplyConcurrency, 16))
	if size := cmp.Or(opts.GroupSize, 32); size > 1 {
		b.group = newGroup(b, cmp.Or(opts.GroupTransactions, 4), size)
	}
	b.work, b.stopWork = context.WithCancel(context.Background())
	pollTimeout := opts.PollTimeout
	if pollTimeout <= 0 {
		pollTimeout = time.Minute
	}
	client := opts.HTTPClient
	if client == nil {
		// Longer than the long poll, so the client never cuts it off; and
		// enough idle connections for many chats answered at once (the
		// default two per host would open a connection per message).
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConns = 128
		transport.MaxIdleConnsPerHost = 128
		client = &http.Client{Timeout: pollTimeout + 15*time.Second, Transport: transport}
	}
	b.client, b.token, b.pollTimeout = wholeBodyClient{client}, opts.Token, pollTimeout
	b.apiURL = strings.TrimSuffix(cmp.Or(opts.APIURL, "https://api.telegram.org"), "/")
	// The library sends; updates come in through Poll and WebhookHandler,
	// which are the bot's own.
	tgOpts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(pollTimeout, b.client),
		tgbot.WithErrorsHandler(func(err error) {
			if !errors.Is(err, context.Canceled) {
				b.log.Warn("telegram", slog.Any("err", err))
			}
		}),
	}
	if opts.APIURL != "" {
		tgOpts = append(tgOpts, tgbot.WithServerURL(opts.APIURL))
	}
	tg, err := tgbot.New(opts.Token, tgOpts...)
	if err != nil {
		return nil, fmt.Errorf("bot.New: %w", err)
	}
	b.tg = tg
	b.sender = NewSender(tg, opts.Store, opts.Limits, b.metrics, b.log)
	return b, nil
}

// Sender is the bot's rate-limited sender, shared with the reminders.
func (b *Bot) Sender() *Sender { return b.sender }

// Username asks Telegram for the bot's username (getMe), for deep links.
func (b *Bot) Username(ctx context.Context) (string, error) {
	me, err := b.tg.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("bot.Username: %w", err)
	}
	return me.Username, nil
}

// deleteWebhook removes any webhook: Telegram refuses getUpdates while one
// is set.
func (b *Bot) deleteWebhook(ctx context.Context) error {
	if _, err := b.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("deleteWebhook: %w", err)
	}
	return nil
}

// Drain waits up to timeout for queued updates to be applied and their
// replies sent, then cancels what is left.
func (b *Bot) Drain(timeout time.Duration) {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		b.log.Warn("shutting down with updates still being applied")
	}
	b.stopWork()
}

// applyRetrying applies a polled update, retrying briefly before Poll
// gives up on this round and asks Telegram for it again.
func (b *Bot) applyRetrying(ctx context.Context, in incoming) (*outcome, error) {
	var err error
	for attempt, wait := 0, 100*time.Millisecond; attempt < 5; attempt, wait = attempt+1, wait*2 {
		var out *outcome
		if out, err = b.apply(ctx, in); err == nil {
			return out, nil
		}
		if ctx.Err() != nil || b.sender.Sleep(ctx, wait) != nil {
			break
		}
	}
	return nil, err
}

// tellFailure tells the person their message was not saved, so they send it
// again rather than believe it was. A block or unblock is no message of
// theirs, and after a block nothing can be sent.
func (b *Bot) tellFailure(in incoming) {
	if in.membership != "" {
		return
	}
	if in.callbackID != "" {
		_ = b.sender.AnswerCallback(b.work, in.callbackID, "")
	}
	lang := participantLang("", in.userLang)
	if _, err := b.sender.Send(b.work, in.chatID, text(lang, msgTryAgain), nil); err != nil {
		b.log.Warn("cannot tell of a lost update", slog.Any("err", err))
	}
}
