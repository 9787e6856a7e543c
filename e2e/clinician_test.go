package e2e

import (
	"strings"
	"testing"
	"time"
)

// A clinician starts rating a consumer from the /rate list's button and
// with /rate CODE; the export names the consumer as participant and the
// clinician as respondent.
func TestClinicianRatesAConsumer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	kim := w.invite("--site", "OSL", "--role", "clinician", "--lang", "en")[0]
	con := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--clinician", kim.participant)[0]
	w.serve("serve")
	w.consented("Con", con, "en", "I agree")
	kimChat, own := w.consented("Kim", kim, "en", "I agree")
	if strings.Contains(own.Text, con.participant) {
		t.Errorf("the clinician's first question after consent is a rating, want their own questionnaire first: %q", own.Text)
	}

	mark := kimChat.lastID()
	kimChat.u.Send("/rate")
	list := kimChat.withButton(mark, con.participant)
	kimChat.press(list, con.participant)
	q := kimChat.after(list.ID, "rating "+con.participant, func(m message) bool {
		return isQuestion(m) && strings.Contains(m.Text, con.participant)
	})
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Errorf("the rating starts with %q, want imrs-clinician 1/15", q.Text)
	}
	first := kimChat.answerQuestion(q, 4, false)

	mark = kimChat.lastID()
	kimChat.u.Send("/rate " + con.participant)
	q = kimChat.after(mark, "continuing the rating after /rate CODE", func(m message) bool {
		return isQuestion(m) && strings.Contains(m.Text, con.participant)
	})
	if n, of, _ := progress(q); n != 2 || of != 15 {
		t.Errorf("/rate %s asks %q, want 2/15", con.participant, q.Text)
	}

	_, rows, _ := w.export("long")
	var found bool
	for _, r := range rows {
		if r["questionnaire"] == "imrs-clinician" {
			found = true
			if r["participant"] != con.participant || r["respondent"] != kim.participant || r["value"] != first.value {
				t.Errorf("a rating's export row %v, want participant %s, respondent %s, value %s", r, con.participant, kim.participant, first.value)
			}
		}
	}
	if !found {
		t.Errorf("the export has no imrs-clinician row")
	}
}
