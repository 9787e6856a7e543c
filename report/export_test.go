package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func render(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	return rows
}

// noTelegram fails if the linked chat's id appears anywhere in out.
func noTelegram(t *testing.T, what string, out []byte) {
	t.Helper()
	if bytes.Contains(out, []byte(fmt.Sprint(telegramChat))) {
		t.Errorf("%s contains a Telegram id", what)
	}
}

func TestLongExport(t *testing.T) {
	d := studyData(t)
	tab := LongTable(d, testCatalog())
	out := render(t, func(b *bytes.Buffer) error { return tab.WriteCSV(b) })
	golden(t, "long.csv", out)
	noTelegram(t, "long export", out)

	rows := readCSV(t, out)
	if !slices.Equal(rows[0], LongColumns) {
		t.Errorf("header %q, want %q", rows[0], LongColumns)
	}
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[0], "BGO-C-0002") || r[1] == "BGO-C-0002" {
			t.Errorf("erased participant exported: %q", r)
		}
	}
	// The changed answer exports its latest value only, the raw code (item2
	// is reversed in scoring, never in the export).
	want := map[string]string{
		"OSL-C-0001/hope/baseline/item1": "1",
		"OSL-C-0001/hope/baseline/item2": "2",
		"OSL-C-0002/hope/m12/item2":      "",
		"OSL-C-0001/honos/baseline/h2":   "9",
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		if r[1] == r[0] || r[3] == "honos" && r[1] == "OSL-K-0001" {
			got[r[0]+"/"+r[3]+"/"+r[5]+"/"+r[6]] = r[7]
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	golden(t, "codebook_long.csv", render(t, func(b *bytes.Buffer) error { return tab.WriteCodebook(b) }))
	checkCodebookListsEveryColumn(t, tab)
}

func TestWideExport(t *testing.T) {
	d := studyData(t)
	tab, err := WideTable(d, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, func(b *bytes.Buffer) error { return tab.WriteCSV(b) })
	golden(t, "wide.csv", out)
	noTelegram(t, "wide export", out)

	rows := readCSV(t, out)
	header := rows[0]
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s in %q", name, header)
		}
		return i
	}
	cell := func(participant, timepoint, column string) string {
		for _, r := range rows[1:] {
			if r[0] == participant && r[3] == timepoint {
				return r[col(column)]
			}
		}
		t.Fatalf("no row for %s %s", participant, timepoint)
		return ""
	}
	// Scores by hand (see loadStudy): hope item2 reversed, prorating, HoNOS
	// 9 left out, bands by the site rating's mean.
	for _, c := range []struct{ p, tp, column, want string }{
		{"OSL-C-0001", "baseline", "hope_total", "7"},
		{"OSL-C-0001", "m12", "hope_total", "11"},
		{"OSL-C-0002", "m12", "hope_total", "7.5"},
		{"OSL-C-0002", "m12", "hope_item2", ""},
		{"OSL-C-0001", "baseline", "honos_total", "4.5"},
		{"OSL-C-0001", "baseline", "honos_respondent", "OSL-K-0001"},
		// GAF's scores share their items' ids, so they take the _score suffix.
		{"OSL-C-0001", "m12", "gaf_symptoms", "60"},
		{"OSL-C-0001", "m12", "gaf_symptoms_score", "60"},
		{"OSL-C-0002", "m12", "honos_total", ""},
		{"OSL-C-0001", "baseline", "diary_note_note", "Slept better, \"mostly\"\nand walked"},
		{"OSL-K-0001", "m12", "imr_practice_mean", "4.5"},
		{"OSL-R-0001", "m12", "imr_fidelity_mean", "4.333333"},
		{"OSL-R-0001", "m12", "imr_fidelity_mean_band", "high"},
		{"BGO-R-0001", "m12", "imr_fidelity_mean_band", "low"},
	} {
		if got := cell(c.p, c.tp, c.column); got != c.want {
			t.Errorf("%s %s %s = %q, want %q", c.p, c.tp, c.column, got, c.want)
		}
	}
	for _, r := range rows[1:] {
		if r[0] == "BGO-C-0002" {
			t.Errorf("erased participant exported: %q", r)
		}
	}
	// OSL-K-0002's unfinished competing rating is reported, not silently
	// dropped.
	if len(tab.Warnings) != 1 || !strings.Contains(tab.Warnings[0], "OSL-K-0002") {
		t.Errorf("warnings %q, want one naming OSL-K-0002", tab.Warnings)
	}
	// Column order: identifiers, then each questionnaire in battery order.
	wantStart := []string{"participant", "site", "role", "timepoint", "hope_version", "hope_item1", "hope_item2", "hope_item3", "hope_total", "diary_note_version", "diary_note_note", "honos_respondent", "honos_version"}
	if !slices.Equal(header[:len(wantStart)], wantStart) {
		t.Errorf("header starts %q, want %q", header[:len(wantStart)], wantStart)
	}

	golden(t, "codebook_wide.csv", render(t, func(b *bytes.Buffer) error { return tab.WriteCodebook(b) }))
	golden(t, "wide.R", render(t, func(b *bytes.Buffer) error { return tab.WriteR(b, "wide.csv") }))
	golden(t, "wide.sps", render(t, func(b *bytes.Buffer) error { return tab.WriteSPSS(b, "wide.csv") }))
	golden(t, "wide.do", render(t, func(b *bytes.Buffer) error { return tab.WriteStata(b, "wide.csv") }))
	checkCodebookListsEveryColumn(t, tab)
}

