package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A consumer whose consent and baseline were taken on paper, and who never
// links a chat, is in the study: due lists their baseline as unreachable,
// and their clinician rates them with /rate CODE.
func TestPaperConsumerIsRated(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	kim := w.invite("--site", "OSL", "--role", "clinician", "--lang", "en")[0]
	baseline := osloToday().AddDate(0, 0, -5).Format(time.DateOnly)
	paper := w.invite("--site", "OSL", "--role", "consumer", "--baseline-date", baseline, "--clinician", kim.participant)[0]

	got := dueLines(t, w.must("due"))[paper.participant]
	if want := (dueLine{"OSL", "baseline", baseline, "unreachable"}); got != want {
		t.Errorf("due lists the paper consumer as %+v, want %+v", got, want)
	}

	w.serve("serve")
	kimChat, _ := w.consented("Kim", kim, "en", "I agree")
	mark := kimChat.lastID()
	kimChat.u.Send("/rate " + paper.participant)
	q := kimChat.after(mark, "rating "+paper.participant, func(m message) bool {
		return isQuestion(m) && strings.Contains(m.Text, paper.participant)
	})
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Errorf("/rate %s asks %q, want imrs-clinician 1/15", paper.participant, q.Text)
	}
	rated := kimChat.answerQuestion(q, 2, false)
	kimChat.question(q.ID)

	_, rows, _ := w.export("long")
	rows = filterRows(filterRows(rows, "participant", paper.participant), "respondent", kim.participant)
	if len(rows) != 1 || rows[0]["value"] != rated.value || rows[0]["source"] != "chat" {
		t.Errorf("the rating's export rows %v, want one with value %s from the chat", rows, rated.value)
	}
}

// Answers imported on paper for a linked consumer are not asked again: the
// chat goes on to the first questionnaire still open, and once everything
// is imported there is nothing left to answer. The long export says which
// answers came on paper.
func TestPaperAnswersAreNotAskedAgain(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Fatalf("the first question is %q, want imrs-consumer 1/15", q.Text)
	}

	today := osloToday().Format(time.DateOnly)
	imrs := w.show("imrs-consumer")
	out := w.must("answers", "import", w.paperFile("imrs.csv", inv.participant, today, imrs))
	if !strings.HasPrefix(out, "imported 15 answers to 1 questionnaires (1 now complete)") {
		t.Errorf("import printed %q", out)
	}
	mark := ann.lastID()
	ann.u.Send("/resume")
	q = ann.question(mark)
	if n, of, _ := progress(q); n != 1 || of != 12 {
		t.Fatalf("after imrs-consumer was imported, /resume asks %q, want hope 1/12", q.Text)
	}
	ann.answerQuestion(q, 0, false)
	ann.question(q.ID)

	hope := w.show("hope")
	hope.Items = hope.Items[1:] // the first was answered in the chat
	w.must("answers", "import", w.paperFile("rest.csv", inv.participant, today, hope, w.show("symptoms"), w.show("qol")))
	mark = ann.lastID()
	ann.u.Send("/resume")
	reply := ann.after(mark, "saying nothing is left", func(m message) bool { return !isQuestion(m) })
	if isQuestion(reply) || !(isClosing(reply) || strings.Contains(reply.Text, "nothing for you to answer")) {
		t.Errorf("with the whole baseline imported, /resume says %q, want that nothing is left to answer", reply.Text)
	}

	_, rows, _ := w.export("long")
	sources := map[string]string{}
	for _, r := range filterRows(rows, "participant", inv.participant) {
		sources[r["questionnaire"]+"/"+r["item"]] = r["source"]
	}
	for key, want := range map[string]string{"imrs-consumer/imrs_1": "paper", "imrs-consumer/imrs_15": "paper", "hope/hope_1": "chat", "hope/hope_2": "paper"} {
		if sources[key] != want {
			t.Errorf("the long export's source of %s is %q, want %s (all: %v)", key, sources[key], want, sources)
		}
	}
}

// osloToday is today's date at the default site's zone, as the bot reads
// dates.
func osloToday() time.Time {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		loc = time.UTC
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// paperFile writes a file of paper answers by participant about
// themself, dated date, to every item of defs: the first option of a
// choice, the minimum of a number, a word of text.
func (w *world) paperFile(name, participant, date string, defs ...definition) string {
	w.t.Helper()
	var b strings.Builder
	b.WriteString("participant,respondent,questionnaire,timepoint,item,value,answered_at\n")
	for _, d := range defs {
		for _, it := range d.Items {
			value := "fine"
			switch {
			case len(it.Options) > 0:
				value = fmt.Sprint(it.Options[0].Code)
			case it.Min != nil:
				value = fmt.Sprint(*it.Min)
			}
			fmt.Fprintf(&b, "%s,%s,%s,baseline,%s,%s,%s\n", participant, participant, d.ID, it.ID, value, date)
		}
	}
	path := filepath.Join(w.t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}
