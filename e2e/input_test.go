package e2e

import (
	"strings"
	"testing"
	"time"
)

// Whatever a participant sends that is not an answer gets a reply and
// stores nothing; typed text gets the same question again.
func TestInvalidInputStoresNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Fatalf("first question %q, want 1/15", q.Text)
	}

	for _, in := range []struct {
		name  string
		send  func()
		reask bool // typed text: the same question follows
	}{
		{"letters", func() { ann.u.Send("abc") }, true},
		{"a number out of range", func() { ann.u.Send("9") }, true},
		{"zero", func() { ann.u.Send("0") }, true},
		{"a fraction", func() { ann.u.Send("1.5") }, true},
		{"5,000 characters", func() { ann.u.Send(strings.Repeat("answer ", 720)[:5000]) }, true},
		{"an emoji", func() { ann.u.Send("🙂") }, true},
		{"HTML", func() { ann.u.Send("<b>&") }, true},
		{"/skip on a required item", func() { ann.u.Send("/skip") }, false},
		{"a sticker", func() { ann.u.SendSticker() }, false},
		{"a photo", func() { ann.u.SendPhoto() }, false},
	} {
		mark := ann.lastID()
		in.send()
		ann.after(mark, "in reply to "+in.name, func(message) bool { return true })
		if in.reask {
			again := ann.after(mark, "asking the question again after "+in.name, isQuestion)
			if n, of, _ := progress(again); n != 1 || of != 15 {
				t.Errorf("after %s the bot asks %q, want question 1/15 again", in.name, again.Text)
			}
		}
		if n := w.count("answers"); n != 0 {
			t.Fatalf("%s stored %d answers, want none", in.name, n)
		}
	}

	// An edited message, even edited to a valid answer, answers nothing.
	// The bot is quiet, so the participant's next message takes the next id.
	mark := ann.lastID()
	ann.u.Send("hmm")
	ann.after(mark, "asking the question again after hmm", isQuestion)
	quiet := ann.lastID()
	if _, err := ann.u.Edit(mark+1, "2"); err != nil {
		t.Fatalf("editing the participant's message: %v", err)
	}
	ann.after(quiet, "in reply to an edited message", func(message) bool { return true })
	if n := w.count("answers"); n != 0 {
		t.Errorf("an edited message stored %d answers, want none", n)
	}

	// The question is still the current one: /resume asks it, and typing a
	// code answers it.
	mark = ann.lastID()
	ann.u.Send("/resume")
	latest := ann.question(mark)
	if n, of, _ := progress(latest); n != 1 || of != 15 {
		t.Errorf("/resume after invalid input asks %q, want 1/15", latest.Text)
	}
	ann.answerQuestion(latest, 1, true)
	if n := w.count("answers"); n != 1 {
		t.Errorf("%d answers after a valid one, want 1", n)
	}
}
