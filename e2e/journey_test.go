package e2e

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The whole built-in baseline battery through the real binary:
// invitation, deep link, consent, every question (tapped and typed), the
// closing message, and the export. The bot paces the chat at one message a
// second, an answer's edit included, so this is the suite's longest test
// (about two minutes for 50 questions); -short replaces the symptom and
// quality-of-life measures as the bokmål journey does (about 75 s).
func TestConsumerJourneyEnglish(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 4*time.Minute)
	if testing.Short() {
		w.useOverrides()
	}
	consumerJourney(t, w, "en", "nb", "I agree")
}

// The same in bokmål (the Telegram app says English: --lang wins), with the
// symptom and quality-of-life measures, which the study chooses, replaced
// through IMRBOT_QUESTIONNAIRES by short ones with a typed number and free
// text.
func TestConsumerJourneyBokmal(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 4*time.Minute)
	w.useOverrides()
	consumerJourney(t, w, "nb", "en", "Jeg samtykker")
}

// useOverrides points IMRBOT_QUESTIONNAIRES of every process at the
// overrides below and checks that the CLI sees them.
func (w *world) useOverrides() {
	w.t.Helper()
	dir := w.t.TempDir()
	for name, def := range overrides {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(def), 0o644); err != nil {
			w.t.Fatal(err)
		}
	}
	w.env = append(w.env, "IMRBOT_QUESTIONNAIRES="+dir)
	if r := w.run("questionnaires", "lint"); r.code != 0 {
		w.t.Fatalf("the overrides do not lint clean: %v", r)
	}
	if d := w.show("qol"); d.Version != "1-e2e" || len(d.Items) != 2 {
		w.t.Errorf("show qol with IMRBOT_QUESTIONNAIRES: version %q with %d items, want the override", d.Version, len(d.Items))
	}
}

// overrides replace the built-in symptoms and qol definitions.
var overrides = map[string]string{
	"symptoms.yaml": `id: symptoms
version: "1-e2e"
wording: validated
title: {en: "E2E symptoms", nb: "E2E-plager"}
intro: {en: "Two questions.", nb: "To spørsmål."}
respondent: consumer
subject: self
option_sets:
  bother4:
    - {code: 1, label: {en: "Not at all", nb: "Ikke i det hele tatt"}}
    - {code: 2, label: {en: "A little", nb: "Litt"}}
    - {code: 3, label: {en: "Quite a bit", nb: "Ganske mye"}}
    - {code: 4, label: {en: "Extremely", nb: "Veldig mye"}}
items:
  - id: symptoms_a
    type: choice
    text: {en: "E2E: worry?", nb: "E2E: bekymring?"}
    options: bother4
  - id: symptoms_b
    type: choice
    text: {en: "E2E: sleep?", nb: "E2E: søvn?"}
    options: bother4
`,
	"qol.yaml": `id: qol
version: "1-e2e"
wording: validated
title: {en: "E2E quality of life", nb: "E2E-livskvalitet"}
intro: {en: "Two questions.", nb: "To spørsmål."}
respondent: consumer
subject: self
items:
  - id: qol_score
    type: integer
    min: 0
    max: 10
    text: {en: "E2E: life as a whole, 0 to 10?", nb: "E2E: livet som helhet, 0 til 10?"}
  - id: qol_comment
    type: text
    optional: true
    text: {en: "E2E: anything to add?", nb: "E2E: noe å legge til?"}
`,
}

