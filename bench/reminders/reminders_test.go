package remindersbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/benchseed"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

var (
	participants = flag.Int("participants", 1_000_000, "participants to seed")
	dueCount     = flag.Int("due", 10_000, "reminders due at the start of the dispatch benchmark")
	rateLimit    = flag.Float64("rate", 300, "messages per second the fake accepts in all (Telegram's 30, scaled)")
	benchDB      = flag.String("bench-db", "imrbot_bench_reminders", "the benchmark's own database, created when missing")
)

var (
	setupOnce sync.Once
	seeded    *seededDB
	seedErr   error
	seedNow   time.Time
)

// seededDB is the benchmark database, open both as the store the
// dispatcher uses and as the seed's.
type seededDB struct {
	*store.Store
	seed *benchseed.DB
}

// seed opens (creating and seeding when needed) the benchmark database.
func seed(b *testing.B) (*seededDB, time.Time) {
	b.Helper()
	setupOnce.Do(func() {
		seedNow = time.Now()
		seeded, seedErr = openSeeded(context.Background(), seedNow)
	})
	if seedErr != nil {
		b.Fatal(seedErr)
	}
	return seeded, seedNow
}

func openSeeded(ctx context.Context, now time.Time) (*seededDB, error) {
	for attempt := 0; attempt < 2; attempt++ {
		dbURL, err := pgtest.Kept(ctx, *benchDB, attempt > 0)
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, dbURL)
		if err != nil {
			return nil, err
		}
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			if attempt == 0 { // a schema of another build: the seed is ours to drop
				continue
			}
			return nil, err
		}
		sd, err := benchseed.Open(ctx, dbURL)
		if err != nil {
			st.Close()
			return nil, err
		}
		start := time.Now()
		fresh, err := sd.SeedReminders(ctx, *participants, *dueCount, now)
		if errors.Is(err, benchseed.ErrStale) {
			st.Close()
			sd.Close()
			continue
		}
		if err != nil {
			st.Close()
			sd.Close()
			return nil, err
		}
		if fresh {
			fmt.Printf("seeded %d participants in %s\n", *participants, time.Since(start).Round(time.Second))
		}
		return &seededDB{Store: st, seed: sd}, nil
	}
	return nil, errors.New("could not seed the benchmark database")
}

// BenchmarkFindDue times the dispatcher's query that finds and locks the
// due reminders among the seeded participants: all of them at once, and
// (b.Loop) one claim batch as the dispatcher takes it, both rolled back.
// The baseline is the same find with index scans forbidden; the claim of
// all due reminders at once (an UPDATE of every row, which the dispatcher
// never does) is reported with its EXPLAIN.
func BenchmarkFindDue(b *testing.B) {
	st, now := seed(b)
	ctx := context.Background()
	if err := st.seed.ResetDue(ctx, *dueCount, now); err != nil {
		b.Fatal(err)
	}
	if err := st.seed.Vacuum(ctx, "reminders"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	found, err := st.seed.ProbeFind(ctx, now, *dueCount, false)
	if err != nil {
		b.Fatal(err)
	}
	find := time.Since(start)
	if found != *dueCount {
		b.Fatalf("found %d due reminders, seeded %d", found, *dueCount)
	}
	start = time.Now()
	if _, err := st.seed.ProbeFind(ctx, now, *dueCount, true); err != nil {
		b.Fatal(err)
	}
	baseline := time.Since(start)
	start = time.Now()
	if _, _, err := st.seed.ProbeClaim(ctx, now, *dueCount, false, false); err != nil {
		b.Fatal(err)
	}
	claimAll := time.Since(start)
	_, plan, err := st.seed.ProbeClaim(ctx, now, *dueCount, true, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("EXPLAIN (ANALYZE, BUFFERS) of claiming all %d due reminders at once:\n%s", found, plan)

	b.ResetTimer()
	for b.Loop() {
		if n, _, err := st.seed.ProbeClaim(ctx, now, reminders.DefaultBatch, false, false); err != nil || n != reminders.DefaultBatch {
			b.Fatalf("claimed %d, %v", n, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(find.Microseconds())/1000, "ms/find-all-due")
	b.ReportMetric(float64(baseline.Microseconds())/1000, "ms/find-all-due-seqscan")
	b.ReportMetric(float64(baseline)/float64(find), "x-faster-than-seqscan")
	b.ReportMetric(float64(find)/float64(time.Second), "of-1s-budget")
	b.ReportMetric(float64(claimAll.Microseconds())/1000, "ms/claim-all-due-at-once")
}

// BenchmarkDispatch sends the due reminders through the real dispatcher and
// the bot's Sender to the fake Telegram, whose limits are Telegram's scaled
// to -rate messages a second, and reports the rate achieved and the 429s.
func BenchmarkDispatch(b *testing.B) {
	st, _ := seed(b)
	ctx := context.Background()
	catalog, err := questionnaires.Load("")
	if err != nil {
		b.Fatal(err)
	}
	fake := telegramfake.New(telegramfake.WithLimits(1, *rateLimit), telegramfake.WithBursts(3, 30),
		telegramfake.WithMessageHistory(1))
	defer fake.Close()
	// The due participants' chats are the fake's users, who wrote first.
	chats := make([]int64, *dueCount)
	for i := range chats {
		u := fake.NewUser("p", "en")
		u.Send("/start")
		chats[i] = u.ChatID()
	}
	if err := st.seed.LinkChats(ctx, chats); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	tg, err := tgbot.New(fake.Token, tgbot.WithServerURL(fake.URL), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(time.Minute, client))
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	limits := bot.TelegramLimits
	limits.Global = rate.Limit(*rateLimit)
	sender := bot.NewSender(tg, st.Store, limits, bot.NewMetrics(prometheus.NewRegistry()), log)
	d := &reminders.Dispatcher{
		Store: st.Store, Messenger: sender, Catalog: catalog, Logger: log, Owner: "bench",
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
	}
	var sent int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if err := st.seed.ResetDue(ctx, *dueCount, time.Now()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stats, err := d.Tick(ctx, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if stats.Sent != *dueCount {
			b.Fatalf("tick sent %d of %d (%+v)", stats.Sent, *dueCount, stats)
		}
		sent += stats.Sent
	}
	b.StopTimer()
	achieved := float64(sent) / b.Elapsed().Seconds()
	b.ReportMetric(achieved, "msg/s")
	b.ReportMetric(achieved / *rateLimit, "of-limit")
	b.ReportMetric(float64(fake.Stats().TooManyRequests["sendMessage"]), "429s")
	b.ReportMetric(0, "ns/op")
}
