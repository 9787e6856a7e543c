package servebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/imrbot/imrbot/bench/serve/tap"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// buildImrbot builds ./cmd/imrbot into a directory removed when b ends, or
// returns -binary when given.
func buildImrbot(b *testing.B) string {
	b.Helper()
	if *binaryFlag != "" {
		return *binaryFlag
	}
	out := filepath.Join(b.TempDir(), "imrbot")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/imrbot")
	cmd.Dir = filepath.Join("..", "..")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build ./cmd/imrbot: %v\n%s", err, msg)
	}
	return out
}

// environ is a child's whole environment: nothing inherited but what a
// process needs to run, so the caller's DATABASE_URL or LOG_LEVEL never
// leak into what is measured.
func environ(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}, extra...)
}

// child is a process the benchmark started: imrbot serve or the tap echo.
type child struct {
	name   string
	cmd    *exec.Cmd
	log    string // its standard output and error
	exited chan struct{}
	err    error
}

// startChild starts path with args and env, its output in a file of b's
// temporary directory, and stops it with SIGTERM when b ends.
func startChild(b *testing.B, name, path string, env []string, args ...string) *child {
	b.Helper()
	c := &child{name: name, cmd: exec.Command(path, args...), exited: make(chan struct{})}
	c.log = filepath.Join(b.TempDir(), name+".log")
	f, err := os.Create(c.log)
	if err != nil {
		b.Fatal(err)
	}
	c.cmd.Env, c.cmd.Stdout, c.cmd.Stderr = env, f, f
	if err := c.cmd.Start(); err != nil {
		f.Close()
		b.Fatalf("start %s: %v", name, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		f.Close()
		close(c.exited)
	}()
	b.Cleanup(func() { c.stop(b) })
	return c
}

// stop ends the child with SIGTERM and waits for it, killing it after 30 s
// (an older build may take that long: -binary), and says how long it took
// and whether it had to be killed. A clean stop ending in an error fails b.
func (c *child) stop(b *testing.B) (took time.Duration, killed bool) {
	select {
	case <-c.exited:
		return 0, false
	default:
	}
	t0 := time.Now()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
		if c.err != nil {
			b.Errorf("%s: exit after SIGTERM: %v\n%s", c.name, c.err, c.tail())
		}
		return time.Since(t0), false
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		b.Logf("%s: still running 30 s after SIGTERM: killed", c.name)
		return time.Since(t0), true
	}
}

// tail is the end of the child's output, for failures.
func (c *child) tail() string {
	data, _ := os.ReadFile(c.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// alive fails b when the child has exited.
func (c *child) alive(b *testing.B) {
	b.Helper()
	select {
	case <-c.exited:
		b.Fatalf("%s exited: %v\n%s", c.name, c.err, c.tail())
	default:
	}
}

// waitPolling waits until the child is long polling the fake, and fails b
// if it exits first or has not started polling within a minute.
func (c *child) waitPolling(ctx context.Context, b *testing.B, fake *telegramfake.Server) {
	b.Helper()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	go func() {
		select {
		case <-c.exited:
			cancel()
		case <-wctx.Done():
		}
	}()
	if err := fake.WaitPoller(wctx); err != nil {
		c.alive(b)
		b.Fatalf("%s: %v\n%s", c.name, err, c.tail())
	}
}

// cpu is the processor time the child has used so far (user and system).
func (c *child) cpu(b *testing.B) time.Duration {
	b.Helper()
	return processCPU(b, strconv.Itoa(c.cmd.Process.Pid))
}

// processCPU is the processor time a process (a pid, or "self") has used
// so far, user and system.
func processCPU(b *testing.B, pid string) time.Duration {
	b.Helper()
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14 and stime 15, in clock ticks (100
	// a second on Linux).
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// machineCPU is the whole machine's processor time so far, busy and in
// all (clock ticks of every core), from /proc/stat: what a phase's busy
// cores are computed from, to show how much else ran meanwhile.
func machineCPU(b *testing.B) (busy, total int64) {
	b.Helper()
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		b.Fatal(err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	for i, f := range strings.Fields(line)[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// memory is the child's resident memory now (VmRSS) and at its peak
// (VmHWM), in MiB.
func (c *child) memory(b *testing.B) (rss, peak float64) {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		switch {
		case err != nil:
		case key == "VmRSS":
			rss = kb / 1024
		case key == "VmHWM":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// freeAddr is a loopback address nobody listens on.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runImrbot runs one imrbot command to its end and returns its output.
func runImrbot(b *testing.B, path string, env []string, args ...string) string {
	b.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			stderr = ee.Stderr
		}
		b.Fatalf("imrbot %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// metric reads one counter from imrbot's /metrics (0 when absent).
func metric(b *testing.B, addr, name string) float64 {
	b.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	var sum float64
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) == 2 && (fields[0] == name || strings.HasPrefix(fields[0], name+"{")) {
			v, _ := strconv.ParseFloat(fields[1], 64)
			sum += v
		}
	}
	return sum
}

// echoEnv marks the benchmark binary started again as the tap echo, so
// that the echo, like imrbot, runs in a process of its own.
const echoEnv = "IMRBOT_SERVE_BENCH_ECHO"

// runEcho is the tap echo process: it polls the fake at ECHO_API_URL with
// ECHO_TOKEN until SIGTERM. Its HTTP client pools as many connections as
// imrbot's (bot.New: 128), so that neither is measured opening them.
func runEcho() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	total, _ := strconv.Atoi(os.Getenv("ECHO_TOTAL"))
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 128
	echo, err := tgbot.New(os.Getenv("ECHO_TOKEN"), tgbot.WithServerURL(os.Getenv("ECHO_API_URL")),
		tgbot.WithDefaultHandler(tap.Echo(total)), tgbot.WithErrorsHandler(func(error) {}),
		tgbot.WithHTTPClient(time.Minute, &http.Client{Transport: t, Timeout: time.Minute}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	echo.Start(ctx)
	return 0
}

// percentile is the p-th latency of sorted ones.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sortedConcat(parts [][]time.Duration) []time.Duration {
	all := slices.Concat(parts...)
	slices.Sort(all)
	return all
}
