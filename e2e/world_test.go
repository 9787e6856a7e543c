package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
)

// world is one test's set-up: a database of its own, a fake Telegram, and
// the imrbot processes the test starts against them. Tests run in
// parallel, each in its own world: the chat is paced at one message a
// second per chat, so a serial suite would take minutes.
type world struct {
	t     *testing.T
	ctx   context.Context
	dbURL string
	db    *pgtest.DB
	fake  *telegramfake.Server
	env   []string // "KEY=value" for every process of this world

	mu    sync.Mutex
	users []*telegramfake.User // whose ids must never reach a log or an export
}

// newWorld makes a world whose waits all end by the deadline.
func newWorld(t *testing.T, deadline time.Duration) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	w := &world{t: t, ctx: ctx}
	w.db = pgtest.NewDatabase(t) // skips without a server, fails under CI; the binary migrates it
	w.dbURL = w.db.URL
	w.fake = telegramfake.New()
	t.Cleanup(w.fake.Close)
	return w
}

// count is the number of rows in table.
func (w *world) count(table string) int {
	w.t.Helper()
	return w.db.Count(w.t, table)
}

// countAll is the row count of every table but goose's, to show that
// something stored nothing.
func (w *world) countAll() map[string]int {
	w.t.Helper()
	return w.db.CountAll(w.t)
}

// derivedTables are kept from the others by serve at any moment (the
// cohort's counts, store/cohort_facts.go), so their counts say nothing of
// what a step stored.
var derivedTables = []string{"cohort_changes", "cohort_facts", "cohort_counts"}

// sameCounts reports the tables whose counts differ, ignoring except and
// derivedTables.
func sameCounts(before, after map[string]int, except ...string) []string {
	except = append(except, derivedTables...)
	var diff []string
	for table, n := range after {
		if slices.Contains(except, table) {
			continue
		}
		if before[table] != n {
			diff = append(diff, fmt.Sprintf("%s %d -> %d", table, before[table], n))
		}
	}
	for table, n := range before {
		if _, ok := after[table]; !ok && !slices.Contains(except, table) {
			diff = append(diff, fmt.Sprintf("%s %d -> gone", table, n))
		}
	}
	slices.Sort(diff)
	return diff
}

// environ is the environment of every imrbot process: nothing inherited
// but what a process needs to run, so the caller's settings never leak in.
// extra entries "KEY=value" add or replace a variable; "KEY" removes it.
func (w *world) environ(extra ...string) []string {
	env := map[string]string{
		"PATH":                 os.Getenv("PATH"),
		"HOME":                 os.Getenv("HOME"),
		"TMPDIR":               os.TempDir(),
		"DATABASE_URL":         w.dbURL,
		"TELEGRAM_BOT_TOKEN":   w.fake.Token,
		"TELEGRAM_API_URL":     w.fake.URL,
		"LOG_FORMAT":           "json",
		"REMINDER_INTERVAL":    "200ms",
		"REMINDER_QUIET_HOURS": "", // set and empty: reminders at any hour
	}
	for _, kv := range append(slices.Clone(w.env), extra...) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		} else {
			delete(env, kv)
		}
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// result is what a finished imrbot command printed and how it ended.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("imrbot %s: exit %d\nstdout: %q\nstderr: %q", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// run runs one imrbot command to its end.
func (w *world) run(args ...string) result {
	w.t.Helper()
	return w.runWith(nil, "", args...)
}

// runWith runs one imrbot command with extra environment and stdin.
func (w *world) runWith(env []string, stdin string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = w.environ(env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		w.t.Fatalf("imrbot %s: %v", strings.Join(args, " "), err)
	}
	w.checkLogText("imrbot "+strings.Join(args, " "), r.stderr)
	return r
}

// must runs a command that has to succeed and returns its standard output.
func (w *world) must(args ...string) string {
	w.t.Helper()
	r := w.run(args...)
	if r.code != 0 {
		w.t.Fatalf("%v", r)
	}
	return r.stdout
}

// invitation is one line of `imrbot invite`.
type invitation struct{ participant, code, link string }

var inviteLine = regexp.MustCompile(`^([^\t]+)\t([^\t]+)\t([^\t]+)$`)

// invite runs `imrbot invite` with args and reads its lines.
func (w *world) invite(args ...string) []invitation {
	w.t.Helper()
	return w.runInvite(nil, args...)
}

// enrol adds a site and invites one participant of role there.
func (w *world) enrol(site, role string, args ...string) invitation {
	w.t.Helper()
	w.must("site", "add", site, "--name", "Site "+site)
	return w.invite(append([]string{"--site", site, "--role", role}, args...)...)[0]
}

// user makes a simulated Telegram user whose ids the logs are checked for.
func (w *world) user(name, lang string) *chat {
	u := w.fake.NewUser(name, lang)
	w.mu.Lock()
	w.users = append(w.users, u)
	w.mu.Unlock()
	return &chat{w: w, u: u}
}

// checkLogText fails the test when text (a process's log) names a
// Telegram user or chat id: logs name participants by code only.
func (w *world) checkLogText(what, text string) {
	w.t.Helper()
	w.mu.Lock()
	users := slices.Clone(w.users)
	w.mu.Unlock()
	for _, u := range users {
		if id := strconv.FormatInt(u.ID, 10); strings.Contains(text, id) {
			w.t.Errorf("%s logged Telegram id %s of %s", what, id, u.FirstName)
		}
	}
	if strings.Contains(text, "WARNING: DATA RACE") {
		w.t.Errorf("%s: the race detector found a data race (see the log)", what)
	}
}
