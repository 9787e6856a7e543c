package servebench

import (
	"context"
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bench/serve/tap"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

var (
	people     = flag.Int("people", 200, "people answering at once")
	answers    = flag.Int("answers", 45, "answers each person gives (the consumer baseline battery has about 50 questions)")
	binaryFlag = flag.String("binary", "", "an imrbot binary to run instead of building ./cmd/imrbot (an older build, to compare)")
)

func TestMain(m *testing.M) {
	if os.Getenv(echoEnv) != "" {
		os.Exit(runEcho())
	}
	pgtest.Main(m)
}

// figures are one bot's answers/s, latencies and processor time.
type figures struct {
	answers       int
	rate          float64 // answers per second
	p50, p95, p99 time.Duration
	cpu           time.Duration // the bot process's, while answering
	// Cores busy while answering: the machine's, and the bot's and the
	// benchmark's (the fake and the people) among them. The rest is
	// PostgreSQL (for imrbot) and whatever else ran on the machine.
	machine, ours float64
}

// BenchmarkServe measures the built imrbot binary, in a process of its own
// polling the fake (TELEGRAM_SEND_RATE=0), and in the same run the tap
// echo, in a process of its own too, against a fake of the same kind: the
// same people answer the same number of questions through each. b.N is not
// used: each run answers its fixed workload once.
func BenchmarkServe(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := buildImrbot(b)
	echo := echoRun(ctx, b)
	bot := imrbotRun(ctx, b, bin)

	b.ReportMetric(bot.rate, "answers/s")
	b.ReportMetric(ms(bot.p50), "p50_ms")
	b.ReportMetric(ms(bot.p99), "p99_ms")
	b.ReportMetric(echo.rate, "echo_answers/s")
	b.ReportMetric(ms(echo.p99), "echo_p99_ms")
	b.ReportMetric(bot.rate/echo.rate, "rate/echo")
	b.ReportMetric(float64(bot.p99)/float64(echo.p99), "p99/echo")
	b.ReportMetric(echo.machine-echo.ours, "echo_other_cores")
	b.ReportMetric(bot.machine-bot.ours, "other_cores")
	b.ReportMetric(0, "ns/op")
	for _, f := range []struct {
		name string
		figures
	}{{"tap echo", echo}, {"imrbot", bot}} {
		b.Logf("%s: %d answers, %.0f/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; %.2f ms of its processor time per answer; cores busy: %.2f of the machine's %d, %.2f of them the bot's and the benchmark's",
			f.name, f.answers, f.rate, ms(f.p50), ms(f.p95), ms(f.p99), ms(f.cpu)/float64(f.answers), f.machine, runtime.NumCPU(), f.ours)
	}
	b.Logf("imrbot / echo: rate %.2f, p99 %.2f", bot.rate/echo.rate, float64(bot.p99)/float64(echo.p99))
}

// newFake is the fake of both runs: no rate limits (the bots' pacing is off
// too), a bounded history so that its memory stays flat.
func newFake(b *testing.B) *telegramfake.Server {
	fake := telegramfake.New(telegramfake.WithoutLimits(), telegramfake.WithMessageHistory(64))
	b.Cleanup(fake.Close)
	return fake
}

// echoRun measures the tap echo: -people people /start it, then all at
// once answer -answers questions each.
func echoRun(ctx context.Context, b *testing.B) figures {
	fake := newFake(b)
	echo := startChild(b, "tap-echo", os.Args[0], environ(echoEnv+"=1", "ECHO_TOKEN="+fake.Token,
		"ECHO_API_URL="+fake.URL, "ECHO_TOTAL="+strconv.Itoa(*answers+1)), "-test.run=^$", "-test.bench=^$")
	echo.waitPolling(ctx, b, fake)
	ps := make([]*tap.Person, *people)
	for i := range ps {
		ps[i] = &tap.Person{U: fake.NewUser("echo"+strconv.Itoa(i), "en")}
	}
	each(b, len(ps), func(i int) error { return ps[i].StartEcho(ctx) })
	echo.alive(b)
	r := answerAll(ctx, b, ps, echo)
	echo.stop(b)
	fake.Close()
	return r
}

// imrbotRun measures imrbot serve: a fresh database, a site and -people
// consumers invited through the CLI, each enrolled through the chat (not
// timed), then all at once answering -answers questions each.
func imrbotRun(ctx context.Context, b *testing.B, bin string) figures {
	fake := newFake(b)
	db := pgtest.NewDatabase(b)
	env := environ("DATABASE_URL="+db.URL, "TELEGRAM_BOT_TOKEN="+fake.Token, "TELEGRAM_API_URL="+fake.URL,
		"TELEGRAM_SEND_RATE=0", "LISTEN_ADDR="+freeAddr(b))
	codes := enrolment(b, bin, env, *people)
	serve := startChild(b, "imrbot", bin, env, "serve")
	serve.waitPolling(ctx, b, fake)
	ps := make([]*tap.Person, len(codes))
	for i := range ps {
		ps[i] = &tap.Person{U: fake.NewUser("p"+strconv.Itoa(i), "en")}
	}
	each(b, len(ps), func(i int) error { return ps[i].Enrol(ctx, codes[i]) })
	serve.alive(b)
	r := answerAll(ctx, b, ps, serve)
	if stored := db.Count(b, "answers"); stored != r.answers {
		b.Errorf("%d answers stored, %d given", stored, r.answers)
	}
	_, peak := serve.memory(b)
	b.Logf("imrbot peak resident memory: %.1f MiB", peak)
	serve.stop(b)
	fake.Close()
	return r
}

// enrolment migrates the empty database of env, adds a site and invites n
// consumers there, each with the binary's own command, and returns their
// invite codes.
func enrolment(b *testing.B, bin string, env []string, n int) []string {
	b.Helper()
	runImrbot(b, bin, env, "migrate")
	runImrbot(b, bin, env, "site", "add", "OSL", "--name", "Oslo")
	out := runImrbot(b, bin, env, "invite", "--site", "OSL", "--role", "consumer", "--count", strconv.Itoa(n))
	var list []string
	for line := range strings.Lines(out) {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) != 3 {
			b.Fatalf("invite printed %q", line)
		}
		list = append(list, f[1])
	}
	if len(list) != n {
		b.Fatalf("invite printed %d lines, want %d", len(list), n)
	}
	return list
}

