package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// missingStudy is a catalog and answers that hold each missing code once
// per reason: hope's item3 is asked only when item1 is 1 or 2; OSL-C-0001
// skipped hope item2 and was not asked item3 at baseline; their HoNOS
// baseline rating expired after h1, answered 9 (not known); the m12 rating
// is in progress after h1; their GAF at m12 has symptoms 0, insufficient
// information.
func missingStudy() (*store.ExportData, *questionnaires.Catalog) {
	cat := testCatalog()
	delete(cat.Questionnaires, "diary-note") // no text with line breaks: PSPP reads every row
	cat.Protocol.Batteries[0].Questionnaires = []string{"hope"}
	cat.Questionnaires["hope"].Items[2].ShowIf = &questionnaires.Condition{Item: "item1", In: []int{1, 2}}
	gaf := &cat.Questionnaires["gaf"].Items[0] // 0 = insufficient information
	gaf.Min, gaf.Missing = ip(0), []int{0}
	at := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	var answers []store.ExportAnswer
	add := func(subject, respondent, q, tp, status, item string, value *string) {
		at = at.Add(time.Minute)
		a := store.ExportAnswer{
			Participant: subject, SubjectRole: "consumer", Respondent: respondent, Site: "OSL",
			Questionnaire: q, Version: cat.Questionnaires[q].Version, Timepoint: tp, Status: status,
			Item: item, AnsweredAt: at, Source: store.SourceChat,
		}
		if value != nil {
			a.Value.String, a.Value.Valid = *value, true
		}
		answers = append(answers, a)
	}
	s := func(v string) *string { return &v }
	add("OSL-C-0001", "OSL-C-0001", "hope", "baseline", "completed", "item1", s("4"))
	add("OSL-C-0001", "OSL-C-0001", "hope", "baseline", "completed", "item2", nil)
	add("OSL-C-0001", "OSL-C-0001", "hope", "m12", "completed", "item1", s("2"))
	add("OSL-C-0001", "OSL-C-0001", "hope", "m12", "completed", "item2", s("3"))
	add("OSL-C-0001", "OSL-C-0001", "hope", "m12", "completed", "item3", s("4"))
	add("OSL-C-0001", "OSL-K-0001", "honos", "baseline", "expired", "h1", s("9"))
	add("OSL-C-0001", "OSL-K-0001", "honos", "m12", "in_progress", "h1", s("2"))
	add("OSL-C-0001", "OSL-K-0001", "gaf", "m12", "completed", "symptoms", s("0"))
	add("OSL-C-0001", "OSL-K-0001", "gaf", "m12", "completed", "function", s("50"))
	add("OSL-C-0002", "OSL-C-0002", "hope", "baseline", "completed", "item1", s("1"))
	add("OSL-C-0002", "OSL-C-0002", "hope", "baseline", "completed", "item2", s("1"))
	add("OSL-C-0002", "OSL-C-0002", "hope", "baseline", "completed", "item3", s("1"))
	return &store.ExportData{Sites: []store.Site{{Code: "OSL", Name: "Oslo"}}, Answers: answers}, cat
}

func TestWideMissingCodes(t *testing.T) {
	d, cat := missingStudy()
	tab, err := WideTable(d, cat)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, render(t, func(b *bytes.Buffer) error { return tab.WriteCSV(b) }))
	got := map[string]string{}
	for i, name := range rows[0] {
		got[name] = rows[1][i]
	}
	for column, want := range map[string]string{
		"hope_item1_baseline":    "4",
		"hope_item2_baseline":    "-91", // skipped
		"hope_item3_baseline":    "-92", // not asked: item1 was 4
		"honos_h1_baseline":      "-93", // not known (9)
		"honos_h2_baseline":      "-94", // not reached: the rating expired
		"honos_h1_m12":           "2",
		"honos_h2_m12":           "", // in progress: not known yet
		"honos_total_baseline":   "",
		"honos_total_n_baseline": "0",
		"gaf_symptoms_baseline":  "",    // never started
		"gaf_symptoms_m12":       "-93", // 0: insufficient information
		"gaf_function_m12":       "50",
	} {
		if got[column] != want {
			t.Errorf("%s = %q, want %q", column, got[column], want)
		}
	}
	// The long export keeps the 9 answered, with its reason beside it.
	long := readCSV(t, render(t, func(b *bytes.Buffer) error { return LongTable(d, cat).WriteCSV(b) }))
	value, missing := slices.Index(long[0], "value"), slices.Index(long[0], "missing")
	for _, r := range long[1:] {
		if r[3] == "honos" && r[5] == "baseline" && (r[value] != "9" || r[missing] != "-93") {
			t.Errorf("long HoNOS row %q: want value 9, missing -93", r)
		}
		if r[0] == "OSL-C-0001" && r[3] == "hope" && r[5] == "baseline" && r[6] == "item2" && (r[value] != "" || r[missing] != "-91") {
			t.Errorf("long skipped row %q: want no value, missing -91", r)
		}
	}
	// A definition in which a missing code is an answer is refused.
	cat.Questionnaires["gaf"].Items[0].Min = ip(-100)
	if _, err := WideTable(d, cat); err == nil || !strings.Contains(err.Error(), "gaf item symptoms takes -91") {
		t.Errorf("err = %v, want a refusal naming gaf's symptoms and -91", err)
	}
}

