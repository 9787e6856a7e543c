package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A double tap and a tap on an earlier question's button store exactly one
// answer; the extra taps get a callback notice. /back changes an answer,
// and the export has only the current one.
func TestDoubleTapAndStaleButtons(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	ann, q1 := w.consented("Ann", inv, "en", "I agree")
	opts := ann.optionButtons(q1)
	if len(opts) < 3 {
		t.Fatalf("first question has %d option buttons: %q", len(opts), q1.ButtonTexts())
	}

	// The same button twice, as an impatient thumb or a resending app does.
	tap1, err := ann.u.Tap(q1.ID, opts[1].CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	tap2, err := ann.u.Tap(q1.ID, opts[1].CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	for _, tap := range []int64{tap1, tap2} {
		if _, err := ann.u.WaitAnswer(w.ctx, tap); err != nil {
			t.Fatalf("a tap got no callback answer: %v", err)
		}
	}
	q2 := ann.question(q1.ID)
	if n := w.count("answers"); n != 1 {
		t.Errorf("a double tap stored %d answers, want 1", n)
	}

	// A button of the earlier question: a notice, nothing changes.
	stale, err := ann.u.Tap(q1.ID, opts[2].CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ann.u.WaitAnswer(w.ctx, stale)
	if err != nil {
		t.Fatalf("a stale tap got no callback answer: %v", err)
	}
	if strings.TrimSpace(a.Text) == "" {
		t.Errorf("a stale tap was answered without a notice")
	}
	if n := w.count("answers"); n != 1 {
		t.Errorf("after a stale tap %d answers are stored, want 1", n)
	}
	for _, m := range ann.u.Messages() {
		if m.ID == q2.ID && (m.Edits > 0 || !m.HasKeyboard()) {
			t.Errorf("a stale tap changed the current question: %q", m.Text)
		}
	}

	// /back returns to the first question; a new answer replaces the old
	// one in the export.
	ann.u.Send("/back")
	again := ann.question(q2.ID)
	if n, _, _ := progress(again); n != 1 {
		t.Fatalf("/back asks %q, want question 1 again", again.Text)
	}
	changed := ann.answerQuestion(again, 3, false)
	ann.question(again.ID)
	_, rows, raw := w.export("long")
	out := filepath.Join(t.TempDir(), "long.csv")
	if stdout := w.must("export", "--format", "long", "--out", out); stdout != "" {
		t.Errorf("export --out also printed %q", stdout)
	}
	if file, err := os.ReadFile(out); err != nil || string(file) != raw {
		t.Errorf("export --out wrote %q (%v), want what export printed: %q", file, err, raw)
	}
	mine := filterRows(rows, "participant", inv.participant)
	if len(mine) != 1 || mine[0]["value"] != changed.value {
		t.Errorf("after /back and a new answer the export has %v, want one row with value %s", mine, changed.value)
	}
}
