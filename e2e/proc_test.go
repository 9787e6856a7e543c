package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a running `imrbot serve`.
type proc struct {
	w      *world
	name   string
	cmd    *exec.Cmd
	addr   string // LISTEN_ADDR
	log    *logSink
	exited chan struct{}
	err    error // Wait's, once exited is closed
	killed bool
}

// serve starts `imrbot serve` with extra environment and waits until it
// answers /healthz. It is stopped with SIGTERM when the test ends.
func (w *world) serve(name string, env ...string) *proc {
	w.t.Helper()
	p := w.start(name, env...)
	p.waitHealthy()
	return p
}

// start starts `imrbot serve` without waiting for it.
func (w *world) start(name string, env ...string) *proc {
	w.t.Helper()
	addr := freeAddr(w.t)
	p := &proc{w: w, name: name, addr: addr, log: &logSink{t: w.t, name: name}, exited: make(chan struct{})}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "LISTEN_ADDR="); ok {
			p.addr = v
		}
	}
	p.cmd = exec.Command(binary, "serve")
	p.cmd.Env = w.environ(append([]string{"LISTEN_ADDR=" + addr}, env...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		w.t.Fatalf("start imrbot serve: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	w.t.Cleanup(p.stop)
	return p
}

// freeAddr is a local address nobody listens on, for a serve to listen
// on. It is chosen below Linux's ephemeral range (32768-60999): a port
// the kernel hands out (":0") can be handed out again, to one of the many
// client connections the tests open, before the serve binds it, which
// once failed a test with "address already in use".
func freeAddr(t *testing.T) string {
	t.Helper()
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}

// waitHealthy polls /healthz until it answers 200.
func (p *proc) waitHealthy() {
	p.w.t.Helper()
	ctx, cancel := context.WithTimeout(p.w.ctx, 30*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			p.w.t.Fatalf("%s exited before it was healthy: %v", p.name, p.err)
		case <-ctx.Done():
			p.w.t.Fatalf("%s: /healthz never answered 200: %v", p.name, ctx.Err())
		case <-tick.C:
		}
	}
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (p *proc) kill() {
	p.w.t.Helper()
	p.killed = true
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.checkLog()
}

// stop ends the process with SIGTERM and expects a clean exit.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			p.w.t.Errorf("%s: exit after SIGTERM: %v", p.name, p.err)
		}
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		p.w.t.Errorf("%s: still running 20s after SIGTERM", p.name)
	}
	p.checkLog()
}

// checkLog checks what the process logged: JSON lines (LOG_FORMAT=json)
// that name no Telegram id.
func (p *proc) checkLog() {
	p.w.t.Helper()
	text := p.log.String()
	p.w.checkLogText(p.name, text)
	if strings.Contains(text, "WARNING: DATA RACE") {
		return // reported above; the race report is not JSON
	}
	lines := strings.Split(text, "\n")
	if p.killed {
		lines = lines[:len(lines)-1] // SIGKILL may cut the last line short
	}
	for _, line := range lines {
		if line != "" && !json.Valid([]byte(line)) {
			p.w.t.Errorf("%s: LOG_FORMAT=json but a log line is not JSON: %q", p.name, line)
			return
		}
	}
}

// logSink copies a process's output into the test log, line by line, and
// keeps it for the checks.
type logSink struct {
	t    *testing.T
	name string
	mu   sync.Mutex
	all  bytes.Buffer
	part []byte
}

func (s *logSink) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all.Write(b)
	s.part = append(s.part, b...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			break
		}
		s.t.Logf("%s: %s", s.name, s.part[:i])
		s.part = s.part[i+1:]
	}
	return len(b), nil
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.all.String()
}
