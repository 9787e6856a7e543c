package e2e

import (
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
	}{
		{"erase", "en", "Yes, withdraw", "Erase my answers", false},
		{"keep", "en", "Yes, withdraw", "Keep my answers", true},
		{"erase-nb", "nb", "Ja, trekk meg", "Slett svarene", false},
		{"keep-nb", "nb", "Ja, trekk meg", "Behold svarene", true},
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
			ann.after(choose.ID, "confirming the withdrawal", func(m message) bool { return true })

			_, rows, raw := w.export("long")
			mine := filterRows(rows, "participant", inv.participant)
			switch {
			case tc.kept && len(mine) != 2:
				t.Errorf("%q: export has %d rows for %s, want the 2 answers kept", tc.choice, len(mine), inv.participant)
			case !tc.kept && len(mine) != 0:
				t.Errorf("%q: export still has %d rows for %s:\n%s", tc.choice, len(mine), inv.participant, raw)
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
