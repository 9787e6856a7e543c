package e2e

import (
	"strings"
	"testing"
	"time"
)

// /help lists the commands; /language switches the chat's language and
// carries on with the same question.
func TestHelpAndLanguage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	imrs := w.show("imrs-consumer")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	ann.answerQuestion(q, 0, false)
	q = ann.question(q.ID)

	mark := ann.lastID()
	ann.u.Send("/help")
	help := ann.after(mark, "in reply to /help", func(m message) bool { return strings.Contains(m.Text, "/withdraw") })
	for _, command := range []string{"/resume", "/back", "/language", "/withdraw"} {
		if !strings.Contains(help.Text, command) {
			t.Errorf("/help does not mention %s: %q", command, help.Text)
		}
	}

	mark = ann.lastID()
	ann.u.Send("/language")
	menu := ann.withButton(mark, "Norsk")
	ann.press(menu, "Norsk")
	again := ann.question(menu.ID)
	if n, of, _ := progress(again); n != 2 || of != 15 || !strings.Contains(again.Text, imrs.Items[1].Text["nb"]) {
		t.Errorf("after choosing bokmål the bot asks %q, want question 2/15 in bokmål (%q)", again.Text, imrs.Items[1].Text["nb"])
	}
	ann.answerQuestion(again, 2, true)
	next := ann.question(again.ID)
	if !strings.Contains(next.Text, imrs.Items[2].Text["nb"]) {
		t.Errorf("the next question is not in bokmål: %q", next.Text)
	}
}
