// Package chatbench measures the chat end to end: simulated participants in
// the fake Telegram answer their questionnaires through the real bot and a
// real PostgreSQL, and a minimal go-telegram/bot echo bot on the same fake,
// in the same run, gives the ceiling the figures are compared with.
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/chat/
//
// b.N is not used: each benchmark answers a fixed workload (-people
// participants, -answers each) and reports answers/s and the time from a
// tap to the next question (p50/p95/p99), and the ratios to the echo bot.
package chatbench

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imrbot/imrbot/bench/serve/tap"
	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

var (
	people  = flag.Int("people", 200, "participants answering at once")
	answers = flag.Int("answers", 45, "answers each participant gives (the consumer baseline battery has about 50 questions)")
	group   = flag.Int("group", 0, "the bot's GroupSize (0: its default; 1: every answer in its own transaction)")
	groupTx = flag.Int("group-tx", 0, "the bot's GroupTransactions (0: its default)")
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		flag.Parse()
		os.Exit(runChild())
	}
	pgtest.Main(m)
}

// result is one run's figures.
type result struct {
	rate          float64 // answers per second
	p50, p95, p99 time.Duration
}

func (r result) report(b *testing.B) {
	b.ReportMetric(r.rate, "answers/s")
	b.ReportMetric(ms(r.p50), "p50_ms")
	b.ReportMetric(ms(r.p95), "p95_ms")
	b.ReportMetric(ms(r.p99), "p99_ms")
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func summarise(latencies [][]time.Duration, elapsed time.Duration) result {
	all := slices.Concat(latencies...)
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	return result{rate: float64(len(all)) / elapsed.Seconds(), p50: pct(0.50), p95: pct(0.95), p99: pct(0.99)}
}

// pooled is the HTTP client both bots use, so that neither is measured
// opening connections.
func pooled() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
	return &http.Client{Transport: t, Timeout: time.Minute}
}

// The ceilings: two minimal go-telegram/bot echo bots (long polling, async
// handlers, the same pooled client as the bot) on the same fake, each run
// once per process. Nothing is stored; they measure what the fake, the
// client and this machine allow.
//
//   - tap: the same people as the bot's tap an option of the message they
//     were sent and wait for the next one; the echo bot does what the chat
//     contract asks of any bot for a tap (answer the button tap, edit the
//     tapped message to show the choice, send the next question with its
//     buttons), three Bot API calls. The ratios are taken against this one:
//     it differs from the bot only in what the bot exists for (the engine
//     and the database).
//   - text: each person sends a text message and waits for it to come
//     back, one Bot API call per answer: the fake's raw speed.
var (
	tapOnce, textOnce     sync.Once
	tapResult, textResult result
)

func tapEcho(b *testing.B) result {
	tapOnce.Do(func() { tapResult = runEcho(b, tap.Echo(*answers+1), tapEchoPerson) })
	return tapResult
}

func textEcho(b *testing.B) result {
	textOnce.Do(func() { textResult = runEcho(b, textEchoHandler, textEchoPerson) })
	return textResult
}

func textEchoHandler(ctx context.Context, bt *tgbot.Bot, u *models.Update) {
	if u.Message != nil {
		_, _ = bt.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
	}
}

func textEchoPerson(ctx context.Context, u *telegramfake.User, latencies *[]time.Duration) error {
	for k := range *answers {
		text := "m" + strconv.Itoa(k)
		t0 := time.Now()
		u.Send(text)
		if _, err := u.WaitFor(ctx, func(m telegramfake.Message) bool { return m.Text == text }); err != nil {
			return err
		}
		*latencies = append(*latencies, time.Since(t0))
	}
	return nil
}

func tapEchoPerson(ctx context.Context, u *telegramfake.User, latencies *[]time.Duration) error {
	p := &tap.Person{U: u}
	if err := p.StartEcho(ctx); err != nil {
		return err
	}
	for range *answers {
		t0 := time.Now()
		if err := p.Answer(ctx); err != nil {
			return err
		}
		*latencies = append(*latencies, time.Since(t0))
	}
	return nil
}

