package e2e

import (
	"strings"
	"testing"
	"time"
)

// A clinician who finishes their own questionnaires gets the list of the
// ratings still open at once, with a button per consumer; nothing says the
// timepoint is complete while two ratings are open.
func TestClinicianGetsOpenRatingsAfterOwnBattery(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	kim := w.invite("--site", "OSL", "--role", "clinician", "--lang", "en")[0]
	c1 := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--clinician", kim.participant)[0]
	c2 := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--clinician", kim.participant)[0]
	w.serve("serve")
	w.consented("Con1", c1, "en", "I agree")
	w.consented("Con2", c2, "en", "I agree")
	kimChat, q := w.consented("Kim", kim, "en", "I agree")
	start := q.ID

	isList := func(m message) bool {
		_, a := m.Button(c1.participant)
		_, b := m.Button(c2.participant)
		return a && b
	}
	var list message
	for i := 0; ; i++ {
		if i > 30 {
			t.Fatalf("the clinician's own battery does not end\n%s", kimChat.transcript())
		}
		if strings.Contains(q.Text, c1.participant) || strings.Contains(q.Text, c2.participant) {
			t.Fatalf("a rating was asked before the clinician's own questionnaires ended: %q", q.Text)
		}
		kimChat.answerQuestion(q, i, i%2 == 1)
		next := kimChat.after(q.ID, "the next question or the list of ratings", func(m message) bool { return isQuestion(m) || isList(m) })
		if isList(next) {
			list = next
			break
		}
		q = next
	}
	for _, m := range kimChat.u.Messages() {
		if m.ID > start && strings.Contains(m.Text, "Baseline is complete") {
			t.Errorf("the clinician was told %q while two ratings are open", m.Text)
		}
	}
	if !strings.Contains(kimChat.transcript(), "Your own questionnaires for Baseline are done") {
		t.Errorf("no word that their own part is done:\n%s", kimChat.transcript())
	}
	kimChat.press(list, c2.participant)
	r := kimChat.after(list.ID, "the rating of "+c2.participant, func(m message) bool {
		return isQuestion(m) && strings.Contains(m.Text, c2.participant)
	})
	if n, of, _ := progress(r); n != 1 || of != 15 {
		t.Errorf("the rating starts with %q, want 1/15", r.Text)
	}
}

// /back at a questionnaire's first item goes to the previous
// questionnaire's last item; typing an option's label, in any case,
// answers like its code.
func TestBackAcrossQuestionnairesAndTypedLabels(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	ann, q := w.consented("Ann", inv, "en", "I agree")

	// typeLabel answers q by typing its choice-th option's label, shouted,
	// and returns the button text the answer shows.
	typeLabel := func(q message, choice int) string {
		t.Helper()
		opts := ann.optionButtons(q)
		b := opts[choice%len(opts)]
		_, label, ok := strings.Cut(b.Text, " - ")
		if !ok {
			t.Fatalf("option %q has no label", b.Text)
		}
		ann.u.Send(strings.ToUpper(label))
		n, of, _ := progress(q)
		ann.waitFor("the question edited to show the typed label's option", func(m message) bool {
			mn, mof, ok := progress(m)
			return m.ID >= q.ID && m.Edits > 0 && ok && mn == n && mof == of && strings.Contains(m.Text, "✓ "+b.Text)
		})
		return b.Text
	}

	typeLabel(q, 1)
	q = ann.question(q.ID)
	for {
		n, of, _ := progress(q)
		if n == 1 && of != 15 {
			break // the next questionnaire
		}
		if n == of {
			typeLabel(q, 2)
		} else {
			ann.answerQuestion(q, n, false)
		}
		q = ann.question(q.ID)
	}
	first := q

	mark := ann.lastID()
	ann.u.Send("/back")
	back := ann.question(mark)
	if n, of, _ := progress(back); n != 15 || of != 15 || !strings.Contains(back.Text, "Your answer now") {
		t.Fatalf("/back at %q asks %q, want the previous questionnaire's 15/15 with its answer", first.Text, back.Text)
	}
	shown := typeLabel(back, 0)
	if !strings.HasPrefix(shown, "1") {
		t.Errorf("typed the first option's label, shown %q", shown)
	}
	again := ann.question(back.ID)
	if n, of, _ := progress(again); n != 1 || of == 15 {
		t.Errorf("after changing the last answer the bot asks %q, want the next questionnaire's first question", again.Text)
	}

	// A word that is no label changes nothing.
	before := w.count("answers")
	mark = ann.lastID()
	ann.u.Send("perhaps")
	ann.after(mark, "asking again after an unusable word", isQuestion)
	if n := w.count("answers"); n != before {
		t.Errorf("an unusable word stored %d answers", n-before)
	}
}