// each runs do(i) for every i < n at once and fails b if any failed.
func each(b *testing.B, n int, do func(i int) error) {
	b.Helper()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range n {
		wg.Go(func() {
			if err := do(i); err != nil {
				failed.Add(1)
				b.Error(err)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.FailNow()
	}
}

// answerAll has every person answer -answers questions at once (fewer if
// their battery ends) and times each tap to the next question; the bot's
// processor time is taken over the same span.
func answerAll(ctx context.Context, b *testing.B, ps []*tap.Person, bot *child) figures {
	b.Helper()
	latencies := make([][]time.Duration, len(ps))
	cpu0, self0 := bot.cpu(b), processCPU(b, "self")
	busy0, total0 := machineCPU(b)
	start := time.Now()
	each(b, len(ps), func(i int) error {
		p := ps[i]
		for range *answers {
			t0 := time.Now()
			if err := p.Answer(ctx); err != nil {
				return err
			}
			latencies[i] = append(latencies[i], time.Since(t0))
			if p.Done {
				return nil
			}
		}
		return nil
	})
	elapsed := time.Since(start)
	busy1, total1 := machineCPU(b)
	cpu, self := bot.cpu(b)-cpu0, processCPU(b, "self")-self0
	all := sortedConcat(latencies)
	return figures{
		answers: len(all), rate: float64(len(all)) / elapsed.Seconds(),
		p50: percentile(all, 0.50), p95: percentile(all, 0.95), p99: percentile(all, 0.99),
		cpu:     cpu,
		machine: float64(busy1-busy0) / float64(total1-total0) * float64(runtime.NumCPU()),
		ours:    (cpu + self).Seconds() / elapsed.Seconds(),
	}
}
