package e2e

import (
	"strings"
	"testing"
	"time"
)

// `imrbot demo` runs the journey in a terminal: scripted with "1" lines on
// a pipe, it shows the consent and then a question, and exits 0 when the
// input ends.
func TestDemo(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3*time.Minute)
	r := w.runWith([]string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"}, strings.Repeat("1\n", 4), "demo")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	if !strings.Contains(r.stdout, "I agree") {
		t.Errorf("demo never showed the consent (no \"I agree\"):\n%s", r.stdout)
	}
	if !progressRE.MatchString(r.stdout) {
		t.Errorf("demo never showed a question (no progress such as 1/15):\n%s", r.stdout)
	}
}
