package chatbench

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bench/serve/tap"
	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

var conversations = flag.Int("conversations", 10_000, "conversations in progress for the memory benchmark")

// childEnv marks the benchmark binary started again as the bot alone, so
// that its resident memory is the bot's, not the fake's or the users'.
const childEnv = "IMRBOT_CHAT_BENCH_CHILD"

// runChild is the child: the bot, polling the fake, until its standard
// input closes.
func runChild() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, os.Getenv("CHILD_DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	cat, err := questionnaires.Load("")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	conv, err := conversation.New(conversation.Options{Store: st, Catalog: cat})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	b, err := bot.New(bot.Options{Token: os.Getenv("CHILD_TOKEN"), APIURL: os.Getenv("CHILD_API_URL"), Store: st, Conversation: conv})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	polled := make(chan error, 1)
	go func() { polled <- b.Poll(ctx) }()
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	cancel()
	<-polled
	return 0
}

// BenchmarkResidentMemory enrols -conversations consumers through a bot
// running in a process of its own, each stopping after the first answer
// (a conversation in progress), and reports that process's resident
// memory: now (rss) and at its peak (hwm).
func BenchmarkResidentMemory(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	url := pgtest.URL(b)
	st := pgtest.Store(b)
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		b.Fatal(err)
	}
	var invites []store.Invitation
	for len(invites) < *conversations {
		batch, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", Lang: "en", InviteExpires: time.Now().Add(time.Hour)},
			min(1000, *conversations-len(invites)), func() (string, error) { return "m" + strconv.FormatInt(inviteSeq.Add(1), 36), nil })
		if err != nil {
			b.Fatal(err)
		}
		invites = append(invites, batch...)
	}
	fake := telegramfake.New(telegramfake.WithoutLimits(), telegramfake.WithMessageHistory(8))
	defer fake.Close()

	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^$", "-test.bench=^$")
	child.Env = append(os.Environ(), childEnv+"=1", "CHILD_DATABASE_URL="+url, "CHILD_TOKEN="+fake.Token, "CHILD_API_URL="+fake.URL)
	stdin, err := child.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); _ = child.Wait() }()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); strings.TrimSpace(line) != "ready" {
		b.Fatalf("child said %q", line)
	}
	idle := memory(b, child.Process.Pid)

	work := make(chan store.Invitation)
	var wg sync.WaitGroup
	for range *people {
		wg.Go(func() {
			for inv := range work {
				p := &tap.Person{U: fake.NewUser("m", "en")}
				if err := p.Enrol(ctx, inv.InviteCode); err != nil {
					b.Error(err)
					return
				}
				if err := p.Answer(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	for _, inv := range invites {
		work <- inv
	}
	close(work)
	wg.Wait()
	if n := pgtest.Count(b, "conversations"); n != *conversations {
		b.Fatalf("%d conversations, want %d", n, *conversations)
	}
	loaded := memory(b, child.Process.Pid)
	b.ReportMetric(idle["VmRSS"], "idle_rss_MiB")
	b.ReportMetric(loaded["VmRSS"], "rss_MiB")
	b.ReportMetric(loaded["VmHWM"], "peak_rss_MiB")
	b.ReportMetric(0, "ns/op")
	b.Logf("bot process with %d conversations in progress: %.1f MiB resident (peak %.1f MiB; %.1f MiB before any)",
		*conversations, loaded["VmRSS"], loaded["VmHWM"], idle["VmRSS"])
}

// memory reads a process's VmRSS and VmHWM, in MiB.
func memory(b *testing.B, pid int) map[string]float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err == nil {
			out[key] = kb / 1024
		}
	}
	return out
}
