package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// runQuestionnaires parses args with the questionnaires commands alone, as
// the full CLI does, and runs them.
func runQuestionnaires(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	var root struct {
		Questionnaires QuestionnairesCmd `cmd:""`
	}
	parser, err := kong.New(&root, kong.Bind(app), kong.Exit(func(int) {}), kong.Writers(&errb, &errb))
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := parser.Parse(append([]string{"questionnaires"}, args...))
	if err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	err = kctx.Run()
	return out.String(), err
}

func TestQuestionnairesList(t *testing.T) {
	out, err := runQuestionnaires(t, nil, "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "id\tversion\trespondent\ttitle\twording" {
		t.Errorf("header %q", lines[0])
	}
	lines = lines[1:]
	var ids []string
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 5 || f[1] == "" || f[3] == "" || (f[4] != "placeholder" && f[4] != "validated") {
			t.Errorf("line %q is not ID<TAB>VERSION<TAB>RESPONDENT<TAB>TITLE<TAB>WORDING", l)
			continue
		}
		ids = append(ids, f[0])
	}
	want := []string{"gaf", "goi", "honos", "hope", "imr-fidelity", "imr-practice", "imrs-clinician", "imrs-consumer", "it-is", "qol", "symptoms"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if !slices.Contains(lines, "hope\t1\tconsumer\tHope\tplaceholder") {
		t.Errorf("no hope line in %q", out)
	}
}

func TestQuestionnairesLint(t *testing.T) {
	if out, err := runQuestionnaires(t, nil, "lint"); err != nil || out != "" {
		t.Errorf("lint of the built-in study = %q, %v", out, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("id: x\nversion: \"1\"\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(out string, err error) {
		t.Helper()
		var exit ExitError
		if !errors.As(err, &exit) || exit.Code != 1 {
			t.Fatalf("lint %s = %v, want exit status 1", dir, err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if exit.Err.Error() != strings.Fields(exit.Err.Error())[0]+" problems" || len(lines) < 2 {
			t.Errorf("error %q for %d lines", exit.Err, len(lines))
		}
		want := filepath.Join(dir, "x.yaml") + `:3: questionnaire: unknown key "bogus"`
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("no line starts %q in:\n%s", want, out)
		}
	}
	check(runQuestionnaires(t, nil, "lint", dir))
	check(runQuestionnaires(t, map[string]string{"IMRBOT_QUESTIONNAIRES": dir}, "lint"))
}

func TestQuestionnairesShowJSON(t *testing.T) {
	out, err := runQuestionnaires(t, nil, "show", "honos", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID, Version string
		Items       []struct {
			ID      string
			Type    string
			Options []struct {
				Code  int
				Label map[string]string
			}
			Min, Max *int
			Optional *bool
		}
		Scoring struct {
			ExcludeCodes []int `json:"exclude_codes"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	// 12 rated items, and item 8's problem type (A-J) right after item 8.
	if got.ID != "honos" || got.Version != "1" || len(got.Items) != 13 || !slices.Equal(got.Scoring.ExcludeCodes, []int{9}) {
		t.Fatalf("show honos --json = %+v", got)
	}
	if typ := got.Items[8]; typ.ID != "honos_8_type" || typ.Type != "choice" || len(typ.Options) != 10 ||
		typ.Options[0].Code != 1 || typ.Options[9].Code != 10 || !strings.HasPrefix(typ.Options[9].Label["en"], "J") {
		t.Errorf("item 9 is %+v, want honos_8_type with codes 1-10 for A-J", typ)
	}
	got.Items = slices.Delete(got.Items, 8, 9)
	for i, it := range got.Items {
		var codes []int
		for _, o := range it.Options {
			codes = append(codes, o.Code)
			if o.Label["en"] == "" || o.Label["nb"] == "" {
				t.Errorf("%s option %d label %v", it.ID, o.Code, o.Label)
			}
		}
		if want := "honos_" + string(rune('0'+i+1)); i < 9 && it.ID != want {
			t.Errorf("item %d is %s, want %s", i, it.ID, want)
		}
		if it.Type != "choice" || !slices.Equal(codes, []int{0, 1, 2, 3, 4, 9}) ||
			it.Min == nil || *it.Min != 0 || it.Max == nil || *it.Max != 4 || it.Optional == nil {
			t.Errorf("item %+v", it)
		}
	}

	out, err = runQuestionnaires(t, nil, "show", "gaf", "--json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id": "gaf_symptoms"`, `"type": "integer"`, `"min": 1`, `"max": 100`, `"options": []`} {
		if !strings.Contains(out, want) {
			t.Errorf("show gaf --json lacks %s:\n%s", want, out)
		}
	}
}

func TestQuestionnairesShowText(t *testing.T) {
	out, err := runQuestionnaires(t, nil, "show", "hope")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hope  version 1", "3. hope_3 (choice; 1-4, reversed)", "   4 - Strongly agree"} {
		if !strings.Contains(out, want) {
			t.Errorf("show hope lacks %q:\n%s", want, out)
		}
	}
}

func TestQuestionnairesShowUnknown(t *testing.T) {
	_, err := runQuestionnaires(t, nil, "show", "nope")
	var usage UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), `unknown questionnaire "nope"`) {
		t.Errorf("show nope = %v, want a UsageError", err)
	}
}

// TestQuestionnairesExitStatus drives the whole CLI as the binary runs it.
func TestQuestionnairesExitStatus(t *testing.T) {
	broken := filepath.Join("..", "..", "questionnaires", "testdata", "lint", "protocol")
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"questionnaires", "list"}, 0},
		{[]string{"questionnaires", "lint"}, 0},
		{[]string{"questionnaires", "lint", broken}, 1},
		{[]string{"questionnaires", "show", "nope"}, 2},
		{[]string{"questionnaires", "show", "hope", "--json"}, 0},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, nil, tt.args...)
		if code != tt.code || strings.Count(errOut, "\n") > 1 {
			t.Errorf("%v: exit %d, want %d; stderr %q", tt.args, code, tt.code, errOut)
		}
		if tt.code == 0 && out == "" && tt.args[1] != "lint" {
			t.Errorf("%v printed nothing", tt.args)
		}
	}
}

