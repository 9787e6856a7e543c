package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// overdueBaseline is a baseline date a little over 12 months ago, so that
// the m12 follow-up (window: due date -14 to +60 days) is open and past
// its due date; it avoids 29 February, whose follow-up moves.
func overdueBaseline() (baseline, due time.Time) {
	now := time.Now()
	b := time.Date(now.Year()-1, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -3)
	if b.Month() == time.February && b.Day() == 29 {
		b = b.AddDate(0, 0, -1)
	}
	return b, time.Date(b.Year()+1, b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
}

// isReminder is a message that is neither a question nor the consent: a
// text with a button and no progress.
func isReminder(m message) bool {
	_, _, q := progress(m)
	_, consent := m.Button("I agree")
	return !q && !consent && m.HasKeyboard()
}

// A follow-up that is due: consenting starts it at once, `due` lists it,
// `remind` sends a reminder whose button starts the questionnaire, and a
// participant who blocked the bot is listed as unreachable.
func TestRemindersOfAnOverdueFollowUp(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	baseline, due := overdueBaseline()
	w.must("site", "add", "OSL", "--name", "Oslo")
	ann := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	bea := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	cora := w.invite("--site", "OSL", "--role", "coordinator", "--lang", "en")[0]
	w.serve("serve")

	// Unlinked participants owe the follow-up but cannot be reached.
	listed := dueLines(t, w.must("due"))
	for _, p := range []string{ann.participant, bea.participant} {
		if got := listed[p]; got.status != "unreachable" {
			t.Errorf("due before %s linked a chat: %+v, want status unreachable", p, got)
		}
	}

	coordinator := w.user("Cora", "en")
	coordinator.u.Start(cora.code)
	coordinator.after(0, "welcoming the coordinator", func(message) bool { return true })

	// Consent while m12 is open starts it at once.
	annChat, q := w.consented("Ann", ann, "en", "I agree")
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Errorf("consent during the m12 window asks %q, want 1/15", q.Text)
	}
	listed = dueLines(t, w.must("due"))
	got := listed[ann.participant]
	if got.site != "OSL" || got.timepoint != "m12" || got.due != due.Format(time.DateOnly) || (got.status != "overdue" && got.status != "open") {
		t.Errorf("due lists %s as %+v, want OSL m12 %s overdue", ann.participant, got, due.Format(time.DateOnly))
	} else if got.status != "overdue" {
		t.Logf("due lists %s, due %s, as %q", ann.participant, got.due, got.status)
	}

	if out := w.must("due", "--site", "OSL"); !strings.Contains(out, ann.participant) {
		t.Errorf("due --site OSL lacks %s: %q", ann.participant, out)
	}
	w.must("site", "add", "BRG", "--name", "Bergen")
	if out := w.must("due", "--site", "BRG"); out != "" {
		t.Errorf("due --site BRG (no participants) printed %q", out)
	}

	// A manual reminder comes with a button that starts the questionnaire.
	mark := annChat.lastID()
	if r := w.run("remind", "--participant", ann.participant); r.code != 0 {
		t.Fatalf("%v", r)
	}
	reminder := annChat.after(mark, "reminding of m12", isReminder)
	buttons := reminder.ButtonTexts()
	if _, err := annChat.u.Tap(reminder.ID, reminder.Buttons[0][0].CallbackData); err != nil {
		t.Fatal(err)
	}
	started := annChat.question(reminder.ID)
	if n, of, _ := progress(started); n != 1 || of != 15 {
		t.Errorf("the reminder's button %q asks %q, want the first unanswered question 1/15", buttons[0], started.Text)
	}
	// The consent-time offer counted as the reminder for the steps already
	// past: the manual one is the only reminder Ann got.
	var reminders []string
	for _, m := range annChat.u.Messages() {
		if isReminder(m) {
			reminders = append(reminders, m.Text)
		}
	}
	if len(reminders) != 1 {
		t.Errorf("Ann got %d reminders, want only the manual one: %q", len(reminders), reminders)
	}

	// Bea blocks the bot: after a reminder she is unreachable, and the
	// coordinator is told.
	beaChat, _ := w.consented("Bea", bea, "en", "I agree")
	beaChat.u.Block()
	w.run("remind", "--participant", bea.participant) // refused if the block was already seen
	waitDue(t, w, bea.participant, "unreachable")
	coordinator.after(0, "telling the coordinator that "+bea.participant+" is unreachable", func(m message) bool {
		return strings.Contains(m.Text, bea.participant)
	})

	// Eve's account is gone, which the bot learns from a 403 when it sends
	// her a reminder.
	eve := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	w.consented("Eve", eve, "en", "I agree")
	w.fake.FailNext("sendMessage", 403, "Forbidden: user is deactivated", 0)
	if r := w.run("remind", "--participant", eve.participant); r.code != 0 {
		t.Errorf("%v", r)
	}
	waitDue(t, w, eve.participant, "unreachable")
	coordinator.after(0, "telling the coordinator that "+eve.participant+" is unreachable", func(m message) bool {
		return strings.Contains(m.Text, eve.participant)
	})
}

