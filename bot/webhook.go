package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// maxUpdateBytes bounds a webhook request body. Updates with text are a
// few kilobytes; anything near this is not from Telegram.
const maxUpdateBytes = 1 << 20

// SetWebhook registers url with Telegram, with the secret Telegram will
// send back in every delivery.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	_, err := b.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            url,
		SecretToken:    secret,
		AllowedUpdates: allowedUpdates,
		// Telegram's most (the default is 40): an update waits in Telegram
		// while all connections are busy, and the more arrive at once, the
		// more answers share a transaction (see group).
		MaxConnections: 100,
	})
	if err != nil {
		return fmt.Errorf("bot.SetWebhook: %w", err)
	}
	return nil
}

// WebhookHandler receives Telegram's webhook deliveries. Unlike
// go-telegram/bot's own handler it refuses a wrong secret (401, compared
// in constant time), bounds the body (413), refuses what is not JSON (400),
// and answers 200 only once the update's transaction has committed:
// anything else is 500, and Telegram delivers again. The exception is an
// update the models cannot decode, which is logged and answered 200 (see
// decodeUpdate). The replies are sent after the answer, in the chat's
// queue, so they stay in order.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var raw json.RawMessage
		err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&raw)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		u, id, err := decodeUpdate(raw)
		if err != nil {
			// JSON from Telegram that the models cannot read: delivering
			// it again would not help, and Telegram would hold back the
			// updates behind it meanwhile.
			b.undecodable(id, err)
			w.WriteHeader(http.StatusOK)
			return
		}
		if err := b.receive(r.Context(), u); err != nil {
			b.log.Error("webhook update not applied", slog.Int64("update", u.ID), slog.Any("err", err))
			http.Error(w, "not applied", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// receive applies a delivered update in its chat's queue and returns when
// it has committed (or failed); rendering continues in the queue.
func (b *Bot) receive(ctx context.Context, u *models.Update) error {
	in, ok := readUpdate(u)
	if !ok {
		b.metrics.updatesApplied.WithLabelValues("ignored").Inc()
		return nil
	}
	applied := make(chan error, 1)
	b.inflight.Add(1)
	b.serial.Submit(in.ChatID, func() {
		defer b.inflight.Done()
		// The request's context: if Telegram hangs up, the transaction is
		// rolled back and the update comes again.
		out, err := b.apply(ctx, in)
		applied <- err
		if err == nil {
			b.reply(out)
		}
	})
	select {
	case err := <-applied:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
