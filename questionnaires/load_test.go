package questionnaires

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadDefaults(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load("")
	if err != nil {
		t.Fatalf("Load(\"\"): %v", err)
	}
	return c
}

func TestDefaultsLintClean(t *testing.T) {
	for _, p := range Lint("") {
		t.Errorf("%s", p)
	}
}

// TestDefaultStructure pins the structure DESIGN.md makes contract.
func TestDefaultStructure(t *testing.T) {
	c := loadDefaults(t)
	tests := []struct {
		id         string
		respondent Role
		subject    Subject
		items      int
		lo, hi     int
		reversed   []string
		excluded   []int
	}{
		{"imrs-consumer", RoleConsumer, SubjectSelf, 15, 1, 5, nil, nil},
		{"imrs-clinician", RoleClinician, SubjectConsumer, 15, 1, 5, nil, nil},
		{"hope", RoleConsumer, SubjectSelf, 12, 1, 4, []string{"hope_3", "hope_6"}, nil},
		// HoNOS: 12 rated items and item 8's problem type (A-J, unscored).
		{"honos", RoleClinician, SubjectConsumer, 13, 0, 10, nil, []int{9}},
		{"gaf", RoleClinician, SubjectConsumer, 2, 1, 100, nil, nil},
		{"imr-fidelity", RoleCoordinator, SubjectSite, 13, 1, 5, nil, nil},
		// GOI: G1-G12 scored, G13-G14 optional.
		{"goi", RoleCoordinator, SubjectSite, 14, 1, 5, nil, nil},
		{"it-is", RoleAssessor, SubjectClinician, 13, 1, 5, nil, nil},
		{"imr-practice", RoleClinician, SubjectSelf, 7, 1, 5, nil, nil},
		{"symptoms", RoleConsumer, SubjectSelf, 10, 1, 4, nil, nil},
		{"qol", RoleConsumer, SubjectSelf, 13, 0, 7, nil, nil},
	}
	if len(c.Questionnaires) != len(tests) {
		t.Errorf("%d questionnaires, want %d", len(c.Questionnaires), len(tests))
	}
	for _, tt := range tests {
		q, ok := c.Questionnaires[tt.id]
		if !ok {
			t.Errorf("%s: missing", tt.id)
			continue
		}
		if q.Respondent != tt.respondent || q.Subject != tt.subject || q.Wording != "placeholder" || q.Version == "" {
			t.Errorf("%s: respondent %s subject %s wording %s version %q", tt.id, q.Respondent, q.Subject, q.Wording, q.Version)
		}
		if len(q.Items) != tt.items {
			t.Errorf("%s: %d items, want %d", tt.id, len(q.Items), tt.items)
		}
		var reversed []string
		lo, hi := 1<<30, -1<<30
		for i, it := range q.Items {
			if it.Reverse {
				reversed = append(reversed, it.ID)
			}
			if a, b, ok := q.Range(i); ok {
				lo, hi = min(lo, a), max(hi, b)
			}
		}
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("%s: scored range %d..%d, want %d..%d", tt.id, lo, hi, tt.lo, tt.hi)
		}
		if !slices.Equal(reversed, tt.reversed) {
			t.Errorf("%s: reversed %v, want %v", tt.id, reversed, tt.reversed)
		}
		var excluded []int
		if q.Scoring != nil {
			excluded = q.Scoring.ExcludeCodes
		}
		if !slices.Equal(excluded, tt.excluded) {
			t.Errorf("%s: excluded codes %v, want %v", tt.id, excluded, tt.excluded)
		}
	}
	for _, id := range []string{"gaf_symptoms", "gaf_function"} {
		it, _, ok := c.Questionnaires["gaf"].Item(id)
		// 0 is insufficient information: an answer, and missing in scores.
		if !ok || it.Type != TypeInteger || *it.Min != 0 || *it.Max != 100 || !slices.Equal(it.Missing, []int{0}) {
			t.Errorf("gaf: item %s is %+v", id, it)
		}
	}
	honos := c.Questionnaires["honos"]
	for _, it := range honos.Items {
		var codes []int
		for _, o := range it.Options {
			codes = append(codes, o.Code)
		}
		want := []int{0, 1, 2, 3, 4, 9}
		if it.ID == "honos_8_type" {
			want = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		}
		if !slices.Equal(codes, want) {
			t.Errorf("honos %s: codes %v, want %v", it.ID, codes, want)
		}
	}
	// Item 8's type follows item 8, asked only when a problem was rated.
	typ, at, ok := honos.Item("honos_8_type")
	if _, at8, _ := honos.Item("honos_8"); !ok || at != at8+1 || typ.ShowIf == nil || typ.ShowIf.Item != "honos_8" ||
		!slices.Equal(typ.ShowIf.In, []int{1, 2, 3, 4}) {
		t.Errorf("honos_8_type: %+v at %d", typ, at)
	}
	goi := c.Questionnaires["goi"]
	for _, it := range goi.Items {
		if want := it.ID == "goi_13" || it.ID == "goi_14"; it.Optional != want {
			t.Errorf("goi %s: optional %v, want %v", it.ID, it.Optional, want)
		}
	}
}

