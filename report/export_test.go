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
	// The missing column: a skip and a not known answer (whose value keeps
	// the 9 answered) have their codes; every other answer none.
	missingCol := slices.Index(LongColumns, "missing")
	for _, r := range rows[1:] {
		k := r[0] + "/" + r[3] + "/" + r[5] + "/" + r[6]
		wantMissing := ""
		switch {
		case k == "OSL-C-0002/hope/m12/item2" || k == "OSL-C-0002/diary-note/baseline/note":
			wantMissing = "-91"
		case r[3] == "honos" && r[7] == "9":
			wantMissing = "-93"
		}
		if r[missingCol] != wantMissing {
			t.Errorf("%s (value %q): missing %q, want %q", k, r[7], r[missingCol], wantMissing)
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
	cell := func(participant, column string) string {
		for _, r := range rows[1:] {
			if r[0] == participant {
				return r[col(column)]
			}
		}
		t.Fatalf("no row for %s", participant)
		return ""
	}
	// One row per participant, a clinician's ratings in the consumer's row.
	var participants []string
	for _, r := range rows[1:] {
		participants = append(participants, r[0])
	}
	if want := []string{"BGO-C-0001", "BGO-R-0001", "OSL-C-0001", "OSL-C-0002", "OSL-C-0003", "OSL-K-0001", "OSL-R-0001"}; !slices.Equal(participants, want) {
		t.Errorf("rows %q, want one per participant %q", participants, want)
	}
	// Scores by hand (see loadStudy): hope item2 reversed, hope prorated
	// as its definition asks, HoNOS 9 left out and not prorated with the
	// count of rated items beside it, bands by the site rating's mean;
	// missing codes where an item has no answer to analyse.
	for _, c := range []struct{ p, column, want string }{
		{"OSL-C-0001", "hope_total_baseline", "7"},
		{"OSL-C-0001", "hope_total_m12", "11"},
		{"OSL-C-0002", "hope_total_m12", "7.5"},
		{"OSL-C-0002", "hope_total_n_m12", "2"},
		{"OSL-C-0002", "hope_item2_m12", "-91"},
		{"OSL-C-0003", "hope_total_m12", ""},
		{"OSL-C-0003", "hope_item1_m12", ""},
		{"OSL-C-0001", "honos_total_baseline", "3"},
		{"OSL-C-0001", "honos_total_n_baseline", "2"},
		{"OSL-C-0001", "honos_h2_baseline", "-93"},
		{"OSL-C-0001", "honos_rater_baseline", "OSL-K-0001"},
		// The consumer's clinician, and none for a clinician.
		{"OSL-C-0001", "clinician", "OSL-K-0001"},
		{"OSL-K-0001", "clinician", ""},
		// GAF's scores share their items' ids, so they take the _score suffix.
		{"OSL-C-0001", "gaf_symptoms_m12", "60"},
		{"OSL-C-0001", "gaf_symptoms_score_m12", "60"},
		// One item of three, still in progress: no total, the rest unknown yet.
		{"OSL-C-0002", "honos_total_m12", ""},
		{"OSL-C-0002", "honos_total_n_m12", "1"},
		{"OSL-C-0002", "honos_h2_m12", ""},
		{"OSL-C-0001", "diary_note_note_baseline", "Slept better, \"mostly\"\nand walked"},
		{"OSL-C-0002", "diary_note_note_baseline", ""},
		{"OSL-K-0001", "imr_practice_mean_m12", "4.5"},
		{"OSL-R-0001", "imr_fidelity_mean_m12", "4.333333"},
		{"OSL-R-0001", "imr_fidelity_mean_band_m12", "high"},
		{"BGO-R-0001", "imr_fidelity_mean_band_m12", "low"},
	} {
		if got := cell(c.p, c.column); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.p, c.column, got, c.want)
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
	// Column order: identifiers, then each timepoint, each questionnaire
	// the protocol asks there in battery order; the site rating only at m12.
	wantStart := []string{"participant", "site", "role", "clinician", "hope_version_baseline", "hope_item1_baseline", "hope_item2_baseline", "hope_item3_baseline",
		"hope_total_baseline", "hope_total_n_baseline", "diary_note_version_baseline", "diary_note_note_baseline", "honos_rater_baseline", "honos_version_baseline"}
	if !slices.Equal(header[:len(wantStart)], wantStart) {
		t.Errorf("header starts %q, want %q", header[:len(wantStart)], wantStart)
	}
	if slices.Contains(header, "imr_fidelity_mean_baseline") || slices.Contains(header, "timepoint") {
		t.Errorf("header %q has a column the protocol does not ask for", header)
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
	if err == nil || !strings.Contains(err.Error(), "hope_a_b_baseline") {
		t.Errorf("err = %v, want one naming hope_a_b_baseline", err)
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
	names := map[string]bool{}
	for _, v := range tab.Variables {
		if !valid.MatchString(v.Name) {
			t.Errorf("column %q is not a valid R, SPSS and Stata name", v.Name)
		}
		// A questionnaire's name never doubles up (hope_hope_1).
		for _, q := range []string{"hope", "honos", "gaf", "imrs", "imr_practice", "imr_fidelity", "goi", "qol", "symptoms"} {
			if strings.Contains(v.Name, q+"_"+q+"_") {
				t.Errorf("column %q repeats %s", v.Name, q)
			}
		}
		names[v.Name] = true
	}
	for _, want := range []string{
		"imrs_consumer_1_baseline", "imrs_consumer_15_m12", "imrs_clinician_1_m12", "imrs_consumer_mean_baseline",
		"hope_1_baseline", "hope_total_m12", "imr_practice_7_m12", "honos_12_m12", "honos_total_baseline",
		"honos_total_n_baseline", "honos_rater_baseline", "gaf_symptoms_total_m12", "imr_fidelity_mean_band_m12",
	} {
		if !names[want] {
			t.Errorf("no column %s", want)
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
