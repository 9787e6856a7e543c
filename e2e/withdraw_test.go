package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// /withdraw asks for confirmation, then offers to keep or erase the
// answers; erased answers leave the export, kept ones stay.
func TestWithdraw(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang, yes, choice string
		kept                    bool
		done                    *regexp.Regexp // the reply confirming the choice
	}{
		{"erase", "en", "Yes, withdraw", "Erase my answers", false, regexp.MustCompile(`answers .*\berased\b`)},
		{"keep", "en", "Yes, withdraw", "Keep my answers", true, regexp.MustCompile(`answers .*\bkept\b`)},
		{"erase-nb", "nb", "Ja, trekk meg", "Slett svarene", false, regexp.MustCompile(`[Ss]var.*\bslettet\b`)},
		{"keep-nb", "nb", "Ja, trekk meg", "Behold svarene", true, regexp.MustCompile(`[Ss]var.*\bbeholdes\b`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, 2*time.Minute)
			inv := w.enrol("OSL", "consumer", "--lang", tc.lang)
			w.serve("serve")
			agree := map[string]string{"en": "I agree", "nb": "Jeg samtykker"}[tc.lang]
			ann, q := w.consented("Ann", inv, tc.lang, agree)
			ann.answerQuestion(q, 0, false)
			q = ann.question(q.ID)
			ann.answerQuestion(q, 1, true)
			q = ann.question(q.ID)
			if _, rows, _ := w.export("long"); len(filterRows(rows, "participant", inv.participant)) != 2 {
				t.Fatalf("export before withdrawal has %d rows for %s, want 2", len(filterRows(rows, "participant", inv.participant)), inv.participant)
			}

			ann.u.Send("/withdraw")
			confirm := ann.withButton(q.ID, tc.yes)
			ann.press(confirm, tc.yes)
			choose := ann.withButton(confirm.ID, tc.choice)
			tap := ann.press(choose, tc.choice)
			if _, err := ann.u.WaitAnswer(w.ctx, tap); err != nil {
				t.Fatal(err)
			}
			done := ann.after(choose.ID, "confirming the withdrawal", func(message) bool { return true })
			if !tc.done.MatchString(done.Text) || isQuestion(done) {
				t.Errorf("%q: the bot replied %q, want a confirmation matching %q", tc.choice, done.Text, tc.done)
			}

			_, rows, raw := w.export("long")
			mine := filterRows(rows, "participant", inv.participant)
			switch {
			case tc.kept && len(mine) != 2:
				t.Errorf("%q: export has %d rows for %s, want the 2 answers kept", tc.choice, len(mine), inv.participant)
			case !tc.kept && len(mine) != 0:
				t.Errorf("%q: export still has %d rows for %s:\n%s", tc.choice, len(mine), inv.participant, raw)
			}

			// Keeping the answers or not, the Telegram link is gone: the chat
			// no longer leads to the participant.
			for _, table := range []string{"telegram_links", "conversations"} {
				if n := w.count(table); n != 0 {
					t.Errorf("%q: %d %s rows after withdrawal, want none", tc.choice, n, table)
				}
			}

			// Withdrawn: nothing more is asked or stored, no reminder is due.
			answers := w.count("answers")
			mark := ann.lastID()
			ann.u.Send("3")
			reply := ann.after(mark, "in reply to a withdrawn participant", func(message) bool { return true })
			if isQuestion(reply) {
				t.Errorf("a withdrawn participant is asked %q", reply.Text)
			}
			if n := w.count("answers"); n != answers {
				t.Errorf("a withdrawn participant's message stored an answer (%d -> %d)", answers, n)
			}
			if out := w.must("due"); out != "" {
				t.Errorf("due lists a withdrawn participant: %q", out)
			}
			if r := w.run("remind", "--participant", inv.participant); r.code == 0 && r.stdout != "" {
				t.Errorf("remind queued a reminder for a withdrawn participant: %v", r)
			}
		})
	}
}