func TestDefaultProtocol(t *testing.T) {
	c := loadDefaults(t)
	p, consent := c.Protocol, c.Study.Consent
	for _, want := range []string{"Telegram", "/withdraw", "voluntary"} {
		if !strings.Contains(consent.Text["en"], want) {
			t.Errorf("consent text (en) does not mention %q", want)
		}
	}
	for _, want := range []string{"Telegram", "/withdraw", "frivillig"} {
		if !strings.Contains(consent.Text["nb"], want) {
			t.Errorf("consent text (nb) does not mention %q", want)
		}
	}
	tests := []struct {
		role      Role
		subject   Subject
		timepoint string
		want      []string
	}{
		{RoleConsumer, SubjectSelf, "baseline", []string{"imrs-consumer", "hope", "symptoms", "qol"}},
		{RoleConsumer, SubjectSelf, "m12", []string{"imrs-consumer", "hope", "symptoms", "qol"}},
		{RoleClinician, SubjectConsumer, "baseline", []string{"imrs-clinician", "honos", "gaf"}},
		{RoleClinician, SubjectSelf, "m12", []string{"imr-practice"}},
		{RoleCoordinator, SubjectSite, "baseline", nil},
		{RoleCoordinator, SubjectSite, "m12", []string{"imr-fidelity", "goi"}},
		{RoleAssessor, SubjectSite, "baseline", nil},
		{RoleAssessor, SubjectSite, "m12", []string{"imr-fidelity", "goi"}},
		{RoleAssessor, SubjectClinician, "m12", []string{"it-is"}},
		{RoleAssessor, SubjectSelf, "m12", nil},
		{RoleConsumer, SubjectSelf, "m6", nil},
	}
	for _, tt := range tests {
		if got := p.BatteryFor(tt.role, tt.subject, tt.timepoint); !slices.Equal(got, tt.want) {
			t.Errorf("BatteryFor(%s, %s, %s) = %v, want %v", tt.role, tt.subject, tt.timepoint, got, tt.want)
		}
	}
	m12, ok := p.Timepoint("m12")
	if !ok || m12.Months != 12 || m12.OpensBeforeDays != 14 || m12.ClosesAfterDays != 60 {
		t.Errorf("m12 = %+v, %v", m12, ok)
	}
	base, ok := p.Timepoint("baseline")
	if !ok || base.Months != 0 || base.ClosesAfterDays != 60 {
		t.Errorf("baseline = %+v, %v", base, ok)
	}
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readDef(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("defs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestOverrideFromDir is the coordinator's path: validated wording for one
// instrument, a new instrument and a protocol that asks it, from a directory.
func TestOverrideFromDir(t *testing.T) {
	dir := t.TempDir()
	hope := readDef(t, "hope.yaml")
	hope = strings.Replace(hope, `version: "1"`, `version: "1-validated"`, 1)
	hope = strings.Replace(hope, "wording: placeholder", "wording: validated", 1)
	hope = strings.Replace(hope, "I feel lonely.", "Validated wording of item 3.", 1)
	writeFile(t, dir, "hope.yaml", hope)
	writeFile(t, dir, "extra.yml", `id: sleep
version: "1"
wording: validated
title: {en: Sleep, nb: Søvn}
intro: {en: One question., nb: Ett spørsmål.}
respondent: consumer
subject: self
items:
  - id: sleep_hours
    type: integer
    min: 0
    max: 24
    text: {en: "Hours of sleep last night?", nb: "Timer søvn i natt?"}
`)
	protocol := strings.Replace(readDef(t, "protocol.yaml"),
		"questionnaires: [imrs-consumer, hope, symptoms, qol]",
		"questionnaires: [sleep, hope]", 1)
	writeFile(t, dir, "protocol.yaml", protocol)
	writeFile(t, dir, "notes.txt", "not a definition")

	if ps := Lint(dir); len(ps) > 0 {
		t.Fatalf("Lint(dir) = %v", ps)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	q := c.Questionnaires["hope"]
	if q.Version != "1-validated" || q.Wording != "validated" || q.Items[2].Text["en"] != "Validated wording of item 3." {
		t.Errorf("hope not overridden: version %q wording %q item 3 %q", q.Version, q.Wording, q.Items[2].Text["en"])
	}
	if q.Source != filepath.Join(dir, "hope.yaml") {
		t.Errorf("hope source %q", q.Source)
	}
	if c.Questionnaires["goi"].Source != "defs/goi.yaml" {
		t.Errorf("goi source %q, want the embedded file", c.Questionnaires["goi"].Source)
	}
	if _, ok := c.Questionnaires["sleep"]; !ok {
		t.Error("new instrument sleep not loaded")
	}
	if got := c.Protocol.BatteryFor(RoleConsumer, SubjectSelf, "baseline"); !slices.Equal(got, []string{"sleep", "hope"}) {
		t.Errorf("overridden battery = %v", got)
	}
	if d := loadDefaults(t); d.Questionnaires["hope"].Version != "1" {
		t.Error("loading an override changed the embedded definitions")
	}
}

func TestLoadRefusesProblems(t *testing.T) {
	dir := filepath.Join("testdata", "lint", "syntax")
	c, err := Load(dir)
	var le *LoadError
	if c != nil || !errors.As(err, &le) {
		t.Fatalf("Load(%s) = %v, %v; want a *LoadError", dir, c, err)
	}
	want := filepath.Join(dir, "bad.yaml") + ":3: YAML syntax: did not find expected '-' indicator"
	if len(le.Problems) != 1 || le.Problems[0].String() != want {
		t.Errorf("problems %v, want [%s]", le.Problems, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}

	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil || errors.As(err, &le) {
		t.Errorf("Load(missing dir) = %v, want a plain error", err)
	}
}
