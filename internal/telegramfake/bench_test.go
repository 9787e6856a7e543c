package telegramfake_test

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/internal/telegramfake"
)

// echoUsers is how many simulated users talk to the echo bot at once, as in
// the chat benchmark.
const echoUsers = 200

// BenchmarkEchoBot measures a minimal go-telegram/bot echo bot (long
// polling, async handlers) against the fake: 200 users each send a message
// and wait for its echo, b.N round trips in all. It is the ceiling the chat
// benchmark compares the real bot with. "default" uses the client's own
// HTTP client (2 idle connections per host, so most sends open a new one);
// "pooled" keeps up to 256.
//
//	go test -run '^$' -bench EchoBot -benchtime 20000x ./internal/telegramfake/
func BenchmarkEchoBot(b *testing.B) {
	b.Run("transport=default", func(b *testing.B) { benchmarkEcho(b, nil) })
	b.Run("transport=pooled", func(b *testing.B) {
		transport := &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
		}
		benchmarkEcho(b, &http.Client{Transport: transport, Timeout: time.Minute})
	})
}

func benchmarkEcho(b *testing.B, client *http.Client) {
	fake := telegramfake.New(telegramfake.WithoutLimits(), telegramfake.WithMessageHistory(16))
	defer fake.Close()

	var sendErrors atomic.Int64
	echo := func(ctx context.Context, bt *bot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		_, err := bt.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
		if err != nil && ctx.Err() == nil {
			sendErrors.Add(1)
		}
	}
	opts := []bot.Option{bot.WithServerURL(fake.URL), bot.WithDefaultHandler(echo), bot.WithErrorsHandler(func(error) {})}
	if client != nil {
		opts = append(opts, bot.WithHTTPClient(time.Minute, client))
	}
	echoBot, err := bot.New(fake.Token, opts...)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polling := make(chan struct{})
	go func() { defer close(polling); echoBot.Start(ctx) }()
	defer func() { cancel(); <-polling }()
	if err := fake.WaitPoller(ctx); err != nil {
		b.Fatal(err)
	}

	users := make([]*telegramfake.User, echoUsers)
	for i := range users {
		users[i] = fake.NewUser("user"+strconv.Itoa(i), "en")
	}
	var next atomic.Int64
	latencies := make([][]time.Duration, echoUsers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1)
				if k > int64(b.N) {
					return
				}
				text := "m" + strconv.FormatInt(k, 10)
				t0 := time.Now()
				u.Send(text)
				if _, err := u.WaitFor(ctx, func(m telegramfake.Message) bool { return m.Text == text }); err != nil {
					b.Error(err)
					return
				}
				latencies[i] = append(latencies[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	all := slices.Concat(latencies...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "answers/s")
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.95), "p95_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(sendErrors.Load()), "send_errors")
	b.ReportMetric(0, "ns/op")
}
