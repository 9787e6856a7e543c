package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// allowedUpdates are the updates the bot asks Telegram for, in both modes.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Poll takes updates by long polling until ctx ends, first removing any
// webhook (Telegram refuses getUpdates while one is set), then waits for
// the updates taken to be applied and their replies sent.
//
// An update is confirmed to Telegram (by asking for the updates after it)
// only once it has been applied, so a process that dies loses nothing:
// the next one is given the same updates again, and the update ids make
// the ones already applied harmless. (go-telegram/bot's own loop confirms
// an update as soon as it is queued, which is why the bot polls itself.)
// An update that cannot be decoded is logged and confirmed with the others
// of its batch. An update that cannot be applied (the database is down) is asked for
// again, with the ones after it, until it has failed for about a minute;
// then the person is told to send it again, and it is let go, so that one
// update cannot stop every chat.
func (b *Bot) Poll(ctx context.Context) error {
	if err := b.deleteWebhook(ctx); err != nil {
		return fmt.Errorf("bot.Poll: %w", err)
	}
	var offset int64
	var wait time.Duration
	stuck := stuckUpdate{}
	for ctx.Err() == nil {
		if wait > 0 && b.sender.Sleep(ctx, wait) != nil {
			break
		}
		// A second short of the client's limit, as go-telegram/bot polls.
		batch, err := b.getUpdates(ctx, offset, max(b.pollTimeout-time.Second, time.Second))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			b.log.Warn("telegram: getUpdates failed", slog.Any("err", err))
			wait = backoff(wait)
			continue
		}
		failed, ok := b.applyPolled(batch.updates)
		switch {
		case !ok:
			offset, wait = failed.ID, backoff(wait)
			if stuck.again(failed.ID) >= maxPollRounds {
				b.log.Error("update lost", slog.Int64("update", failed.ID))
				b.tellFailure(failed)
				offset, wait = failed.ID+1, 0
			}
		case batch.last > 0:
			// Undecodable updates are confirmed with the rest.
			offset, wait = batch.last+1, 0
		}
	}
	b.Drain(30 * time.Second)
	if offset > 0 {
		// Confirm what was applied, so that the next start is not given it
		// again (it would be harmless, but quiet).
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := b.getUpdates(cctx, offset, 0); err != nil {
			b.log.Warn("telegram: confirming the last updates failed", slog.Any("err", err))
		}
	}
	return nil
}

// errChatBehind marks an update not applied because an earlier one of its
// chat was not.
var errChatBehind = errors.New("an earlier update of the chat was not applied")

// maxPollRounds is how many times in a row an update that cannot be
// applied is asked for again before it is let go (each round retries it a
// few times, and rounds are up to 5 seconds apart).
const maxPollRounds = 12

// stuckUpdate counts the rounds one update has failed in a row.
type stuckUpdate struct {
	id     int64
	rounds int
}

func (s *stuckUpdate) again(id int64) int {
	if s.id != id {
		s.id, s.rounds = id, 0
	}
	s.rounds++
	return s.rounds
}

// backoff is the next wait after a failure: 100 ms, doubling, at most 5 s.
func backoff(wait time.Duration) time.Duration {
	return min(max(2*wait, 100*time.Millisecond), 5*time.Second)
}

// applyPolled applies a batch of polled updates, each in its chat's queue,
// and returns when all have been applied (their replies follow in the
// queues). ok is false when one could not be: failed is the first such.
func (b *Bot) applyPolled(updates []*models.Update) (failed incoming, ok bool) {
	var (
		applied sync.WaitGroup
		mu      sync.Mutex
		errs    = map[int64]incoming{} // by update id
		chats   = map[int64]bool{}     // chats with an update not applied
	)
	for _, u := range updates {
		in, ok := readUpdate(u)
		if !ok {
			b.metrics.updatesApplied.WithLabelValues("ignored").Inc()
			continue
		}
		applied.Add(1)
		b.inflight.Add(1)
		b.serial.Submit(in.ChatID, func() {
			defer b.inflight.Done()
			// A chat's updates stay in order: after one that failed, the
			// rest wait to be asked for again with it.
			mu.Lock()
			skip := chats[in.ChatID]
			mu.Unlock()
			var out *outcome
			err := errChatBehind
			if !skip {
				out, err = b.applyRetrying(b.work, in)
			}
			if err != nil {
				if !skip {
					b.log.Warn("update not applied; asking for it again", slog.Int64("update", in.ID), slog.Any("err", err))
				}
				mu.Lock()
				errs[in.ID], chats[in.ChatID] = in, true
				mu.Unlock()
			}
			applied.Done()
			if err == nil {
				b.reply(out)
			}
		})
	}
	applied.Wait()
	for _, u := range updates {
		if in, bad := errs[u.ID]; bad {
			return in, false
		}
	}
	return incoming{}, true
}

// polled is a batch of getUpdates: the updates the bot could decode, and
// the highest update id in it, decoded or not, which the next offset
// confirms.
type polled struct {
	updates []*models.Update
	last    int64
}

// getUpdates asks Telegram for the updates from offset on, waiting up to
// timeout for one to come; asking confirms every update before offset.
// Each update is decoded on its own (see decodeUpdate).
func (b *Bot) getUpdates(ctx context.Context, offset int64, timeout time.Duration) (polled, error) {
	params, err := json.Marshal(struct {
		Offset         int64    `json:"offset,omitempty"`
		Timeout        int      `json:"timeout"`
		AllowedUpdates []string `json:"allowed_updates"`
	}{offset, int(timeout.Seconds()), allowedUpdates})
	if err != nil {
		return polled{}, fmt.Errorf("getUpdates: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+"/bot"+b.token+"/getUpdates", bytes.NewReader(params))
	if err != nil {
		return polled{}, fmt.Errorf("getUpdates: %w", b.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return polled{}, fmt.Errorf("getUpdates: %w", b.redact(err))
	}
	defer func() { _ = resp.Body.Close() }()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return polled{}, fmt.Errorf("getUpdates: HTTP %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return polled{}, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	batch := polled{updates: make([]*models.Update, 0, len(r.Result))}
	for _, raw := range r.Result {
		u, id, err := decodeUpdate(raw)
		batch.last = max(batch.last, id)
		if err != nil {
			b.undecodable(id, err)
			continue
		}
		batch.updates = append(batch.updates, u)
	}
	return batch, nil
}

// redact keeps the bot token, which is in every Bot API address, out of an
// error that will be logged.
func (b *Bot) redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, b.token, "<token>")
	}
	return err
}