func consumerJourney(t *testing.T, w *world, lang, appLang, agree string) {
	inv := w.enrol("OSL", "consumer", "--lang", lang)
	defs := w.consumerDefinitions()
	w.serve("serve")

	ann := w.user("Ann", appLang)
	ann.u.Start(inv.code)
	consent := ann.withButton(0, agree)
	ann.press(consent, agree)
	q := ann.question(consent.ID)
	if n, of, _ := progress(q); n != 1 || of != 15 {
		t.Errorf("first question after consent shows progress %d/%d, want 1/15 (imrs-consumer): %q", n, of, q.Text)
	}
	if len(ann.optionButtons(q)) == 0 {
		t.Errorf("first question has no option buttons: %q %q", q.Text, q.ButtonTexts())
	}

	answers, closing := ann.answerAll(q, func(i int) int { return i })
	t.Logf("%d questions answered; closing message %q", len(answers), closing.Text)
	checkIntroductions(t, ann)

	// Every answer is in the long export, raw, under the contract's columns.
	header, rows, raw := w.export("long")
	for _, col := range []string{"participant", "respondent", "site", "questionnaire", "timepoint", "item", "value", "answered_at"} {
		if !slices.Contains(header, col) {
			t.Errorf("long export lacks column %q (header %q)", col, header)
		}
	}
	mine := filterRows(rows, "participant", inv.participant)
	if len(mine) != len(answers) {
		t.Errorf("long export has %d rows for %s, want one per answer: %d", len(mine), inv.participant, len(answers))
	}
	for _, a := range answers {
		qid, item, optional, ok := itemOf(defs, a, lang)
		if !ok {
			t.Errorf("question %d/%d %q matches no item of `questionnaires show`", a.n, a.of, a.question)
			continue
		}
		if a.skip != optional {
			t.Errorf("%s %s: optional %v but a Skip button %v: a Skip button belongs on exactly the items that may be skipped", qid, item, optional, a.skip)
		}
		var found []map[string]string
		for _, r := range mine {
			if r["questionnaire"] == qid && r["item"] == item {
				found = append(found, r)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s %s: %d export rows, want 1", qid, item, len(found))
			continue
		}
		r := found[0]
		if r["value"] != a.value || r["respondent"] != inv.participant || r["site"] != "OSL" || r["timepoint"] != "baseline" {
			t.Errorf("%s %s: export row %v, want value %s, respondent %s, site OSL, timepoint baseline",
				qid, item, r, a.value, inv.participant)
		}
		if !parsesAsTime(r["answered_at"]) {
			t.Errorf("%s %s: answered_at %q is not a time", qid, item, r["answered_at"])
		}
	}
	w.checkNoTelegramIDs("long export", raw)

	_, wide, raw := w.export("wide")
	if len(filterRows(wide, "participant", inv.participant)) == 0 && !strings.Contains(raw, inv.participant) {
		t.Errorf("wide export has no row for %s:\n%s", inv.participant, raw)
	}
	w.checkNoTelegramIDs("wide export", raw)
}

// checkIntroductions checks that every questionnaire after the first is
// introduced by a message of its own before its first question.
func checkIntroductions(t *testing.T, c *chat) {
	t.Helper()
	msgs := c.u.Messages()
	first := true
	for i, m := range msgs {
		n, _, ok := progress(m)
		if !ok || n != 1 {
			continue
		}
		if first {
			first = false
			continue
		}
		if i == 0 {
			continue
		}
		if _, _, prevIsQuestion := progress(msgs[i-1]); prevIsQuestion {
			t.Errorf("questionnaire starting with %q follows the previous question without an introduction", m.Text)
		}
	}
}

// export runs `imrbot export --format format` and reads the CSV.
func (w *world) export(format string, args ...string) (header []string, rows []map[string]string, raw string) {
	w.t.Helper()
	raw = w.must(append([]string{"export", "--format", format}, args...)...)
	return parseCSV(w.t, raw)
}

func parseCSV(t *testing.T, raw string) (header []string, rows []map[string]string, _ string) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader([]byte(raw))).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, raw)
	}
	if len(records) == 0 {
		t.Fatalf("export is empty")
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range header {
			if i < len(rec) {
				row[col] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return header, rows, raw
}

func filterRows(rows []map[string]string, col, value string) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		if r[col] == value {
			out = append(out, r)
		}
	}
	return out
}

func parsesAsTime(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// checkNoTelegramIDs fails when text names any user's Telegram id.
func (w *world) checkNoTelegramIDs(what, text string) {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, u := range w.users {
		if strings.Contains(text, strconv.FormatInt(u.ID, 10)) {
			w.t.Errorf("%s contains the Telegram id of %s", what, u.FirstName)
		}
	}
}
