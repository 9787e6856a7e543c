package bot_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"golang.org/x/time/rate"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// TestSendLimitsKeepAMarginUnderTelegrams: messages paced by SendLimits(30),
// forty chats each with always one more to send, reach a server with
// Telegram's limits (the fake's: 1/s with bursts of 3 per chat, 30/s with
// bursts of 30 in all) delayed by up to 0.75 s each, at random: pacing alone
// never draws a 429. Pacing at exactly 1/s per chat does, which shows the
// check can fail.
func TestSendLimitsKeepAMarginUnderTelegrams(t *testing.T) {
	if got := bot.SendLimits(30); got != bot.TelegramLimits {
		t.Errorf("SendLimits(30) = %+v, TelegramLimits = %+v", got, bot.TelegramLimits)
	}
	if got := bot.SendLimits(0); got != (bot.Limits{}) {
		t.Errorf("SendLimits(0) = %+v, want no pacing", got)
	}
	if n := tooManyUnderJitter(t, bot.SendLimits(30)); n > 0 {
		t.Errorf("SendLimits(30) drew %d 429s", n)
	}
	exact := bot.Limits{Global: 30, GlobalBurst: 5, PerChat: 1, PerChatBurst: 3}
	if n := tooManyUnderJitter(t, exact); n == 0 {
		t.Error("pacing at exactly Telegram's limits drew no 429: the simulation shows nothing")
	}
}

// tooManyUnderJitter schedules messages as the Sender's limiters let them
// out (in simulated time), delays each on its way by up to 0.75 s, and
// sends them to the fake with its clock set to their arrival. It returns
// the 429s drawn.
func tooManyUnderJitter(t *testing.T, l bot.Limits) int {
	t.Helper()
	const chats, perChat, jitter = 40, 25, 750 * time.Millisecond
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(10, 429))

	type send struct {
		chat    int
		arrives time.Time
	}
	global := rate.NewLimiter(l.Global, l.GlobalBurst)
	limiters := make([]*rate.Limiter, chats)
	for c := range limiters {
		limiters[c] = rate.NewLimiter(l.PerChat, l.PerChatBurst)
	}
	// As Sender.wait, in the order of time (a limiter's times must not go
	// back): a chat's next message waits until its chat has a token, then
	// takes a global one, then the chat's.
	ready := make([]time.Time, chats) // the chat has a token for its next message
	left := make([]int, chats)
	for c := range chats {
		ready[c], left[c] = start, perChat
	}
	var sends []send
	for range chats * perChat {
		c := -1
		for i := range chats {
			if left[i] > 0 && (c < 0 || ready[i].Before(ready[c])) {
				c = i
			}
		}
		at := ready[c]
		at = at.Add(global.ReserveN(at, 1).DelayFrom(at))
		if !limiters[c].AllowN(at, 1) {
			t.Fatalf("chat %d has no token at %v", c, at)
		}
		sends = append(sends, send{c, at.Add(time.Duration(rng.Int64N(int64(jitter))))})
		if left[c]--; left[c] > 0 {
			next := at
			if rng.IntN(4) == 0 { // now and then the chat is quiet a while
				next = next.Add(time.Duration(rng.Int64N(int64(3 * time.Second))))
			}
			if tokens := limiters[c].TokensAt(next); tokens < 1 {
				next = next.Add(time.Duration((1-tokens)/float64(l.PerChat)*float64(time.Second)) + time.Millisecond)
			}
			ready[c] = next
		}
	}
	slices.SortStableFunc(sends, func(a, b send) int { return a.arrives.Compare(b.arrives) })

	var mu sync.Mutex
	now := start
	fake := telegramfake.New(telegramfake.WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}))
	defer fake.Close()
	client, err := tgbot.New(fake.Token, tgbot.WithServerURL(fake.URL), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	users := make([]*telegramfake.User, chats)
	for c := range users {
		users[c] = fake.NewUser("Test", "en")
		users[c].Send("hello") // the bot may write now
	}
	ctx := context.Background()
	tooMany := 0
	for _, s := range sends {
		mu.Lock()
		now = s.arrives
		mu.Unlock()
		_, err := client.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: users[s.chat].ID, Text: "paced"})
		var retry *tgbot.TooManyRequestsError
		switch {
		case errors.As(err, &retry):
			tooMany++
		case err != nil:
			t.Fatal(err)
		}
	}
	return tooMany
}
