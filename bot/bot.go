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

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

// Options configure a Bot. Token, Store and Conversation are required.
type Options struct {
	Token  string
	APIURL string // Telegram Bot API server; "" is https://api.telegram.org
	// Store keeps what is Telegram's: the message ids of questions asked,
	// and whether a chat can be reached.
	Store *store.Store
	// Conversation applies the updates.
	Conversation *conversation.Service
	Logger       *slog.Logger // nil: discard
	Metrics      *Metrics     // nil: unregistered metrics
	Limits       Limits       // sending limits; TelegramLimits for the real Telegram
	// PollTimeout is the long-poll length of getUpdates; 0 is a minute.
	PollTimeout time.Duration
	// HTTPClient overrides the client for Bot API calls (tests, benchmarks).
	HTTPClient *http.Client
}

// Bot is the Telegram side of imrbot: it takes updates in, hands them to
// the conversation and sends the replies.
type Bot struct {
	tg          *tgbot.Bot
	store       *store.Store
	conv        *conversation.Service
	log         *slog.Logger
	metrics     *Metrics
	sender      *Sender
	serial      *serial // applies, per chat
	replies     *serial // renders, per chat
	prompts     *prompts
	client      tgbot.HttpClient
	apiURL      string
	token       string
	pollTimeout time.Duration

	// work is the context queued work runs in: intake may stop (a request
	// ends, polling is cancelled) while an accepted update still applies.
	work     context.Context
	stopWork context.CancelFunc
	inflight sync.WaitGroup
}

// New makes a Bot. It does not contact Telegram.
func New(opts Options) (*Bot, error) {
	if opts.Store == nil || opts.Conversation == nil {
		return nil, errors.New("bot.New: a store and a conversation are required")
	}
	b := &Bot{
		store: opts.Store, conv: opts.Conversation, log: opts.Logger, metrics: opts.Metrics,
		serial: newSerial(0), replies: newSerial(maxQueuedReplies),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.metrics == nil {
		b.metrics = NewMetrics(nil)
	}
	b.prompts = newPrompts(opts.Store, b.log)
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
// replies sent, then cancels what is left, the conversation's shared
// transactions included.
func (b *Bot) Drain(timeout time.Duration) {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		b.log.Warn("shutting down with updates still being applied")
	}
	b.stopWork()
	b.conv.Stop()
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
	lang := flows.Language("", in.UserLang)
	if _, err := b.sender.Send(b.work, in.ChatID, flows.Say(lang, flows.MsgTryAgain), nil); err != nil {
		b.log.Warn("cannot tell of a lost update", slog.Any("err", err))
	}
}
