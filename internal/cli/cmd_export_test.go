package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

var exportNow = time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)

// exportApp is an App as Main builds it, with env as the environment and
// a fixed clock; stdout and stderr are returned to inspect.
func exportApp(t *testing.T, env map[string]string) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { return exportNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Context: context.Background(),
	}
	t.Cleanup(app.close)
	return app, &out, &errb
}

// exportStudy stores one consumer's hope questionnaire at baseline and m12
// (all twelve items 2, then 3) and returns the environment that reaches it.
func exportStudy(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"DATABASE_URL": pgtest.URL(t), "USER": "alice"}
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	inv, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: exportNow.Add(time.Hour)}, 1,
		func() (string, error) { return "export-test-invite-code-xxxxxx", nil })
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	for i, tp := range []string{"baseline", "m12"} {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			at := exportNow.AddDate(-1+i, 0, 0)
			id, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: p.ID, RespondentID: p.ID, Questionnaire: "hope", Timepoint: tp}, "1", at)
			if err != nil {
				return err
			}
			v := fmt.Sprint(2 + i)
			for item := 1; item <= 12; item++ {
				if err := tx.SaveAnswer(ctx, id, fmt.Sprintf("hope_%d", item), &v, int64(item), at); err != nil {
					return err
				}
			}
			return tx.CompleteAssessment(ctx, id, at)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// auditDetails returns the audit rows of action, each as its detail plus
// "actor", read through a connection of its own (pgtest.Store would empty
// the tables).
func auditDetails(t *testing.T, env map[string]string, action string) []map[string]any {
	t.Helper()
	st, err := store.Open(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.AuditLog(context.Background(), action)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range entries {
		d := map[string]any{}
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatal(err)
		}
		d["actor"] = e.Actor
		out = append(out, d)
	}
	return out
}

func TestExportLongWithCodebook(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	app, stdout, _ := exportApp(t, env)
	cmd := &ExportCmd{Format: "long", Out: filepath.Join(dir, "answers.csv"), Codebook: filepath.Join(dir, "codebook.csv")}
	if err := cmd.Run(app); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing with --out", stdout)
	}
	names := dirNames(t, dir)
	if want := []string{"answers.csv", "codebook.R", "codebook.csv", "codebook.do", "codebook.sps"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q (and no temporary files)", names, want)
	}
	rows := readCSVFile(t, filepath.Join(dir, "answers.csv"))
	if want := []string{"participant", "respondent", "site", "questionnaire", "version", "timepoint", "item", "value", "answered_at", "source", "missing"}; !slices.Equal(rows[0], want) {
		t.Errorf("header %q, want %q", rows[0], want)
	}
	if len(rows) != 25 {
		t.Errorf("%d rows, want a header and 24 answers", len(rows))
	}
	if r, _ := os.ReadFile(filepath.Join(dir, "codebook.R")); !bytes.Contains(r, []byte(`read.csv("answers.csv"`)) {
		t.Errorf("R syntax does not read answers.csv:\n%s", r)
	}
	audit := auditDetails(t, env, "export")
	if len(audit) != 1 {
		t.Fatalf("%d export audit rows, want 1", len(audit))
	}
	if a := audit[0]; a["actor"] != "cli:alice" || a["format"] != "long" || a["file"] != cmd.Out || a["rows"] != float64(24) || a["at"] != "2026-02-01T10:00:00Z" {
		t.Errorf("audit row %v", a)
	}
}

func TestExportWideToStdout(t *testing.T) {
	env := exportStudy(t)
	delete(env, "USER")
	app, stdout, _ := exportApp(t, env)
	if err := (&ExportCmd{Format: "wide"}).Run(app); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(stdout).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// One row for the participant, a column per timepoint.
	from, to := slices.Index(rows[0], "hope_total_baseline"), slices.Index(rows[0], "hope_total_m12")
	if from < 0 || to < 0 || len(rows) != 2 {
		t.Fatalf("wide export: header %q, %d rows", rows[0], len(rows))
	}
	// Twelve items answered 2, then 3; items 3 and 6 are reversed (5 - x)
	// per the contract: 10*2 + 2*3 = 26 and 10*3 + 2*2 = 34.
	if rows[1][from] != "26" || rows[1][to] != "34" {
		t.Errorf("hope_total at baseline and m12 %q and %q, want 26 and 34", rows[1][from], rows[1][to])
	}
	if audit := auditDetails(t, env, "export"); len(audit) != 1 || audit[0]["actor"] != "cli" || audit[0]["file"] != "-" {
		t.Errorf("audit %v", audit)
	}
}