// TestQuestionnairesListValidated: the wording column follows the
// definitions loaded from IMRBOT_QUESTIONNAIRES.
func TestQuestionnairesListValidated(t *testing.T) {
	out, err := runQuestionnaires(t, map[string]string{"IMRBOT_QUESTIONNAIRES": validatedDefinitions(t)}, "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\nhope\t1-validated\tconsumer\tHope\tvalidated\n") || strings.Contains(out, "placeholder") {
		t.Errorf("list of a validated study:\n%s", out)
	}
}

// TestQuestionnairesLintStudyText: lint names the study text's file, line
// and field when a language or a field is missing, and changes nothing.
func TestQuestionnairesLintStudyText(t *testing.T) {
	for name, c := range map[string]struct{ from, to, want string }{
		"missing language": {"  nb: \"EKSEMPEL, erstatt: Studiekoordinator", "  xx: \"EKSEMPEL, erstatt: Studiekoordinator", "contact has no nb translation"},
		"missing field":    {"ethics_approval:", "ethics_approvals:", "ethics_approval is missing"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := validatedDefinitions(t)
			file := filepath.Join(dir, "study.yaml")
			data, err := os.ReadFile(file)
			if err != nil || !bytes.Contains(data, []byte(c.from)) {
				t.Fatalf("study.yaml lacks %q: %v", c.from, err)
			}
			broken := bytes.Replace(data, []byte(c.from), []byte(c.to), 1)
			if err := os.WriteFile(file, broken, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := runQuestionnaires(t, nil, "lint", dir)
			var exit ExitError
			if !errors.As(err, &exit) || exit.Code != 1 || !strings.Contains(out, file+":") || !strings.Contains(out, c.want) {
				t.Errorf("lint = %q, %v; want %s:LINE: ... %s", out, err, file, c.want)
			}
			if after, _ := os.ReadFile(file); !bytes.Equal(after, broken) {
				t.Error("lint changed the file")
			}
		})
	}
}
