package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExportREDCapAndImportBack: export --format redcap writes the import
// file and, with --dictionary, the dictionary and its set-up files;
// import-redcap turns the dictionary back into definitions that lint
// accepts.
func TestExportREDCapAndImportBack(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	data, dict := filepath.Join(dir, "redcap_data.csv"), filepath.Join(dir, "redcap_dictionary.csv")
	if out, errOut, code := run(t, env, "export", "--format", "redcap", "--out", data, "--dictionary", dict); code != 0 || out != "" {
		t.Fatalf("export: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	want := []string{"redcap_data.csv", "redcap_dictionary.csv", "redcap_dictionary_arms.csv", "redcap_dictionary_dags.csv", "redcap_dictionary_events.csv", "redcap_dictionary_mapping.csv"}
	if names := dirNames(t, dir); !slices.Equal(names, want) {
		t.Fatalf("files %q, want %q", names, want)
	}
	rows := readCSVFile(t, data)
	if !slices.Equal(rows[0][:4], []string{"record_id", "redcap_event_name", "redcap_data_access_group", "imrs_consumer_1"}) || len(rows) != 3 {
		t.Errorf("data %q", rows)
	}
	hope := slices.Index(rows[0], "hope_1")
	if rows[1][1] != "baseline_arm_1" || rows[1][2] != "osl" || rows[1][hope] != "2" || rows[2][hope] != "3" || rows[1][slices.Index(rows[0], "hope_complete")] != "2" {
		t.Errorf("rows %q", rows[1:])
	}
	if m := readCSVFile(t, filepath.Join(dir, "redcap_dictionary_mapping.csv")); !slices.Equal(m[0], []string{"arm_num", "unique_event_name", "form"}) || !slices.ContainsFunc(m[1:], func(r []string) bool { return slices.Equal(r, []string{"1", "baseline_arm_1", "hope"}) }) {
		t.Errorf("mapping %q", m)
	}
	if d := readCSVFile(t, dict); d[0][0] != "Variable / Field Name" || len(d[0]) != 18 || d[1][0] != "record_id" {
		t.Errorf("dictionary begins %q %q", d[0], d[1])
	}

	defs := filepath.Join(dir, "defs")
	out, errOut, code := run(t, env, "questionnaires", "import-redcap", dict, "--out", defs)
	if code != 0 || !strings.Contains(out, filepath.Join(defs, "hope.yaml")) {
		t.Fatalf("import-redcap: exit %d, stdout %s, stderr %s", code, out, errOut)
	}
	if out, errOut, code := run(t, env, "questionnaires", "lint", defs); code != 0 {
		t.Errorf("lint of the imported definitions: exit %d: %s%s", code, out, errOut)
	}
	// A second import would overwrite: refused, nothing changed.
	if _, errOut, code := run(t, env, "questionnaires", "import-redcap", dict, "--out", defs); code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("import over existing files: exit %d, %s", code, errOut)
	}
}

// TestExportFHIR: export --format fhir writes one JSON Bundle (validated
// against R4 in the report package's tests), and show --fhir prints the
// Questionnaire.
func TestExportFHIR(t *testing.T) {
	env := exportStudy(t)
	out, errOut, code := run(t, env, "export", "--format", "fhir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var b struct {
		ResourceType, Type string
		Entry              []struct{ Resource map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.ResourceType != "Bundle" || b.Type != "collection" || len(b.Entry) != 2 {
		t.Fatalf("%v: %s", err, out)
	}
	if r := b.Entry[0].Resource; r["questionnaire"] != "http://imrbot.example/fhir/Questionnaire/hope|1" || r["status"] != "completed" {
		t.Errorf("resource %v", r)
	}
	out, errOut, code = run(t, env, "questionnaires", "show", "qol", "--fhir")
	if code != 0 || !strings.Contains(out, `"resourceType": "Questionnaire"`) || !strings.Contains(out, `"enableWhen"`) {
		t.Errorf("show --fhir: exit %d %s %s", code, out, errOut)
	}
}

// Bad input changes nothing: a dictionary flag without redcap, a codebook
// with redcap, a dictionary with an unknown field type.
func TestInteropBadInput(t *testing.T) {
	env := exportStudy(t)
	dir := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Join([]string{
		`Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"Choices, Calculations, OR Slider Labels",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation`,
		`a_1,a,,radio,Q,"1, A | 2, B",,,,,,,,,,,,`,
		`a_2,a,,stars,Q,,,,,,,,,,,,,`, ""}, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"export", "--format", "long", "--out", filepath.Join(dir, "x.csv"), "--dictionary", filepath.Join(dir, "d.csv")},
		{"export", "--format", "redcap", "--out", filepath.Join(dir, "x.csv"), "--codebook", filepath.Join(dir, "c.csv")},
		{"export", "--format", "redcap", "--out", filepath.Join(dir, "x.csv"), "--dictionary", filepath.Join(dir, "x.csv")},
		{"questionnaires", "import-redcap", bad, "--out", filepath.Join(dir, "defs")},
		{"questionnaires", "show", "hope", "--fhir", "--json"},
	} {
		out, errOut, code := run(t, env, args...)
		if code != 2 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing, one line", args, code, out, errOut)
		}
		if strings.Contains(args[1], "import") && !strings.Contains(errOut, "bad.csv:3: a_2: unknown field type") {
			t.Errorf("import error %q", errOut)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("bad input wrote %q", names)
	}
}