func TestExportBadFlagsWriteNothing(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "x.csv")
	for _, c := range []struct {
		name string
		cmd  ExportCmd
		want string
	}{
		{"codebook without out", ExportCmd{Format: "long", Codebook: filepath.Join(dir, "cb.csv")}, "--codebook needs --out"},
		{"missing folder", ExportCmd{Format: "long", Out: filepath.Join(dir, "nope", "x.csv")}, "does not exist"},
		{"out is a folder", ExportCmd{Format: "long", Out: dir}, "is a folder"},
		{"codebook is the export", ExportCmd{Format: "long", Out: out, Codebook: out}, "would both write"},
		{"syntax is the export", ExportCmd{Format: "long", Out: filepath.Join(dir, "cb.R"), Codebook: filepath.Join(dir, "cb.csv")}, "would both write"},
	} {
		t.Run(c.name, func(t *testing.T) {
			app, stdout, _ := exportApp(t, env)
			err := c.cmd.Run(app)
			var usage UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want a UsageError naming %q", err, c.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("files written: %q", names)
	}
	if n := len(auditDetails(t, env, "export")); n != 0 {
		t.Errorf("%d audit rows after refused exports", n)
	}
}

// A failure after the flags are accepted (here: no database) leaves no
// file, not even a temporary one.
func TestFailedExportLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	app, _, _ := exportApp(t, map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?sslmode=disable"})
	err := (&ExportCmd{Format: "wide", Out: filepath.Join(dir, "w.csv"), Codebook: filepath.Join(dir, "cb.csv")}).Run(app)
	if err == nil {
		t.Fatal("export without a database succeeded")
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("files left behind: %q", names)
	}
	err = (&ReportCmd{Format: "html", Out: filepath.Join(dir, "r.html")}).Run(app)
	if err == nil || len(dirNames(t, dir)) != 0 {
		t.Errorf("report without a database: err %v, files %q", err, dirNames(t, dir))
	}
}

func TestReportFormats(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	for _, format := range []string{"text", "csv", "html"} {
		app, stdout, _ := exportApp(t, env)
		path := filepath.Join(dir, "report."+format)
		if err := (&ReportCmd{Format: format, Out: path}).Run(app); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if stdout.Len() != 0 || !bytes.Contains(b, []byte("hope")) {
			t.Errorf("%s report: stdout %d bytes, file lacks hope:\n%s", format, stdout.Len(), b)
		}
	}
	app, stdout, _ := exportApp(t, env)
	if err := (&ReportCmd{Format: "text"}).Run(app); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "hope_total") {
		t.Errorf("text report on stdout lacks hope_total:\n%s", stdout)
	}
	// The compared timepoints can be chosen (here the other way round).
	app, stdout, _ = exportApp(t, env)
	if err := (&ReportCmd{Format: "csv", From: "m12", To: "baseline"}).Run(app); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "m12-baseline") {
		t.Errorf("csv report from m12 to baseline does not say so:\n%s", stdout)
	}
	audit := auditDetails(t, env, "report")
	if len(audit) != 5 || audit[2]["format"] != "html" || audit[3]["file"] != "-" || audit[0]["actor"] != "cli:alice" ||
		audit[3]["from"] != "baseline" || audit[4]["from"] != "m12" || audit[4]["to"] != "baseline" {
		t.Errorf("report audit rows %v", audit)
	}
	app, _, _ = exportApp(t, env)
	var usage UsageError
	if err := (&ReportCmd{Format: "text", Out: filepath.Join(dir, "no", "r.txt")}).Run(app); !errors.As(err, &usage) {
		t.Errorf("report into a missing folder: %v, want a UsageError", err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Through the command line as the binary parses it: bad flags exit 2 with
// one line and write nothing; good ones exit 0.
func TestExportAndReportCommandLine(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"export", "--format", "xml", "--out", filepath.Join(dir, "x.csv")},
		{"export", "--out", filepath.Join(dir, "x.csv")},
		{"export", "--format", "long", "--codebook", filepath.Join(dir, "cb.csv")},
		{"report", "--format", "pdf", "--out", filepath.Join(dir, "r.pdf")},
		{"report", "--from", "m99", "--out", filepath.Join(dir, "r.txt")},
		{"report", "--from", "m12", "--to", "m12", "--out", filepath.Join(dir, "r.txt")},
	} {
		out, errOut, code := run(t, env, args...)
		if code != 2 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing, one line", args, code, out, errOut)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("bad flags wrote %q", names)
	}
	if _, errOut, code := run(t, env, "export", "--format", "wide", "--out", filepath.Join(dir, "w.csv"), "--codebook", filepath.Join(dir, "w-codebook.csv")); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	if _, errOut, code := run(t, env, "report", "--format", "html", "--out", filepath.Join(dir, "r.html")); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	want := []string{"r.html", "w-codebook.R", "w-codebook.csv", "w-codebook.do", "w-codebook.sps", "w.csv"}
	if names := dirNames(t, dir); !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
}

