package e2e

import (
	"testing"
	"time"
)

// consented starts a chat for inv and agrees to take part; it returns the
// chat and the first question asked.
func (w *world) consented(name string, inv invitation, lang, agree string) (*chat, message) {
	w.t.Helper()
	c := w.user(name, lang)
	c.u.Start(inv.code)
	consent := c.withButton(0, agree)
	c.press(consent, agree)
	return c, c.question(consent.ID)
}

// A crash (SIGKILL) loses nothing: after a restart, /resume and any other
// message continue at the first unanswered item.
func TestResumeAfterCrash(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	srv := w.serve("serve-1")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	for i := range 3 {
		ann.answerQuestion(q, i, i == 1)
		q = ann.question(q.ID)
	}
	if n, of, _ := progress(q); n != 4 || of != 15 {
		t.Fatalf("after 3 answers the bot asks %d/%d, want 4/15", n, of)
	}

	// Any message, as the first thing after a crash.
	srv.kill()
	if n := w.count("answers"); n != 3 {
		t.Errorf("%d answers stored before the crash, want 3", n)
	}
	srv = w.serve("serve-2")
	mark := ann.lastID()
	ann.u.Send("hello?")
	q = ann.question(mark)
	if n, of, _ := progress(q); n != 4 || of != 15 {
		t.Errorf("after a restart, a message made the bot ask %d/%d, want 4/15: %q", n, of, q.Text)
	}

	// /resume, as the first thing after another crash.
	srv.kill()
	w.serve("serve-3")
	mark = ann.lastID()
	ann.u.Send("/resume")
	q = ann.question(mark)
	if n, of, _ := progress(q); n != 4 || of != 15 {
		t.Errorf("after a restart, /resume made the bot ask %d/%d, want 4/15: %q", n, of, q.Text)
	}
	ann.answerQuestion(q, 0, false)
	q5 := ann.question(q.ID)
	if n, _, _ := progress(q5); n != 5 {
		t.Errorf("after answering 4/15 the bot asks %q, want 5/15", q5.Text)
	}
	if n := w.count("answers"); n != 4 {
		t.Errorf("%d answers stored, want 4", n)
	}
}