// checkCodebookListsEveryColumn reads the codebook back and finds every
// export column in it, in order, with a type.
func checkCodebookListsEveryColumn(t *testing.T, tab *Table) {
	t.Helper()
	cb := readCSV(t, render(t, func(b *bytes.Buffer) error { return tab.WriteCodebook(b) }))
	if !slices.Equal(cb[0], CodebookHeader) {
		t.Fatalf("codebook header %q", cb[0])
	}
	for i, v := range tab.Variables {
		r := cb[i+1]
		if r[0] != v.Name || r[1] == "" || r[2] == "" {
			t.Errorf("codebook row %d = %q, want variable %s with a label and type", i+1, r, v.Name)
		}
	}
	// The syntax files name every column too.
	for name, write := range map[string]func(*bytes.Buffer) error{
		"R":     func(b *bytes.Buffer) error { return tab.WriteR(b, "x.csv") },
		"SPSS":  func(b *bytes.Buffer) error { return tab.WriteSPSS(b, "x.csv") },
		"Stata": func(b *bytes.Buffer) error { return tab.WriteStata(b, "x.csv") },
	} {
		s := string(render(t, write))
		for _, v := range tab.Variables {
			if !strings.Contains(s, v.Name) {
				t.Errorf("%s syntax does not mention %s", name, v.Name)
			}
		}
	}
}

func TestWideExportRefusesCollidingColumns(t *testing.T) {
	cat := testCatalog()
	// Items a-b and a_b would both be column hope_a_b.
	hope := cat.Questionnaires["hope"]
	hope.Items = append(hope.Items, hope.Items[0], hope.Items[0])
	hope.Items[3].ID, hope.Items[4].ID = "a-b", "a_b"
	_, err := WideTable(studyData(t), cat)
	if err == nil || !strings.Contains(err.Error(), "hope_a_b") {
		t.Errorf("err = %v, want one naming hope_a_b", err)
	}
}

func TestSyntaxQuoting(t *testing.T) {
	tab := &Table{Format: "wide", Variables: []Variable{{
		Name: "x", Label: "It's \"quoted\" `tick` $HOME\nback\\slash", Type: TypeInteger,
		ValueLabels: []ValueLabel{{Value: "1", Label: "Don't"}},
	}}}
	r := string(render(t, func(b *bytes.Buffer) error { return tab.WriteR(b, "d.csv") }))
	if !strings.Contains(r, `"It's \"quoted\" `+"`tick`"+` $HOME back\\slash"`) || !strings.Contains(r, `c(1L), c("Don't")`) {
		t.Errorf("R quoting:\n%s", r)
	}
	sps := string(render(t, func(b *bytes.Buffer) error { return tab.WriteSPSS(b, "d.csv") }))
	if !strings.Contains(sps, `'It''s "quoted" `+"`tick`"+` $HOME back\slash'`) || !strings.Contains(sps, `x 1 'Don''t'`) {
		t.Errorf("SPSS quoting:\n%s", sps)
	}
	do := string(render(t, func(b *bytes.Buffer) error { return tab.WriteStata(b, "d.csv") }))
	if !strings.Contains(do, "`\"It's \"quoted\" \\`tick\\` \\$HOME back\\slash\"'") {
		t.Errorf("Stata quoting:\n%s", do)
	}
}

// The shipped study exports under names R, SPSS and Stata all accept:
// letters, digits and _, starting with a letter, at most 32 characters
// (Stata's limit), all distinct; and every scored measure of it reaches
// the report.
func TestDefaultStudyVariableNames(t *testing.T) {
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatalf("the shipped study does not load: %v", err)
	}
	d := &store.ExportData{Sites: []store.Site{{Code: "OSL", Name: "Oslo"}}}
	tab, err := WideTable(d, cat)
	if err != nil {
		t.Fatal(err)
	}
	valid := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)
	for _, v := range tab.Variables {
		if !valid.MatchString(v.Name) {
			t.Errorf("column %q is not a valid R, SPSS and Stata name", v.Name)
		}
	}
	for _, id := range []string{"imrs-consumer", "imrs-clinician", "hope", "honos", "gaf", "imr-practice", "imr-fidelity", "goi"} {
		if cat.Questionnaires[id] == nil {
			t.Errorf("the shipped study lacks %s", id)
		}
	}
	a, err := Analyse(d, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, m := range a.Measures {
		reported[m.Questionnaire+"/"+m.Score] = true
	}
	for _, q := range cat.Questionnaires {
		if q.Scoring == nil || q.Subject == questionnaires.SubjectSite {
			continue
		}
		for _, s := range q.Scoring.Scores {
			if !reported[q.ID+"/"+s.ID] {
				t.Errorf("measure %s/%s missing from the report", q.ID, s.ID)
			}
		}
	}
	out := render(t, func(b *bytes.Buffer) error { return a.WriteHTML(b) })
	checkWellFormed(t, out)
}