// A withdrawal told to the study team: `imrbot participant withdraw` stops
// the reminders and cuts the chat off from the participant's data, at once
// and while serve runs; answers are kept unless --erase.
func TestWithdrawByTheStudyTeam(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	baseline, _ := overdueBaseline()
	w.must("site", "add", "OSL", "--name", "Oslo")
	invite := func() invitation {
		return w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	}
	ann, bea, eve := invite(), invite(), invite()
	w.serve("serve")
	chats := map[string]*chat{}
	for name, inv := range map[string]invitation{"Ann": ann, "Bea": bea, "Eve": eve} {
		c, q := w.consented(name, inv, "en", "I agree")
		c.answerQuestion(q, 0, false)
		c.question(q.ID)
		chats[inv.participant] = c
	}

	for _, c := range []struct {
		inv   invitation
		args  []string
		kept  string
		after int
	}{{ann, nil, "kept", 1}, {eve, []string{"--erase"}, "erased", 0}} {
		out := w.must(append([]string{"participant", "withdraw", c.inv.participant}, c.args...)...)
		if want := "withdrew " + c.inv.participant + ": reminders stopped, Telegram link deleted, answers " + c.kept + "\n"; out != want {
			t.Errorf("participant withdraw %s %v printed %q, want %q", c.inv.participant, c.args, out, want)
		}
		if _, rows, _ := w.export("long"); len(filterRows(rows, "participant", c.inv.participant)) != c.after {
			t.Errorf("export after withdrawing %s %v has %d of their rows, want %d", c.inv.participant, c.args, len(filterRows(rows, "participant", c.inv.participant)), c.after)
		}
	}
	if r := w.run("participant", "withdraw", ann.participant); r.code == 0 || !strings.Contains(r.stderr, "already withdrawn") {
		t.Errorf("withdrawing %s twice: %v", ann.participant, r)
	}

	// Their old chats reach nothing: a message is answered as a stranger's,
	// nothing is asked or stored, and the invitation is spent.
	answers := w.count("answers")
	for _, inv := range []invitation{ann, eve} {
		c := chats[inv.participant]
		mark := c.lastID()
		c.u.Send("/resume")
		if reply := c.after(mark, "in reply to a chat withdrawn by the study team", func(message) bool { return true }); isQuestion(reply) || !strings.Contains(reply.Text, "invitation") {
			t.Errorf("%s's old chat, after withdrawal, is answered %q; want a stranger's reply", inv.participant, reply.Text)
		}
		mark = c.lastID()
		c.u.Start(inv.code)
		if reply := c.after(mark, "to the spent invitation", func(message) bool { return true }); isQuestion(reply) || !strings.Contains(reply.Text, "already been used") {
			t.Errorf("%s's invitation, after withdrawal, is answered %q", inv.participant, reply.Text)
		}
	}
	if n := w.count("answers"); n != answers {
		t.Errorf("withdrawn chats stored answers (%d -> %d)", answers, n)
	}

	// No reminder for them: Bea, still taking part, is reminded; they are
	// neither due nor reminded, and their chats hear nothing.
	marks := map[string]int{ann.participant: chats[ann.participant].lastID(), eve.participant: chats[eve.participant].lastID()}
	for _, line := range strings.Split(strings.TrimSpace(w.must("due")), "\n") {
		if strings.HasPrefix(line, ann.participant+"\t") || strings.HasPrefix(line, eve.participant+"\t") {
			t.Errorf("due lists a withdrawn participant: %q", line)
		}
	}
	out := w.must("remind", "--all-due")
	if !strings.Contains(out, bea.participant) || strings.Contains(out, ann.participant) || strings.Contains(out, eve.participant) {
		t.Errorf("remind --all-due after two withdrawals:\n%s\nwant %s only", out, bea.participant)
	}
	chats[bea.participant].after(0, "reminding the participant still taking part", isReminder)
	if r := w.run("remind", "--participant", ann.participant); r.code == 0 {
		t.Errorf("remind reached a withdrawn participant: %v", r)
	}
	// `remind` sends before it returns, so anything sent to them is here now.
	for code, mark := range marks {
		for _, m := range chats[code].u.Messages() {
			if m.ID > mark {
				t.Errorf("%s's old chat got %q after withdrawal", code, m.Text)
			}
		}
	}
}
