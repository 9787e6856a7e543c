package questionnaires

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goodStudy is a complete study text, validated, at consent version 2.
const goodStudy = `wording: validated
consent:
  version: "2"
  text: {en: "Do you agree?", nb: "Samtykker du?"}
contact:
  en: "Ola Nordmann, +47 22 00 00 00"
  nb: "Ola Nordmann, tlf. 22 00 00 00"
ethics_approval: {en: "REK 123456", nb: "REK 123456"}
data_controller: {en: "Oslo University Hospital", nb: "Oslo universitetssykehus"}
information_letter: {en: "https://example.org/en", nb: "https://example.org/nb"}
`

func writeStudy(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, StudyFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDefaultStudyIsAnExample(t *testing.T) {
	s := loadDefaults(t).Study
	if !s.Placeholder() || s.Consent.Version == "" {
		t.Errorf("the default study text is %q at version %q; want a placeholder with a version", s.Wording, s.Consent.Version)
	}
	for _, lang := range Languages {
		for _, f := range []Text{s.Contact, s.EthicsApproval, s.DataController} {
			if !strings.Contains(strings.ToUpper(f[lang]), map[string]string{"en": "EXAMPLE", "nb": "EKSEMPEL"}[lang]) {
				t.Errorf("default study text (%s) %q does not say it is an example", lang, f[lang])
			}
		}
	}
}

func TestStudyOverride(t *testing.T) {
	c, err := Load(writeStudy(t, goodStudy))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Study
	if s.Placeholder() || s.Consent.Version != "2" || s.Contact.In("nb") != "Ola Nordmann, tlf. 22 00 00 00" ||
		s.EthicsApproval.In("en") != "REK 123456" || s.DataController.In("nb") != "Oslo universitetssykehus" ||
		s.InformationLetter.In("en") != "https://example.org/en" || s.Consent.Text.In("nb") != "Samtykker du?" {
		t.Errorf("study text %+v", s)
	}
	if len(c.Questionnaires) != len(loadDefaults(t).Questionnaires) || len(c.Protocol.Batteries) == 0 {
		t.Errorf("a study text alone replaced more than itself: %d questionnaires", len(c.Questionnaires))
	}
}

// TestStudyProblems: a missing language or field is one clear problem
// naming the file, the line and the field, and Load refuses the study with
// it.
func TestStudyProblems(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"missing language",
			strings.Replace(goodStudy, `  nb: "Ola Nordmann, tlf. 22 00 00 00"`+"\n", "", 1),
			[]string{`study.yaml:5: contact has no nb translation`}},
		{"missing field",
			strings.Replace(goodStudy, `data_controller: {en: "Oslo University Hospital", nb: "Oslo universitetssykehus"}`+"\n", "", 1),
			[]string{`study.yaml:1: data_controller is missing`}},
		{"missing consent version",
			strings.Replace(goodStudy, `  version: "2"`+"\n", "", 1),
			[]string{`study.yaml:2: consent: version is missing`}},
		{"not a URL",
			strings.Replace(goodStudy, `nb: "https://example.org/nb"`, `nb: "see the leaflet"`, 1),
			[]string{`study.yaml:10: information_letter (nb) "see the leaflet": want an http or https URL`}},
		{"unknown key",
			goodStudy + "contakt: x\n",
			[]string{`study.yaml:11: study: unknown key "contakt" (known keys: wording, consent, contact, ethics_approval, data_controller, information_letter)`}},
		{"bad wording",
			strings.Replace(goodStudy, "wording: validated", "wording: final", 1),
			[]string{`study.yaml:1: wording must be "placeholder" or "validated", not "final"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeStudy(t, tt.text)
			var got []string
			for _, p := range Lint(dir) {
				got = append(got, p.String())
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = filepath.Join(dir, w)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Lint:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
			_, err := Load(dir)
			var le *LoadError
			if !errors.As(err, &le) || err.Error() != "questionnaires.Load: "+want[0] {
				t.Errorf("Load = %v, want the problem %s", err, want[0])
			}
		})
	}
}

func TestInUseAndPlaceholders(t *testing.T) {
	c := loadDefaults(t)
	var inUse, placeholders []string
	for _, q := range c.InUse() {
		inUse = append(inUse, q.ID)
	}
	for _, q := range c.Placeholders() {
		placeholders = append(placeholders, q.ID)
	}
	want := []string{"imrs-consumer", "hope", "symptoms", "qol", "imrs-clinician", "honos", "gaf", "imr-practice", "imr-fidelity", "goi", "it-is"}
	if !slices.Equal(inUse, want) {
		t.Errorf("InUse = %v, want %v", inUse, want)
	}
	slices.Sort(want)
	if !slices.Equal(placeholders, want) {
		t.Errorf("Placeholders = %v, want every default instrument %v", placeholders, want)
	}
}
