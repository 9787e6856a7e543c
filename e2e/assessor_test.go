package e2e

import (
	"strings"
	"testing"
	"time"
)

// An assessor (an external fidelity rater invited at one site) rates
// another site and a clinician there through /rate, from the list's button
// and with /rate CODE; the long export has the rows with the assessor as
// respondent: the site's first coordinator as the site's participant, the
// clinician as theirs.
func TestAssessorRatesASiteAndAClinician(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	w.must("site", "add", "EXT", "--name", "External raters")
	// A year ago: the site's and the clinician's m12 is due today.
	year := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	coord := w.invite("--site", "OSL", "--role", "coordinator", "--baseline-date", year)[0]
	kim := w.invite("--site", "OSL", "--role", "clinician", "--baseline-date", year)[0]
	ann := w.invite("--site", "EXT", "--role", "assessor", "--lang", "en")[0]
	if !strings.HasPrefix(ann.participant, "EXT-A-") {
		t.Errorf("an assessor's code %q, want EXT-A-NNNN", ann.participant)
	}
	w.serve("serve")

	c := w.user("Ann", "en")
	c.u.Start(ann.code)
	consent := c.withButton(0, "I agree")
	c.press(consent, "I agree")
	// Nothing of their own to answer: the list of what to rate follows.
	list := c.withButton(consent.ID, "OSL")
	if _, ok := list.Button(kim.participant); !ok || !strings.Contains(list.Text, "Sites and clinicians") {
		t.Fatalf("the assessor's list %q lacks %s or its text", list.Text, kim.participant)
	}
	c.press(list, "OSL")
	q := c.after(list.ID, "the site's first question", func(m message) bool {
		return isQuestion(m) && strings.HasPrefix(m.Text, "OSL · ")
	})
	if n, of, _ := progress(q); n != 1 || of != 13 || !strings.Contains(q.Text, "IMR Fidelity") {
		t.Errorf("the site's rating starts with %q, want imr-fidelity 1/13", q.Text)
	}
	site := c.answerQuestion(q, 3, false)
	if next := c.question(q.ID); !strings.HasPrefix(next.Text, "OSL · 2/13") {
		t.Errorf("after the site's first answer the bot asks %q, want OSL · 2/13", next.Text)
	}

	mark := c.lastID()
	c.u.Send("/rate " + kim.participant)
	q = c.after(mark, "the clinician's first question", func(m message) bool {
		return isQuestion(m) && strings.HasPrefix(m.Text, kim.participant+" · ")
	})
	if n, of, _ := progress(q); n != 1 || of != 13 || !strings.Contains(q.Text, "IT-IS") {
		t.Errorf("/rate %s asks %q, want it-is 1/13", kim.participant, q.Text)
	}
	clin := c.answerQuestion(q, 4, true)

	_, rows, _ := w.export("long")
	got := map[string]map[string]string{}
	for _, r := range rows {
		got[r["questionnaire"]] = r
	}
	if r := got["imr-fidelity"]; r["participant"] != coord.participant || r["respondent"] != ann.participant ||
		r["site"] != "OSL" || r["timepoint"] != "m12" || r["value"] != site.value {
		t.Errorf("the site rating's row %v, want participant %s (OSL's coordinator), respondent %s, site OSL, m12, value %s",
			r, coord.participant, ann.participant, site.value)
	}
	if r := got["it-is"]; r["participant"] != kim.participant || r["respondent"] != ann.participant ||
		r["site"] != "OSL" || r["timepoint"] != "m12" || r["value"] != clin.value {
		t.Errorf("the clinician rating's row %v, want participant %s, respondent %s, site OSL, m12, value %s",
			r, kim.participant, ann.participant, clin.value)
	}
}
