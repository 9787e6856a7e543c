package servebench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

var (
	flood     = flag.Int("flood", 3000, "messages the stranger sends in BenchmarkFlood")
	floodSpan = flag.Duration("flood-span", 7*time.Second, "the time the stranger takes to send them")
	floodText = flag.Int("flood-text", 4000, "characters in each of the stranger's messages (Telegram allows 4096)")
	settle    = flag.Duration("settle", 60*time.Second, "how long BenchmarkFlood waits for the replies to the flood to end")
)

// quiet is how long the stranger must get nothing for the replies to count
// as over: several times the bot's pace per chat (0.9 a second).
const quiet = 5 * time.Second

// BenchmarkFlood is issue 10's third fault against the built binary: one
// stranger (a chat with no invitation) sends -flood messages in
// -flood-span to imrbot serve, paced as for the real Telegram (the default
// TELEGRAM_SEND_RATE) against a fake with Telegram's limits (1 message a
// second per chat with bursts of 3, 30 in all). Halfway through, an invited
// consumer starts their chat. It reports the imrbot process's resident
// memory before the flood, once every message is applied and at its peak,
// the replies the stranger got and when the last came, the 429s the fake
// answered, and how long the consumer waited for their consent message.
func BenchmarkFlood(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := buildImrbot(b)
	fake := telegramfake.New()
	b.Cleanup(fake.Close)
	addr := freeAddr(b)
	env := environ("DATABASE_URL="+pgtest.NewDatabase(b).URL, "TELEGRAM_BOT_TOKEN="+fake.Token, "TELEGRAM_API_URL="+fake.URL,
		"LISTEN_ADDR="+addr)
	code := enrolment(b, bin, env, 1)[0]
	serve := startChild(b, "imrbot", bin, env, "serve")
	serve.waitPolling(ctx, b, fake)

	// One message answered first, so that "before" is a process that has
	// served a stranger, not one that has yet to load what that takes.
	stranger := fake.NewUser("stranger", "en")
	stranger.Send("hello")
	if _, err := stranger.WaitCount(ctx, 1); err != nil {
		b.Fatal(err)
	}
	rssBefore, _ := serve.memory(b)
	repliesBefore := len(stranger.Messages())

	consumer := fake.NewUser("consumer", "en")
	consented := make(chan time.Duration, 1)
	start := time.Now()
	for i := range *flood {
		time.Sleep(time.Until(start.Add(time.Duration(i) * *floodSpan / time.Duration(*flood))))
		stranger.Send(floodMessage(i))
		if i == *flood/2 {
			go func() {
				t0 := time.Now()
				consumer.Start(code)
				_, err := consumer.WaitFor(ctx, func(m telegramfake.Message) bool { _, ok := m.Button("I agree"); return ok })
				if err != nil {
					b.Error(err)
				}
				consented <- time.Since(t0)
			}()
		}
	}
	sent := time.Now()
	if err := fake.WaitIdle(ctx); err != nil { // polling confirms an update only once applied
		b.Fatal(err)
	}
	applied := time.Since(sent)
	rssApplied, _ := serve.memory(b)
	serve.alive(b)

	// The replies still queued go out at the bot's pace: wait until none
	// has come for a while, or -settle has passed.
	lastReply, stillSending := time.Duration(0), true
	version := stranger.Version()
	deadline := time.Now().Add(*settle)
	for time.Now().Before(deadline) {
		wctx, wcancel := context.WithTimeout(ctx, min(quiet, time.Until(deadline)))
		_, v, err := stranger.WaitChange(wctx, version)
		wcancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			stillSending = time.Until(deadline) <= 0
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		version, lastReply = v, time.Since(sent)
	}
	replies := len(stranger.Messages()) - repliesBefore
	rssAfter, peak := serve.memory(b)
	waited := <-consented
	stats := fake.Stats()
	dropped := metric(b, addr, "imrbot_replies_dropped_total")
	stopTook, killed := serve.stop(b)

	b.ReportMetric(rssBefore, "rss_before_MiB")
	b.ReportMetric(rssApplied, "rss_applied_MiB")
	b.ReportMetric(rssApplied-rssBefore, "growth_MiB")
	b.ReportMetric(peak, "peak_rss_MiB")
	b.ReportMetric(float64(replies), "replies")
	b.ReportMetric(lastReply.Seconds(), "last_reply_s")
	b.ReportMetric(float64(stats.TooManyRequests["sendMessage"]), "429s")
	b.ReportMetric(ms(waited), "consumer_ms")
	b.ReportMetric(stopTook.Seconds(), "stop_s")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d messages from one stranger in %.1f s (the last applied %.0f ms after it was sent): resident memory %.1f MiB before, %.1f MiB once applied, %.1f MiB after the replies, peak %.1f MiB",
		*flood, sent.Sub(start).Seconds(), ms(applied), rssBefore, rssApplied, rssAfter, peak)
	b.Logf("the stranger got %d replies, the last %.1f s after the flood ended (still sending after %s: %v); %.0f replies dropped by imrbot; %d 429s from the fake; %d messages sent in all",
		replies, lastReply.Seconds(), *settle, stillSending, dropped, stats.TooManyRequests["sendMessage"], stats.MessagesSent)
	b.Logf("a consumer who started their chat halfway through the flood got the consent message in %.0f ms", ms(waited))
	b.Logf("SIGTERM to exit: %.1f s (killed: %v)", stopTook.Seconds(), killed)
	if s := strings.TrimSpace(serve.tail()); strings.Contains(s, "panic") {
		b.Errorf("imrbot log:\n%s", s)
	}
}

// floodMessage is the stranger's i-th message, -flood-text characters long.
func floodMessage(i int) string {
	text := fmt.Sprintf("let me in please, this is message %d of %d. ", i+1, *flood)
	return text + strings.Repeat("I really want to answer questionnaires too. ", max(0, *floodText-len(text))/44+1)[:max(0, *floodText-len(text))]
}