func TestWideNames(t *testing.T) {
	for _, c := range []struct{ prefix, id, want string }{
		{"hope", "hope_1", "hope_1"},
		{"imr_practice", "imr_practice_7", "imr_practice_7"},
		{"imrs_consumer", "imrs_1", "imrs_consumer_1"},
		{"imrs_consumer", "imrs-consumer-2", "imrs_consumer_2"},
		{"hope", "item1", "hope_item1"},
		{"gaf", "gaf_symptoms", "gaf_symptoms"},
		{"honos", "honos", "honos_honos"},
	} {
		if got := stem(c.prefix, c.id); got != c.want {
			t.Errorf("stem(%q, %q) = %q, want %q", c.prefix, c.id, got, c.want)
		}
	}
	// Timepoints baseline and m12 leave a stem 23 characters.
	for _, c := range []struct{ stem, tp, want string }{
		{"hope_total", "baseline", "hope_total_baseline"},
		{"imrs_clinician_version", "baseline", "imrs_clinician_version_baseline"},
		// 31 characters: the longest word loses a letter at a time, the
		// timepoint stays whole, and both timepoints share the stem.
		{"imr_practice_participation_mean", "baseline", "imr_practi_partici_mean_baseline"},
		{"imr_practice_participation_mean", "m12", "imr_practi_partici_mean_m12"},
		{"imr_practice_future_use_mean", "m12", "imr_prac_futur_use_mean_m12"},
	} {
		got := atTimepoint(c.stem, c.tp, 23)
		if got != c.want || len(got) > MaxNameLen {
			t.Errorf("atTimepoint(%q, %q, 23) = %q (%d), want %q", c.stem, c.tp, got, len(got), c.want)
		}
		if again := atTimepoint(c.stem, c.tp, 23); again != got {
			t.Errorf("atTimepoint(%q, %q, 23) is %q, then %q", c.stem, c.tp, got, again)
		}
	}
	if room := stemRoom(testCatalog()); room != 23 {
		t.Errorf("stemRoom = %d, want 23 (32 less _baseline)", room)
	}
	// Nothing fits: cut at the limit.
	if got := atTimepoint(strings.Repeat("a_", 40)+"b", strings.Repeat("t", 40), 1); len(got) != MaxNameLen {
		t.Errorf("atTimepoint of a hopeless name = %q (%d characters)", got, len(got))
	}
}

// ciRequired fails the test under CI=true, else skips it: the statistics
// packages are installed by scripts/with-stats.sh (make test).
func ciRequired(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (scripts/with-stats.sh installs it)", what)
	}
	t.Skipf("%s is not installed; scripts/with-stats.sh installs it", what)
}

