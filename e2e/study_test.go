package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// studyText is a study's own study text, validated, at a consent version.
func studyText(version string) string {
	return `wording: validated
consent:
  version: "` + version + `"
  text:
    en: "The Fjord IMR study asks you questions now and after a year. Do you agree to take part?"
    nb: "Fjord-studien om IMR stiller deg spørsmål nå og etter ett år. Samtykker du i å delta?"
contact:
  en: "Per Hansen, +47 99 99 99 99, fjord@example.org"
  nb: "Per Hansen, tlf. 99 99 99 99, fjord@example.org"
ethics_approval: {en: "REK 2024/12345", nb: "REK 2024/12345"}
data_controller: {en: "Fjord Hospital Trust", nb: "Helse Fjord"}
information_letter: {en: "https://fjord.example.org/letter", nb: "https://fjord.example.org/skriv"}
`
}

// The consent shows the study text given in IMRBOT_QUESTIONNAIRES, with
// its real contact; a new consent version there, after a restart, asks a
// consented participant again at their next message, their answers kept,
// and agreeing again is recorded and audited like the first consent.
func TestStudyTextAndReconsent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3*time.Minute)
	dir := t.TempDir()
	study := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(study, []byte(studyText("1")), 0o644); err != nil {
		t.Fatal(err)
	}
	w.env = append(w.env, "IMRBOT_QUESTIONNAIRES="+dir)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	srv := w.serve("serve-1")

	ann := w.user("Ann", "en")
	ann.u.Start(inv.code)
	consent := ann.withButton(0, "I agree")
	for _, want := range []string{"The Fjord IMR study", "Contact: Per Hansen, +47 99 99 99 99, fjord@example.org",
		"Ethics approval: REK 2024/12345", "Data controller: Fjord Hospital Trust", "https://fjord.example.org/letter"} {
		if !strings.Contains(consent.Text, want) {
			t.Errorf("the consent lacks %q:\n%s", want, consent.Text)
		}
	}
	if strings.Contains(consent.Text, "EXAMPLE") || strings.Contains(consent.Text, "study team") {
		t.Errorf("the consent still shows the example's text:\n%s", consent.Text)
	}
	ann.press(consent, "I agree")
	q := ann.question(consent.ID)
	for i := range 2 {
		ann.answerQuestion(q, i, false)
		q = ann.question(q.ID)
	}
	if n, _, _ := progress(q); n != 3 {
		t.Fatalf("after 2 answers Ann is asked %d, want 3", n)
	}
	srv.stop()

	// The study changes its consent: a new version, and a restart.
	if err := os.WriteFile(study, []byte(studyText("2")), 0o644); err != nil {
		t.Fatal(err)
	}
	w.serve("serve-2")
	mark := ann.lastID()
	ann.u.Send("2") // an answer to question 3, as far as Ann knows
	again := ann.withButton(mark, "I agree")
	if !strings.Contains(again.Text, "consent has changed") || !strings.Contains(again.Text, "answers you have given are kept") ||
		!strings.Contains(again.Text, "Contact: Per Hansen") {
		t.Errorf("Ann is not told why she is asked again:\n%s", again.Text)
	}
	if n := w.count("answers"); n != 2 {
		t.Errorf("%d answers stored, want Ann's 2: her message before agreeing again is no answer", n)
	}
	ann.press(again, "I agree")
	next := ann.question(again.ID)
	if n, of, _ := progress(next); n != 3 || of != 15 {
		t.Errorf("after agreeing again Ann is asked %d/%d, want 3/15 (her answers kept)", n, of)
	}
	// Rows as text: (id,participant,version,agreed,decided_at) and
	// (id,at,actor,action,participant,detail).
	var agreedTo2, audited int
	for _, row := range w.db.Dump(t, "consents") {
		if strings.Contains(row, ",2,t,") {
			agreedTo2++
		}
	}
	for _, row := range w.db.Dump(t, "audit_log") {
		if strings.Contains(row, ",consent,") {
			audited++
		}
	}
	if n := w.count("consents"); n != 2 || agreedTo2 != 1 {
		t.Errorf("%d consent decisions, %d agreements to version 2; want 2 and 1:\n%s", n, agreedTo2, strings.Join(w.db.Dump(t, "consents"), "\n"))
	}
	if audited != 2 {
		t.Errorf("%d consent decisions audited, want 2:\n%s", audited, strings.Join(w.db.Dump(t, "audit_log"), "\n"))
	}
	if n := w.count("answers"); n != 2 {
		t.Errorf("%d answers after agreeing again, want 2 kept", n)
	}
}

// IMRBOT_REQUIRE_VALIDATED=1 refuses the built-in placeholder definitions
// in one line, before touching the database.
func TestRequireValidatedRefusesPlaceholders(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Minute)
	r := w.runWith([]string{"IMRBOT_REQUIRE_VALIDATED=1", "LISTEN_ADDR=" + freeAddr(t)}, "", "serve")
	if r.code == 0 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.Contains(r.stderr, "placeholder wording: imrs-consumer, hope") || !strings.Contains(r.stderr, "the study text (study.yaml)") {
		t.Errorf("serve with IMRBOT_REQUIRE_VALIDATED=1 and placeholder wording: %v", r)
	}
	if tables := w.db.Tables(t); len(tables) != 0 {
		t.Errorf("serve refused, but created tables %v", tables)
	}
	list := w.must("questionnaires", "list")
	if !strings.Contains(list, "\nhope\t1\tconsumer\tHope\tplaceholder\n") {
		t.Errorf("questionnaires list does not show hope's placeholder wording:\n%s", list)
	}
}
