package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// mustAt runs one command at cliNow and wants it to succeed.
func mustAt(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, code := runAt(t, env, args...)
	if code != 0 {
		t.Fatalf("imrbot %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// paperSite enrols, in the database env reaches, a clinician OSL-K-0001 and
// a consumer OSL-C-0001 of theirs, both with consent and baseline
// (2026-03-01) taken on paper and no chat; OSL-C-0002, another consumer of
// theirs; and OSL-C-0003, invited with no baseline date.
func paperSite(t *testing.T, env map[string]string) {
	t.Helper()
	mustAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	mustAt(t, env, "invite", "--site", "OSL", "--role", "clinician", "--baseline-date", "2026-03-01")
	mustAt(t, env, "invite", "--site", "OSL", "--role", "consumer", "--baseline-date", "2026-03-01", "--clinician", "OSL-K-0001")
	mustAt(t, env, "invite", "--site", "OSL", "--role", "consumer", "--clinician", "OSL-K-0001")
	mustAt(t, env, "invite", "--site", "OSL", "--role", "consumer")
}

const paperHeader = "participant,respondent,site,questionnaire,version,timepoint,item,value,answered_at,source\n"

// paperFile is a good file: OSL-C-0001's imrs-consumer at baseline (all
// 15 items, dated as on a paper form), their clinician's gaf rating of them
// and the clinician's own imr-practice with typed text that a spreadsheet
// would run, neutralised as the export writes it.
func paperFile() string {
	var b strings.Builder
	b.WriteString(paperHeader)
	for i := 1; i <= 15; i++ {
		fmt.Fprintf(&b, "OSL-C-0001,OSL-C-0001,OSL,imrs-consumer,1,baseline,imrs_%d,%d,2026-03-02,paper\n", i, 1+i%5)
	}
	b.WriteString("OSL-C-0001,OSL-K-0001,OSL,gaf,1,baseline,gaf_symptoms,55,2026-03-03T10:00:00Z,paper\n")
	b.WriteString("OSL-C-0001,OSL-K-0001,OSL,gaf,1,baseline,gaf_function,60,2026-03-03T10:01:00Z,paper\n")
	b.WriteString("OSL-K-0001,OSL-K-0001,OSL,imr-practice,1,baseline,imr_practice_7,'=SUM(A1:A9),2026-03-04T08:00:00Z,paper\n")
	return b.String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A consumer whose consent and baseline were taken on paper is in the
// study without a chat: due lists their baseline as unreachable.
func TestDueListsAPaperBaselineUnreachable(t *testing.T) {
	env := dbEnv(t)
	pgtest.Store(t)
	paperSite(t, env)
	out := mustAt(t, env, "due")
	want := "OSL-C-0001\tOSL\tbaseline\t2026-03-01\tunreachable\n"
	if !strings.Contains(out, want) {
		t.Errorf("due =\n%s\nwant the line %q", out, want)
	}
	for _, code := range []string{"OSL-C-0002", "OSL-C-0003"} {
		if strings.Contains(out, code) {
			t.Errorf("due lists %s, who is only invited:\n%s", code, out)
		}
	}
}

func TestImportPaperAnswers(t *testing.T) {
	env := dbEnv(t)
	env["USER"] = "alice"
	st := pgtest.Store(t)
	paperSite(t, env)
	file := writeFile(t, "paper.csv", paperFile())
	out := mustAt(t, env, "answers", "import", file)
	// imr-practice has one answer of seven: it stays in progress.
	if want := "imported 18 answers to 3 questionnaires (2 now complete) from " + file + "\n"; out != want {
		t.Errorf("import printed %q, want %q", out, want)
	}
	d, err := st.ExportData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Answers) != 18 {
		t.Fatalf("%d answers stored, want 18", len(d.Answers))
	}
	for _, a := range d.Answers {
		if want := map[bool]string{true: "in_progress", false: "completed"}[a.Questionnaire == "imr-practice"]; a.Source != store.SourcePaper || a.Status != want {
			t.Errorf("stored %+v, want source paper in a%s assessment", a, strings.ReplaceAll(" "+want, "_", " "))
		}
		if a.Item == "imr_practice_7" && a.Value.String != "=SUM(A1:A9)" {
			t.Errorf("text imported as %q, want =SUM(A1:A9) without the export's quote", a.Value.String)
		}
	}
	audit := auditDetails(t, env, "answers_import")
	if len(audit) != 1 || audit[0]["actor"] != "cli:alice" || audit[0]["answers"] != float64(18) {
		t.Errorf("audit %v, want one import of 18 answers by cli:alice", audit)
	}

	long := mustAt(t, env, "export", "--format", "long")
	header, _, _ := strings.Cut(long, "\n")
	// source follows answered_at; then missing, empty for every answer here.
	if !strings.HasSuffix(header, ",answered_at,source,missing") || strings.Count(long, ",paper,\n") != 18 {
		t.Errorf("the long export does not mark the 18 answers as paper:\n%s", long)
	}
}

// Every bad file is refused with one line naming the file's line, and
// nothing is stored.
func TestImportRefusesBadFiles(t *testing.T) {
	env := dbEnv(t)
	pgtest.Store(t)
	paperSite(t, env)
	good := "OSL-C-0001,OSL-C-0001,OSL,imrs-consumer,1,baseline,imrs_1,3,2026-03-02,paper\n"
	row := func(participant, respondent, site, q, tp, item, value, at, source string) string {
		return strings.Join([]string{participant, respondent, site, q, "1", tp, item, value, at, source}, ",") + "\n"
	}
	bad := func(f func(r []string)) string {
		r := []string{"OSL-C-0001", "OSL-C-0001", "OSL", "imrs-consumer", "baseline", "imrs_2", "3", "2026-03-02", "paper"}
		f(r)
		return paperHeader + good + row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
	}
	for _, c := range []struct {
		name, file, want string
	}{
		{"empty", "", "line 1: the file is empty"},
		{"missing column", "participant,respondent,questionnaire,timepoint,item,value\n" + "a,b,c,d,e,f\n", `line 1: the column "answered_at" is missing`},
		{"header only", paperHeader, "line 2: no answers follow the header line"},
		{"short line", paperHeader + "OSL-C-0001,OSL-C-0001\n", "line 2: the line has a different number of cells"},
		{"bad quoting", paperHeader + good + `OSL-C-0001,"OSL` + "\n", "line 3: "},
		{"unknown participant", bad(func(r []string) { r[0], r[1] = "OSL-C-0099", "OSL-C-0099" }), `line 3: no participant has the code "OSL-C-0099"`},
		{"unknown questionnaire", bad(func(r []string) { r[3] = "phq9" }), `line 3: no questionnaire has the id "phq9"`},
		{"unknown timepoint", bad(func(r []string) { r[4] = "m6" }), `line 3: the protocol has no timepoint "m6" (it has baseline, m12)`},
		{"unknown item", bad(func(r []string) { r[5] = "imrs_99" }), `line 3: imrs-consumer has no item "imrs_99"`},
		{"unknown option", bad(func(r []string) { r[6] = "7" }), `line 3: "7" is not an option of imrs-consumer imrs_2 (its codes are 1, 2, 3, 4, 5)`},
		{"out of range", bad(func(r []string) { r[1], r[3], r[5], r[6] = "OSL-K-0001", "gaf", "gaf_symptoms", "101" }), `line 3: "101" is not a whole number from 0 to 100`},
		{"empty value", bad(func(r []string) { r[6] = "" }), "line 3: the value of imrs-consumer imrs_2 is empty, and the item cannot be skipped"},
		{"before the window", bad(func(r []string) { r[7] = "2026-02-28" }), "line 3: answered_at 2026-02-28 is outside OSL-C-0001's baseline window (2026-03-01 to 2026-04-30)"},
		{"in the future", bad(func(r []string) { r[7] = "2026-03-10T13:00:00Z" }), "line 3: answered_at 2026-03-10T13:00:00Z is in the future"},
		{"not a date", bad(func(r []string) { r[7] = "2.3.2026" }), `line 3: answered_at "2.3.2026" is neither a date`},
		{"someone else answers", bad(func(r []string) { r[1] = "OSL-C-0002" }), "line 3: imrs-consumer is answered by the participant about themself, so respondent must be OSL-C-0001"},
		{"not their clinician", bad(func(r []string) {
			r[0], r[3], r[5], r[6] = "OSL-C-0003", "gaf", "gaf_symptoms", "50"
			r[1] = "OSL-K-0001"
		}), "line 3: OSL-K-0001 is not the clinician of OSL-C-0003"},
		{"a consumer rating", bad(func(r []string) { r[3], r[5], r[6] = "gaf", "gaf_symptoms", "50" }), "line 3: gaf is answered by a clinician, and OSL-C-0001 is a consumer"},
		{"no consent", bad(func(r []string) { r[0], r[1] = "OSL-C-0002", "OSL-C-0002" }), "line 3: OSL-C-0002 has not consented"},
		{"wrong site", bad(func(r []string) { r[2] = "BGO" }), "line 3: site is BGO, but OSL-C-0001 is a participant of OSL"},
		{"from the chat", bad(func(r []string) { r[8] = "chat" }), `line 3: source is "chat", but only answers collected on paper are imported`},
		{"twice", bad(func(r []string) { r[5] = "imrs_1" }), "line 3: it answers the same item as line 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := pgtest.CountAll(t)
			file := writeFile(t, "bad.csv", c.file)
			_, errOut, code := runAt(t, env, "answers", "import", file)
			want := "imrbot: " + file + ": " + c.want
			if code != 2 || !strings.HasPrefix(errOut, want) || !strings.HasSuffix(errOut, "; nothing was imported\n") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line beginning %q", code, errOut, want)
			}
			if after := pgtest.CountAll(t); !maps.Equal(before, after) {
				t.Errorf("a refused import changed the counts: %v -> %v", before, after)
			}
		})
	}

	if _, errOut, code := runAt(t, env, "answers", "import", filepath.Join(t.TempDir(), "none.csv")); code != 2 || !strings.Contains(errOut, "cannot read") {
		t.Errorf("a missing file: exit %d, %q", code, errOut)
	}
	file := writeFile(t, "paper.csv", paperFile())
	mustAt(t, env, "answers", "import", file)
	before := pgtest.CountAll(t)
	_, errOut, code := runAt(t, env, "answers", "import", file)
	if want := "line 2: OSL-C-0001 already has an answer to imrs-consumer imrs_1 at baseline (from the paper) by OSL-C-0001"; code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("importing a file twice: exit %d, %q; want %q", code, errOut, want)
	}
	if after := pgtest.CountAll(t); !maps.Equal(before, after) {
		t.Errorf("a refused import changed the counts: %v -> %v", before, after)
	}
}

// The long export, neutralised (the default) or raw, imports into a fresh
// database as the same answers.
func TestExportImportsBack(t *testing.T) {
	env := dbEnv(t)
	pgtest.Store(t)
	paperSite(t, env)
	mustAt(t, env, "answers", "import", writeFile(t, "paper.csv", paperFile()))
	want := mustAt(t, env, "export", "--format", "long", "--raw")
	for _, raw := range []bool{false, true} {
		args := []string{"export", "--format", "long"}
		if raw {
			args = append(args, "--raw")
		}
		exported := writeFile(t, "long.csv", mustAt(t, env, args...))
		fresh := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t).URL}
		paperSite(t, fresh)
		imp := []string{"answers", "import", exported}
		if raw {
			imp = append(imp, "--raw")
		}
		mustAt(t, fresh, imp...)
		if got := mustAt(t, fresh, "export", "--format", "long", "--raw"); got != want {
			t.Errorf("raw %v: after the round trip the export is\n%s\nwant\n%s", raw, got, want)
		}
	}
}
