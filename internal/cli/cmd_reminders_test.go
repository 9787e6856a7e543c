package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

var cliNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// runAt runs one command with the clock at cliNow, as Main would.
func runAt(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runAtTime(t, cliNow, env, args...)
}

// runAtTime runs one command with the clock at now, as Main would.
func runAtTime(t *testing.T, now time.Time, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = mainAt(context.Background(), func() time.Time { return now }, args, &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), code
}

// joinChat links an invited participant's chat and records their consent
// as the chat would (by hand: these tests need the schema only).
func joinChat(t *testing.T, st *store.Store, code string, chatID int64) {
	t.Helper()
	p, err := st.ParticipantByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at) VALUES ($1, $2, $2, $3)`, p.ID, chatID, cliNow)
	pgtest.Exec(t, `UPDATE participants SET status = 'active' WHERE id = $1`, p.ID)
	pgtest.Exec(t, `INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, '1', true, $2)`, p.ID, cliNow)
	pgtest.Exec(t, `UPDATE participants SET baseline_date = $2 WHERE id = $1 AND baseline_date IS NULL`, p.ID, cliNow)
}

func inviteOne(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, exit := runAt(t, env, append([]string{"invite", "--site", "OSL", "--lang", "en"}, args...)...)
	if exit != 0 {
		t.Fatalf("invite: %s", errOut)
	}
	return strings.Split(strings.TrimSpace(out), "\t")[0]
}

func TestDueListsOpenAndOverdueFollowUps(t *testing.T) {
	env := dbEnv(t)
	st := pgtest.Store(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	runAt(t, env, "site", "add", "BRG", "--name", "Bergen")
	if out, _, code := runAt(t, env, "due"); code != 0 || out != "" {
		t.Fatalf("due on an empty study = %q, exit %d; want nothing", out, code)
	}
	// m12 due 2026-02-20 (overdue), linked; due 2026-03-20 (open), linked;
	// due 2026-02-25 but never linked (unreachable); m12 not open yet.
	overdue := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-20")
	open := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-03-20")
	unlinked := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-25")
	later := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-06-01")
	joinChat(t, st, overdue, 101)
	joinChat(t, st, open, 102)
	joinChat(t, st, later, 104)
	out, errOut, code := runAt(t, env, "due", "--site", "OSL")
	if code != 0 {
		t.Fatalf("due: exit %d: %s", code, errOut)
	}
	want := strings.Join([]string{
		overdue + "\tOSL\tm12\t2026-02-20\toverdue",
		open + "\tOSL\tm12\t2026-03-20\topen",
		unlinked + "\tOSL\tm12\t2026-02-25\tunreachable",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("due =\n%s\nwant\n%s", out, want)
	}
	if out, _, _ := runAt(t, env, "due", "--site", "BRG"); out != "" {
		t.Errorf("due --site BRG = %q, want nothing", out)
	}
	if _, errOut, code := runAt(t, env, "due", "--site", "XYZ"); code != 2 || !strings.Contains(errOut, "unknown site") {
		t.Errorf("due --site XYZ: exit %d, %q", code, errOut)
	}
}

func TestRemindQueuesManualReminders(t *testing.T) {
	env := dbEnv(t)
	st := pgtest.Store(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	linked := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-20")
	joinChat(t, st, linked, 101)
	unlinked := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-20")
	before := pgtest.Count(t, "reminders")
	for _, c := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"remind"}, 2, "missing flags"},
		{[]string{"remind", "--participant", linked, "--all-due"}, 2, "can't be used together"},
		{[]string{"remind", "--participant", "OSL-C-9999"}, 2, "unknown participant"},
		{[]string{"remind", "--participant", unlinked}, 1, "cannot be reached"},
	} {
		_, errOut, code := runAt(t, env, c.args...)
		if code != c.exit || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errOut, c.exit, c.want)
		}
	}
	if n := pgtest.Count(t, "reminders"); n != before {
		t.Fatalf("refused reminders wrote rows: %d -> %d", before, n)
	}
	out, errOut, code := runAt(t, env, "remind", "--participant", linked)
	if code != 0 || out != linked+"\t"+linked+"\tm12\n" {
		t.Fatalf("remind --participant: exit %d, %q, %q", code, out, errOut)
	}
	// Without a token nothing is sent; a note says who will send it.
	if !strings.Contains(errOut, "TELEGRAM_BOT_TOKEN is not set") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("remind without a token: stderr %q, want a one-line note", errOut)
	}
	if rs := manualReminders(t, st, linked); len(rs) != 1 || rs[0].Status != store.ReminderPending {
		t.Errorf("manual reminders without a token = %+v, want one pending", rs)
	}
	// --all-due reminds everyone reachable, each with a step of its own.
	out, _, code = runAt(t, env, "remind", "--all-due")
	if code != 0 || out != linked+"\t"+linked+"\tm12\n" {
		t.Errorf("remind --all-due: exit %d, %q", code, out)
	}
	if n := pgtest.Count(t, "reminders") - before; n != 1 {
		// Both commands ran at cliNow: the same manual step, queued once.
		t.Errorf("%d manual reminders queued, want 1", n)
	}
	if n := pgtest.Count(t, "audit_log"); n < 2 {
		t.Errorf("manual reminders not audited")
	}
}

// manualReminders lists code's manual reminders.
func manualReminders(t *testing.T, st *store.Store, code string) []store.Reminder {
	t.Helper()
	p, err := st.ParticipantByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := st.RemindersOf(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var manual []store.Reminder
	for _, r := range rs {
		if strings.HasPrefix(r.Step, "manual:") {
			manual = append(manual, r)
		}
	}
	return manual
}

// With a token, `remind` sends at once through the bot's Sender: the
// message is in the chat when the command returns, with no serve running.
func TestRemindSendsAtOnce(t *testing.T) {
	fake := telegramfake.New(telegramfake.WithoutLimits())
	defer fake.Close()
	env := dbEnv(t)
	env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_URL"] = fake.Token, fake.URL
	st := pgtest.Store(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	user := func(name, code string) *telegramfake.User {
		u := fake.NewUser(name, "en")
		u.Send("hello") // a bot cannot write first
		joinChat(t, st, code, u.ChatID())
		return u
	}
	ann := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-20")
	annChat := user("Ann", ann)
	bea := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-02-20")
	beaChat := user("Bea", bea)
	pgtest.Exec(t, `UPDATE participants SET status = 'withdrawn' WHERE code = $1`, bea)
	cal := inviteOne(t, env, "--role", "consumer", "--baseline-date", "2025-12-01")
	calChat := user("Cal", cal)

	for i := range 2 {
		now := cliNow.Add(time.Duration(i) * time.Minute)
		out, errOut, code := runAtTime(t, now, env, "remind", "--participant", ann)
		if code != 0 || out != ann+"\t"+ann+"\tm12\tsent\n" {
			t.Fatalf("remind #%d: exit %d, %q, %q", i+1, code, out, errOut)
		}
		// No waiting: the command returned after Telegram accepted it.
		if ms := annChat.Messages(); len(ms) != i+1 || !ms[i].HasKeyboard() {
			t.Fatalf("after remind #%d Ann has %+v, want %d reminders with a button", i+1, ms, i+1)
		}
	}
	rs := manualReminders(t, st, ann)
	if len(rs) != 2 || rs[0].Step == rs[1].Step || rs[0].Status != store.ReminderSent || rs[1].Status != store.ReminderSent {
		t.Errorf("Ann's manual reminders = %+v, want two sent, each its own step", rs)
	}

	for _, c := range []struct {
		code string
		chat *telegramfake.User
		want string
	}{{bea, beaChat, "has withdrawn"}, {cal, calChat, "nothing open"}} {
		out, errOut, exit := runAt(t, env, "remind", "--participant", c.code)
		if exit != 1 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("remind %s: exit %d, %q, %q; want exit 1 and %q", c.code, exit, out, errOut, c.want)
		}
		if ms := c.chat.Messages(); len(ms) != 0 {
			t.Errorf("%s was sent %+v", c.code, ms)
		}
		if rs := manualReminders(t, st, c.code); len(rs) != 0 {
			t.Errorf("%s got manual reminders %+v", c.code, rs)
		}
	}

	// Telegram failing: nothing sent, one line, non-zero; serve retries.
	fake.FailNext("sendMessage", 500, "", 0)
	out, errOut, code := runAtTime(t, cliNow.Add(time.Hour), env, "remind", "--participant", ann)
	lines := strings.Split(strings.TrimSpace(errOut), "\n") // log lines, then the error
	if code != 1 || !strings.Contains(out, "\tnot sent: ") || !strings.HasPrefix(lines[len(lines)-1], "imrbot: no reminder sent") {
		t.Errorf("remind while Telegram fails: exit %d, %q, %q", code, out, errOut)
	}
	if n := len(annChat.Messages()); n != 2 {
		t.Errorf("Ann has %d messages after a failed send, want 2", n)
	}
}

func TestSetBaselineReplansAtOnce(t *testing.T) {
	env := dbEnv(t)
	st := pgtest.Store(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	code := inviteOne(t, env, "--role", "consumer")
	joinChat(t, st, code, 101)
	before := pgtest.CountAll(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"participant", "set-baseline", code, "--date", "10.03.2025"}, "want a date as YYYY-MM-DD"},
		{[]string{"participant", "set-baseline", code, "--date", "2026-04-01"}, "in the future"},
		{[]string{"participant", "set-baseline", "OSL-C-9999", "--date", "2025-02-20"}, "unknown participant"},
		{[]string{"participant", "set-baseline", code}, "missing flags"},
	} {
		_, errOut, exit := runAt(t, env, c.args...)
		if exit != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, exit, errOut, c.want)
		}
	}
	if after := pgtest.CountAll(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("bad input changed rows: %v -> %v", before, after)
	}
	out, errOut, exit := runAt(t, env, "participant", "set-baseline", code, "--date", "2025-02-20")
	if exit != 0 || out != "baseline\t2025-02-20\nm12\t2026-02-20\n" {
		t.Fatalf("set-baseline: exit %d, %q, %q", exit, out, errOut)
	}
	p, err := st.ParticipantByCode(context.Background(), code)
	if err != nil || p.BaselineDate.Time.Format(time.DateOnly) != "2025-02-20" {
		t.Fatalf("baseline = %v, %v", p.BaselineDate, err)
	}
	// The schedule followed in the same transaction: m12's four past steps
	// (open, due, +7, +14) collapsed into one reminder due now.
	rs, err := st.RemindersOf(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pending, collapsed int
	for _, r := range rs {
		if r.Timepoint != "m12" {
			continue
		}
		switch {
		case r.Status == store.ReminderPending && !r.SendAt.After(cliNow):
			pending++
		case r.Status == store.ReminderSkipped:
			collapsed++
		}
	}
	if pending != 1 || collapsed != 3 {
		t.Errorf("m12 after the correction: %d due now, %d collapsed; want 1 and 3 (%+v)", pending, collapsed, rs)
	}
	if n := pgtest.Count(t, "audit_log"); n == 0 {
		t.Error("set-baseline not audited")
	}
}