// `imrbot remind` sends at once, whatever the dispatcher's interval.
func TestRemindIsSentAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3*time.Minute)
	baseline, _ := overdueBaseline()
	w.must("site", "add", "OSL", "--name", "Oslo")
	ann := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	w.serve("serve", "REMINDER_INTERVAL=1h")
	annChat, q := w.consented("Ann", ann, "en", "I agree")
	if r := w.run("remind", "--participant", ann.participant); r.code != 0 {
		t.Fatalf("%v", r)
	}
	ctx, cancel := context.WithTimeout(w.ctx, 15*time.Second)
	defer cancel()
	if _, err := annChat.u.WaitFor(ctx, func(m message) bool { return m.ID > q.ID && isReminder(m) }); err != nil {
		t.Errorf("`imrbot remind` sent nothing within 15s while serve runs with REMINDER_INTERVAL=1h (the contract: sent at once): %v", err)
	}
}

// dueLine is one line of `imrbot due`.
type dueLine struct{ site, timepoint, due, status string }

var dueLineRE = regexp.MustCompile(`^([^\t]+)\t([^\t]+)\t([^\t]+)\t(\d{4}-\d{2}-\d{2})\t(open|overdue|unreachable)$`)

// dueLines reads `imrbot due`, checking every line's shape.
func dueLines(t *testing.T, out string) map[string]dueLine {
	t.Helper()
	lines := map[string]dueLine{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		m := dueLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("due printed %q, want CODE<TAB>SITE<TAB>TIMEPOINT<TAB>YYYY-MM-DD<TAB>open|overdue|unreachable", line)
			continue
		}
		lines[m[1]] = dueLine{m[2], m[3], m[4], m[5]}
	}
	return lines
}

// waitDue runs `imrbot due` until code's line has status.
func waitDue(t *testing.T, w *world, code, status string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last := dueLine{}
	for {
		if last = dueLines(t, w.must("due"))[code]; last.status == status {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("due never listed %s as %s; last %+v", code, status, last)
		case <-tick.C:
		}
	}
}

// Coordinators have /due, /remind and /status; other roles are refused.
func TestCoordinatorCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	baseline, _ := overdueBaseline()
	w.must("site", "add", "OSL", "--name", "Oslo")
	ann := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	cora := w.invite("--site", "OSL", "--role", "coordinator", "--lang", "en")[0]
	w.serve("serve")
	annChat, _ := w.consented("Ann", ann, "en", "I agree")
	coordinator := w.user("Cora", "en")
	coordinator.u.Start(cora.code)
	coordinator.after(0, "welcoming the coordinator", func(message) bool { return true })

	ask := func(c *chat, command string, match func(message) bool) message {
		t.Helper()
		mark := c.lastID()
		c.u.Send(command)
		return c.after(mark, fmt.Sprintf("in reply to %s", command), match)
	}
	any := func(message) bool { return true }
	if r := ask(coordinator, "/due", any); !strings.Contains(r.Text, ann.participant) || !strings.Contains(r.Text, "m12") {
		t.Errorf("/due answered %q, want %s's m12", r.Text, ann.participant)
	}
	if r := ask(coordinator, "/status", any); r.Text == "" {
		t.Errorf("/status answered nothing")
	}
	mark := annChat.lastID()
	ask(coordinator, "/remind "+ann.participant, any)
	reminded := annChat.after(mark, "reminding after /remind CODE", isReminder)
	// /remind due reaches everyone due, so it asks first (issue 5: "confirm
	// first, then send"); nothing goes out before the confirmation.
	r := ask(coordinator, "/remind due", any)
	confirm := regexp.MustCompile(`/remind due \S+`).FindString(r.Text)
	if confirm == "" || !strings.Contains(r.Text, ann.participant) {
		t.Fatalf("/remind due answered %q, want a confirmation naming %s", r.Text, ann.participant)
	}
	if last := annChat.lastID(); last != reminded.ID {
		t.Errorf("/remind due sent before it was confirmed")
	}
	ask(coordinator, confirm, any)
	annChat.after(reminded.ID, "reminding after /remind due", isReminder)

	// A consumer is refused the coordinator's commands.
	for _, command := range []string{"/due", "/status", "/remind " + ann.participant} {
		answers := w.count("answers")
		r := ask(annChat, command, any)
		if strings.Contains(r.Text, ann.participant+"\t") || (command == "/due" && strings.Contains(r.Text, "m12") && strings.Contains(r.Text, ann.participant)) {
			t.Errorf("a consumer's %s was answered as a coordinator's: %q", command, r.Text)
		}
		if w.count("answers") != answers {
			t.Errorf("a consumer's %s stored an answer", command)
		}
	}
}