// writeLoaderFolder writes the wide export of missingStudy with its R and
// SPSS syntax into a folder, as imrbot export --codebook does.
func writeLoaderFolder(t *testing.T) (string, *Table) {
	t.Helper()
	d, cat := missingStudy()
	tab, err := WideTable(d, cat)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, write := range map[string]func(*bytes.Buffer) error{
		"wide.csv": func(b *bytes.Buffer) error { return tab.WriteCSV(b) },
		"wide.R":   func(b *bytes.Buffer) error { return tab.WriteR(b, "wide.csv") },
		"wide.sps": func(b *bytes.Buffer) error { return tab.WriteSPSS(b, "wide.csv") },
		"wide.do":  func(b *bytes.Buffer) error { return tab.WriteStata(b, "wide.csv") },
	} {
		if err := os.WriteFile(filepath.Join(dir, name), render(t, write), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, tab
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestLoadersInPSPPAndR runs the SPSS syntax in PSPP, which saves a .sav,
// and reads the export in R twice: through the R syntax, and the .sav with
// haven and foreign. Labels and missing values survive each way.
func TestLoadersInPSPPAndR(t *testing.T) {
	if _, err := exec.LookPath("pspp"); err != nil {
		ciRequired(t, "PSPP")
	}
	if _, err := exec.LookPath("Rscript"); err != nil {
		ciRequired(t, "R")
	}
	dir, _ := writeLoaderFolder(t)

	sps, err := os.ReadFile(filepath.Join(dir, "wide.sps"))
	if err != nil {
		t.Fatal(err)
	}
	sps = append(sps, "DISPLAY DICTIONARY /VARIABLES=honos_h1_baseline hope_total_baseline.\nSAVE OUTFILE='wide.sav'.\n"...)
	if err := os.WriteFile(filepath.Join(dir, "run.sps"), sps, 0o600); err != nil {
		t.Fatal(err)
	}
	out := run(t, dir, "pspp", "-O", "format=csv", "-o", "dict.csv", "run.sps")
	dict, err := os.ReadFile(filepath.Join(dir, "dict.csv"))
	if err != nil {
		t.Fatalf("%v (pspp said: %s)", err, out)
	}
	if !regexp.MustCompile(`-94 THRU -91`).Match(dict) || !bytes.Contains(dict, []byte("Not reached (assessment expired)")) || !bytes.Contains(dict, []byte("Overactive behaviour (Baseline)")) {
		t.Errorf("PSPP's dictionary lacks the missing range, a missing code's label or a variable label:\n%s", dict)
	}

	check := `
suppressMessages(library(haven))
source("wide.R")
x <- d$honos_h1_baseline
cat("class", class(x)[1], "\n")
cat("na", is.na(x[1]), is.na(d$honos_h2_baseline[1]), is.na(d$hope_item3_baseline[1]), is.na(d$hope_item1_baseline[1]), "\n")
cat("codes", unclass(x)[1], unclass(d$honos_h2_baseline)[1], unclass(d$hope_item3_baseline)[1], unclass(d$hope_item2_baseline)[1], "\n")
cat("label", attr(x, "label"), "\n")
cat("labels", names(attr(x, "labels"))[attr(x, "labels") == -93], "\n")
s <- read_sav("wide.sav", user_na = TRUE)
y <- s$honos_h1_baseline
cat("sav_na_range", attr(y, "na_range"), "\n")
cat("sav_value", unclass(y)[1], is.na(y[1]), "\n")
cat("sav_label", attr(y, "label"), "\n")
cat("sav_labels", names(attr(y, "labels"))[attr(y, "labels") == -94], "\n")
f <- suppressWarnings(foreign::read.spss("wide.sav", to.data.frame = TRUE))
cat("foreign", as.character(f$honos_h1_baseline[1]), as.character(f$hope_item1_baseline[2]), "\n")
`
	if err := os.WriteFile(filepath.Join(dir, "check.R"), []byte(check), 0o600); err != nil {
		t.Fatal(err)
	}
	got := run(t, dir, "Rscript", "check.R")
	for _, want := range []string{
		"class haven_labelled_spss",
		"na TRUE TRUE TRUE FALSE",
		"codes -93 -94 -92 -91",
		"label Overactive behaviour (Baseline)",
		"labels Not known",
		"sav_na_range -94 -91",
		"sav_value -93 TRUE",
		"sav_label Overactive behaviour (Baseline)",
		"sav_labels Not reached (assessment expired)",
		// foreign reads user-missing values as NA, and labels the rest.
		"foreign NA Level 1",
	} {
		if !strings.Contains(got, want+" \n") && !strings.Contains(got, want+"\n") {
			t.Errorf("R printed no %q:\n%s", want, got)
		}
	}
}

// TestStataSyntax reads the do-file as Stata would need it (Stata is not
// at hand): every column of the CSV is imported under a name Stata takes,
// labelled, and each column with missing codes is mvdecoded to .a-.d with
// those labelled.
func TestStataSyntax(t *testing.T) {
	dir, tab := writeLoaderFolder(t)
	do, err := os.ReadFile(filepath.Join(dir, "wide.do"))
	if err != nil {
		t.Fatal(err)
	}
	csvHeader := readCSV(t, render(t, func(b *bytes.Buffer) error { return tab.WriteCSV(b) }))[0]
	stataName := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,31}$`)
	labelled, decoded, defined := map[string]bool{}, map[string]string{}, map[string]string{}
	for _, line := range strings.Split(string(do), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 2 && f[0] == "label" && f[1] == "variable":
			labelled[f[2]] = true
		case len(f) > 1 && f[0] == "mvdecode":
			name, spec, _ := strings.Cut(strings.TrimPrefix(line, "mvdecode "), ", ")
			decoded[name] = spec
		case len(f) > 2 && f[0] == "label" && f[1] == "define":
			defined[f[2]] = line
		}
	}
	const wantSpec = `mv(-91=.a \ -92=.b \ -93=.c \ -94=.d)`
	for _, name := range csvHeader {
		if !stataName.MatchString(name) {
			t.Errorf("column %q is not a Stata name", name)
		}
		if !labelled[name] {
			t.Errorf("the do-file does not label %s", name)
		}
	}
	for _, v := range tab.Variables {
		if len(v.Missing) == 0 {
			if _, ok := decoded[v.Name]; ok {
				t.Errorf("%s has no missing codes but is mvdecoded", v.Name)
			}
			continue
		}
		if decoded[v.Name] != wantSpec {
			t.Errorf("%s: mvdecode %q, want %q", v.Name, decoded[v.Name], wantSpec)
		}
		if !strings.Contains(defined[v.Name], ".c `\"Not known\"'") || !strings.Contains(string(do), "label values "+v.Name+" "+v.Name+"\n") {
			t.Errorf("%s: value labels %q lack the missing codes", v.Name, defined[v.Name])
		}
	}
	if len(decoded) == 0 {
		t.Error("nothing is mvdecoded")
	}
}