// runEcho runs an echo bot with handler and has -people people at once do
// what person does, timing each answer.
func runEcho(b *testing.B, handler tgbot.HandlerFunc,
	person func(context.Context, *telegramfake.User, *[]time.Duration) error) result {
	fake := telegramfake.New(telegramfake.WithoutLimits(), telegramfake.WithMessageHistory(64))
	defer fake.Close()
	echoBot, err := tgbot.New(fake.Token, tgbot.WithServerURL(fake.URL), tgbot.WithDefaultHandler(handler),
		tgbot.WithErrorsHandler(func(error) {}), tgbot.WithHTTPClient(time.Minute, pooled()))
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
	latencies := make([][]time.Duration, *people)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range latencies {
		u := fake.NewUser("user"+strconv.Itoa(i), "en")
		wg.Go(func() {
			if err := person(ctx, u, &latencies[i]); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	return summarise(latencies, time.Since(start))
}

// BenchmarkEcho runs the ceilings on their own.
func BenchmarkEcho(b *testing.B) {
	b.Run("echo=tap", func(b *testing.B) { tapEcho(b).report(b) })
	b.Run("echo=text", func(b *testing.B) { textEcho(b).report(b) })
}

// BenchmarkChat runs the real bot in both intake modes; each run reports
// its figures and their ratios to the tap echo bot measured in the same
// process (and logs the text echo's for comparison).
func BenchmarkChat(b *testing.B) {
	for _, mode := range []string{"polling", "webhook"} {
		b.Run("mode="+mode, func(b *testing.B) {
			ceiling, raw := tapEcho(b), textEcho(b)
			r := runChat(b, mode)
			r.report(b)
			b.ReportMetric(r.rate/ceiling.rate, "rate/echo")
			b.ReportMetric(float64(r.p99)/float64(ceiling.p99), "p99/echo")
			b.Logf("%s: %.0f answers/s (tap echo %.0f, ratio %.2f); p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (tap echo p50 %.1f ms, p99 %.1f ms, ratio %.2f)",
				mode, r.rate, ceiling.rate, r.rate/ceiling.rate, ms(r.p50), ms(r.p95), ms(r.p99), ms(ceiling.p50), ms(ceiling.p99), float64(r.p99)/float64(ceiling.p99))
			b.Logf("text echo: %.0f messages/s, p50 %.1f ms, p99 %.1f ms", raw.rate, ms(raw.p50), ms(raw.p99))
		})
	}
}

var (
	catalogOnce sync.Once
	catalog     *questionnaires.Catalog
)

// runChat enrols -people consumers (not timed), then has them answer
// -answers questions each at once, timing every tap to the next question.
func runChat(b *testing.B, mode string) result {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := pgtest.Store(b)
	catalogOnce.Do(func() {
		var err error
		if catalog, err = questionnaires.Load(""); err != nil {
			b.Fatal(err)
		}
	})
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		b.Fatal(err)
	}
	invites, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", Lang: "en", InviteExpires: time.Now().Add(time.Hour)},
		*people, func() (string, error) { return "c" + strconv.FormatInt(inviteSeq.Add(1), 36), nil })
	if err != nil {
		b.Fatal(err)
	}
	fake := telegramfake.New(telegramfake.WithoutLimits(), telegramfake.WithMessageHistory(64))
	defer fake.Close()
	// The bot's own apply histogram says how much of a tap's time is the
	// transaction.
	reg := prometheus.NewRegistry()
	defer logApplyTime(b, reg)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	conv, err := conversation.New(conversation.Options{
		Store: st, Catalog: catalog, Logger: logger, Metrics: conversation.NewMetrics(reg),
		GroupSize: *group, GroupTransactions: *groupTx,
	})
	if err != nil {
		b.Fatal(err)
	}
	chatBot, err := bot.New(bot.Options{
		Token: fake.Token, APIURL: fake.URL, Store: st, Conversation: conv,
		HTTPClient: pooled(), Metrics: bot.NewMetrics(reg), Logger: logger,
		// Limits off, as the fake's: this measures the bot, not Telegram's
		// 30 messages a second.
	})
	if err != nil {
		b.Fatal(err)
	}
	switch mode {
	case "polling":
		polled := make(chan error, 1)
		pctx, stop := context.WithCancel(ctx)
		go func() { polled <- chatBot.Poll(pctx) }()
		defer func() { stop(); <-polled }()
		if err := fake.WaitPoller(ctx); err != nil {
			b.Fatal(err)
		}
	case "webhook":
		srv := httptest.NewUnstartedServer(chatBot.WebhookHandler("bench-secret"))
		srv.Listener.Close()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv.Listener = ln
		srv.Start()
		defer func() { srv.Close(); chatBot.Drain(30 * time.Second) }()
		if err := chatBot.SetWebhook(ctx, srv.URL+"/telegram", "bench-secret"); err != nil {
			b.Fatal(err)
		}
	}

	// Enrol everyone first: the timed part is answering.
	users := make([]*tap.Person, len(invites))
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i, inv := range invites {
		users[i] = &tap.Person{U: fake.NewUser("p"+strconv.Itoa(i), "en")}
		wg.Go(func() {
			if err := users[i].Enrol(ctx, inv.InviteCode); err != nil {
				failed.Add(1)
				b.Error(err)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.FailNow()
	}

	latencies := make([][]time.Duration, len(users))
	start := time.Now()
	for i, p := range users {
		wg.Go(func() {
			for range *answers {
				t0 := time.Now()
				if err := p.Answer(ctx); err != nil {
					b.Error(err)
					return
				}
				latencies[i] = append(latencies[i], time.Since(t0))
				if p.Done {
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stored := pgtest.Count(b, "answers")
	if want := len(slices.Concat(latencies...)); stored != want {
		b.Errorf("%d answers stored, %d given", stored, want)
	}
	return summarise(latencies, elapsed)
}

var inviteSeq atomic.Int64

func logApplyTime(b *testing.B, reg *prometheus.Registry) {
	mfs, err := reg.Gather()
	if err != nil {
		return
	}
	for _, mf := range mfs {
		h := mf.GetMetric()[0].GetHistogram()
		n := h.GetSampleCount()
		if n == 0 {
			continue
		}
		switch mf.GetName() {
		case "imrbot_apply_seconds":
			b.Logf("apply: %d updates, mean %.1f ms to apply (waiting for its turn included)", n, 1000*h.GetSampleSum()/float64(n))
		case "imrbot_group_updates":
			b.Logf("groups: %d shared transactions, %.1f updates each on average", n, h.GetSampleSum()/float64(n))
		}
	}
}