// formulaTexts are free-text answers a spreadsheet would run as formulas.
var formulaTexts = []string{`=HYPERLINK("http://x","y")`, "+1+1", "@SUM(A1)", "-cmd", "\tx"}

// formulaStudy stores one clinician per formulaTexts entry answering the
// shipped imr-practice questionnaire at baseline: item 1 = 4 and the free
// text item imr_practice_7 = the entry. It returns the environment and the
// clinicians' codes.
func formulaStudy(t *testing.T) (map[string]string, []string) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": pgtest.URL(t), "USER": "alice"}
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	n := 0
	invs, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "clinician", InviteExpires: exportNow.Add(time.Hour)}, len(formulaTexts),
		func() (string, error) { n++; return fmt.Sprintf("formula-invite-%03d-xxxxxxxxxxxx", n), nil })
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i, inv := range invs {
		p, err := st.ParticipantByCode(ctx, inv.ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, p.Code)
		err = st.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: p.ID, RespondentID: p.ID, Questionnaire: "imr-practice", Timepoint: "baseline"}, "1", exportNow)
			if err != nil {
				return err
			}
			four, text := "4", formulaTexts[i]
			if err := tx.SaveAnswer(ctx, id, "imr_practice_1", &four, 1, exportNow); err != nil {
				return err
			}
			if err := tx.SaveAnswer(ctx, id, "imr_practice_7", &text, 2, exportNow); err != nil {
				return err
			}
			return tx.CompleteAssessment(ctx, id, exportNow)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return env, codes
}

// A free-text answer typed as a formula leaves `imrbot export` with a
// quote in front, in the long and the wide format, numbers as they are, and
// the codebook says so; with --raw every cell is as typed, and the audit
// log says which exports were raw.
func TestExportNeutralisesFormulas(t *testing.T) {
	env, codes := formulaStudy(t)
	dir := t.TempDir()
	for _, raw := range []bool{false, true} {
		want := func(typed string) string {
			if raw {
				return typed
			}
			return "'" + typed
		}
		name := fmt.Sprintf("raw-%v", raw)
		args := []string{"export", "--format", "long", "--out", filepath.Join(dir, name+".csv"), "--codebook", filepath.Join(dir, name+"-codebook.csv")}
		if raw {
			args = append(args, "--raw")
		}
		if _, errOut, code := run(t, env, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		got := map[string]string{}
		for _, r := range readCSVFile(t, filepath.Join(dir, name+".csv"))[1:] {
			got[r[0]+"/"+r[6]] = r[7]
		}
		for i, c := range codes {
			if got[c+"/imr_practice_7"] != want(formulaTexts[i]) || got[c+"/imr_practice_1"] != "4" {
				t.Errorf("%s long: %s answered %q and 4, exported %q and %q", name, c, formulaTexts[i], got[c+"/imr_practice_7"], got[c+"/imr_practice_1"])
			}
		}
		cb := readCSVFile(t, filepath.Join(dir, name+"-codebook.csv"))
		if note := cb[len(cb)-1]; note[2] != "note" || strings.Contains(note[1], "single quote (') in front") == raw {
			t.Errorf("%s codebook ends with %q, want a note on the quote (or, raw, on its absence)", name, note)
		}

		args = []string{"export", "--format", "wide"}
		if raw {
			args = append(args, "--raw")
		}
		out, errOut, code := run(t, env, args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		text, item1 := slices.Index(rows[0], "imr_practice_7_baseline"), slices.Index(rows[0], "imr_practice_1_baseline")
		if text < 0 || item1 < 0 || len(rows) != len(codes)+1 {
			t.Fatalf("%s wide: header %q, %d rows", name, rows[0], len(rows))
		}
		for i, r := range rows[1:] {
			if r[0] != codes[i] || r[text] != want(formulaTexts[i]) || r[item1] != "4" {
				t.Errorf("%s wide row %d: %s, %q, %q; want %s, %q, 4", name, i, r[0], r[text], r[item1], codes[i], want(formulaTexts[i]))
			}
		}
	}
	audit := auditDetails(t, env, "export")
	if len(audit) != 4 || audit[0]["raw"] != false || audit[1]["raw"] != false || audit[2]["raw"] != true || audit[3]["raw"] != true {
		t.Errorf("export audit rows %v, want two not raw, then two raw", audit)
	}
}
