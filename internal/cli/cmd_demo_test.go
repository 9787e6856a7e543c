package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
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
