package cli

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// validatedDefinitions writes every built-in definition into a directory
// as a study with its validated wording would: wording validated, a new
// version; the study text validated too.
func validatedDefinitions(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../questionnaires/defs/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("built-in definitions: %v, %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(data), "\nwording: placeholder\n", "\nwording: validated\n", 1)
		if filepath.Base(f) != questionnaires.StudyFile {
			s = strings.Replace(s, "\nversion: \"1\"\n", "\nversion: \"1-validated\"\n", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestServeWarnsOfPlaceholderWording: serve logs one warning line for each
// placeholder questionnaire, naming it, and one for the example study
// text; none once the validated definitions are loaded.
func TestServeWarnsOfPlaceholderWording(t *testing.T) {
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	app := &App{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	warnPlaceholders(app, cat)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if want := len(cat.Questionnaires) + 1; len(lines) != want {
		t.Fatalf("%d warning lines, want %d:\n%s", len(lines), want, buf.String())
	}
	for _, id := range []string{"gaf", "goi", "honos", "hope", "imr-fidelity", "imr-practice", "imrs-clinician", "imrs-consumer", "it-is", "qol", "symptoms"} {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, "level=WARN") && strings.Contains(l, "questionnaire="+id+" ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warning lines name %s, want 1:\n%s", n, id, buf.String())
		}
	}
	if !strings.Contains(lines[len(lines)-1], "study text") || !strings.Contains(lines[len(lines)-1], "study.yaml") {
		t.Errorf("no warning of the example study text: %q", lines[len(lines)-1])
	}
	if err := refusePlaceholders(cat); err == nil ||
		!strings.Contains(err.Error(), "imrs-consumer, hope, symptoms, qol, imrs-clinician, honos, gaf, imr-practice, imr-fidelity, goi, it-is, the study text (study.yaml)") {
		t.Errorf("refusePlaceholders(built-in) = %v", err)
	}

	validated, err := questionnaires.Load(validatedDefinitions(t))
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	warnPlaceholders(app, validated)
	if buf.Len() != 0 {
		t.Errorf("warnings for a validated study:\n%s", buf.String())
	}
	if err := refusePlaceholders(validated); err != nil {
		t.Errorf("refusePlaceholders(validated) = %v", err)
	}
}

// TestRequireValidatedCountsOnlyWhatIsAsked: a placeholder questionnaire
// the protocol never asks does not stop serve; a placeholder study text
// does.
func TestRequireValidatedCountsOnlyWhatIsAsked(t *testing.T) {
	dir := validatedDefinitions(t)
	extra := "id: spare\nversion: \"1\"\nwording: placeholder\ntitle: {en: Spare, nb: Reserve}\nintro: {en: Spare., nb: Reserve.}\n" +
		"respondent: consumer\nsubject: self\nitems:\n  - {id: s1, type: text, text: {en: \"Anything?\", nb: \"Noe?\"}}\n"
	if err := os.WriteFile(filepath.Join(dir, "spare.yaml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := questionnaires.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := refusePlaceholders(cat); err != nil {
		t.Errorf("an unasked placeholder questionnaire refused: %v", err)
	}
	study := filepath.Join(dir, questionnaires.StudyFile)
	data, _ := os.ReadFile(study)
	if err := os.WriteFile(study, bytes.Replace(data, []byte("\nwording: validated\n"), []byte("\nwording: placeholder\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if cat, err = questionnaires.Load(dir); err != nil {
		t.Fatal(err)
	}
	if err := refusePlaceholders(cat); err == nil || !strings.HasSuffix(err.Error(), "placeholder wording: the study text (study.yaml); load the validated definitions from IMRBOT_QUESTIONNAIRES") {
		t.Errorf("a placeholder study text: %v", err)
	}
}
