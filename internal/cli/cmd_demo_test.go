package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// testApp is an App as Main builds it, for commands run directly.
func testApp(t *testing.T, ctx context.Context, env map[string]string, stdout io.Writer) *App {
	t.Helper()
	app := &App{
		Stdout: stdout, Stderr: io.Discard, Getenv: func(k string) string { return env[k] },
		Now: time.Now, Logger: slog.New(slog.DiscardHandler), Context: ctx,
	}
	t.Cleanup(app.close)
	return app
}

func TestDemoRunsAScriptedChat(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	app := testApp(t, ctx, map[string]string{"DATABASE_URL": pgtest.URL(t)}, &out)
	script := "1\n1\n2\n/back\n3\n/demo-reminder\n/quit\nnever read\n"
	if err := (&DemoCmd{In: strings.NewReader(script)}).Run(app); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"https://t.me/imrbot_demo_bot?start=",           // the invitation link
		"a number to press a button",                    // the hint
		"built-in EXAMPLE study text (defs/study.yaml)", // whose consent it is
		"Contact: EXAMPLE, replace: Study coordinator",  // the study text's information
		"Ethics approval: EXAMPLE", "Data controller: EXAMPLE",
		"Full information letter: https://example.org/",
		"[1] I agree", "[2] No, I do not", // consent, numbered
		"1/15", "[1] 1 - ", "2/15", "3/15", // questions with their option buttons
		"Your answer now: 2", // /back shows the current answer
		"bot> Reminder (",    // /demo-reminder sends one
		"Demo over",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "never read") {
		t.Error("the demo read past /quit")
	}
	if n := pgtest.Count(t, "answers"); n != 3 {
		t.Errorf("%d answers stored, want 3 (1, 2, and 2 changed to 3)", n)
	}
}

// A newcomer piping "1" lines presses "I agree" (button 1) and then
// answers 1 to each question, as typing the code does in Telegram.
func TestDemoOnesGetPastConsent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	app := testApp(t, ctx, map[string]string{"DATABASE_URL": pgtest.URL(t)}, &out)
	if err := (&DemoCmd{In: strings.NewReader(strings.Repeat("1\n", 3))}).Run(app); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"1/15", "2/15", "3/15"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Please tap one of the buttons.") {
		t.Errorf("a typed 1 was not taken:\n%s", text)
	}
	if n := pgtest.Count(t, "answers"); n != 2 {
		t.Errorf("%d answers stored, want 2", n)
	}
}

func TestDemoEndsWhenInputIsClosed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	app := testApp(t, ctx, map[string]string{"DATABASE_URL": pgtest.URL(t)}, &out)
	if err := (&DemoCmd{In: strings.NewReader("")}).Run(app); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if !strings.Contains(out.String(), "I agree") || !strings.Contains(out.String(), "Demo over") {
		t.Errorf("demo output:\n%s", out.String())
	}
}

// lockedBuffer is a Buffer written by the demo and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoPrintsAWorkingDeskLink: the demo prints a desk login link at
// start that, while the demo runs, opens the login page of its demo
// coordinator, logs them in once onto an overview of the demo site, and
// is refused a second time; the desk stops with the demo.
func TestDemoPrintsAWorkingDeskLink(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out lockedBuffer
	app := testApp(t, ctx, map[string]string{"DATABASE_URL": pgtest.URL(t)}, &out)
	in, typed := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- (&DemoCmd{In: in}).Run(app) }()
	var once sync.Once
	var demoErr error
	end := func() error { // the input ends: the demo ends
		once.Do(func() { typed.Close(); demoErr = <-done })
		return demoErr
	}
	defer end()

	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/desk/login/[A-Za-z0-9_-]+`)
	var link string
	for link == "" {
		select {
		case err := <-done:
			done <- err // for end
			t.Fatalf("demo ended before printing a desk link: %v\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("no desk link printed:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if strings.Contains(out.String(), "I agree") { // the intro is printed whole by then
			link = linkRE.FindString(out.String())
			if link == "" {
				t.Fatalf("no desk login link in the demo's intro:\n%s", out.String())
			}
		}
	}

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	get := func(method, u string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, body := get(http.MethodGet, link)
	if code != http.StatusOK || !strings.Contains(body, "DEMO-R-") {
		t.Fatalf("GET %s: %d %s, want the demo coordinator's login page", link, code, body)
	}
	if code, body := get(http.MethodPost, link); code != http.StatusOK || !strings.Contains(body, "DEMO") {
		t.Errorf("logging in: %d %s, want the desk's overview of the demo site", code, body)
	}
	if code, _ := get(http.MethodGet, link); code != http.StatusGone {
		t.Errorf("the link once used: %d, want 410 Gone", code)
	}

	if err := end(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if _, err := http.Get(link); err == nil {
		t.Error("the desk still answers after the demo ended")
	}
}
