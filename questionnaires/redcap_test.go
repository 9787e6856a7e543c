package questionnaires

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// builtinForms is every built-in questionnaire as REDCap forms, by id.
func builtinForms(t *testing.T) []RedcapForm {
	t.Helper()
	c := loadDefaults(t)
	var qs []*Questionnaire
	for _, id := range slices.Sorted(maps.Keys(c.Questionnaires)) {
		qs = append(qs, c.Questionnaires[id])
	}
	forms, err := RedcapForms(qs)
	if err != nil {
		t.Fatal(err)
	}
	return forms
}

func dictionaryCSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRedcapDictionaryShape checks the dictionary against REDCap's
// published shape: its 18 headers in order, record_id first, each form's
// rows together, names by REDCap's rule, choices as "1, Label | 2, Label",
// branching as [field] = 'code'.
func TestRedcapDictionaryShape(t *testing.T) {
	forms := builtinForms(t)
	rows, err := RedcapDictionary(forms, "en")
	if err != nil {
		t.Fatal(err)
	}
	want := "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"
	if got := string(dictionaryCSV(t, rows[:1])); got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
	if rows[1][rcVar] != "record_id" {
		t.Errorf("first field %q, want record_id", rows[1][rcVar])
	}
	name := regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)
	choice := regexp.MustCompile(`^-?\d+, [^|]+$`)
	seenForms, vars := map[string]bool{}, map[string]bool{}
	prev := ""
	for _, r := range rows[1:] {
		if len(r) != 18 {
			t.Fatalf("row %v has %d columns", r, len(r))
		}
		if r[rcForm] != prev {
			if seenForms[r[rcForm]] {
				t.Errorf("form %s's rows are not together", r[rcForm])
			}
			seenForms[r[rcForm]], prev = true, r[rcForm]
		}
		if !name.MatchString(r[rcVar]) || !name.MatchString(r[rcForm]) || vars[r[rcVar]] {
			t.Errorf("bad or repeated name: variable %q form %q", r[rcVar], r[rcForm])
		}
		vars[r[rcVar]] = true
		if r[rcType] == "radio" {
			for c := range strings.SplitSeq(r[rcChoices], " | ") {
				if !choice.MatchString(c) {
					t.Errorf("%s: choice %q", r[rcVar], c)
				}
			}
		}
	}
	byVar := map[string][]string{}
	for _, r := range rows[1:] {
		byVar[r[rcVar]] = r
	}
	for v, want := range map[string][4]string{
		"imrs_consumer_1":  {"imrs_consumer", "radio", "", "y"},
		"imrs_clinician_1": {"imrs_clinician", "radio", "", "y"},
		"hope_3":           {"hope", "radio", "", "y"},
		"gaf_symptoms":     {"gaf", "text", "integer", "y"},
		"qol_3":            {"qol", "radio", "", "y"},
		"imr_practice_7":   {"imr_practice", "notes", "", ""},
	} {
		r := byVar[v]
		if r == nil || r[rcForm] != want[0] || r[rcType] != want[1] || r[rcValidation] != want[2] || r[rcRequired] != want[3] {
			t.Errorf("%s: %q", v, r)
		}
	}
	if got := byVar["gaf_symptoms"]; got[rcMin] != "0" || got[rcMax] != "100" {
		t.Errorf("gaf_symptoms range %q..%q", got[rcMin], got[rcMax])
	}
	if got := byVar["qol_3"][rcBranching]; got != "[qol_2] = '1'" {
		t.Errorf("qol_3 branching %q", got)
	}
	if got := byVar["honos_1"][rcChoices]; !strings.HasPrefix(got, "0, ") || !strings.Contains(got, " | 9, ") {
		t.Errorf("honos_1 choices %q", got)
	}
}

// TestRedcapRoundTrip exports every built-in definition as a dictionary
// and imports it back: every item, option, label (both languages),
// branching rule, and the questionnaire's own fields come back equal, and
// the files pass lint.
func TestRedcapRoundTrip(t *testing.T) {
	forms := builtinForms(t)
	rows, err := RedcapDictionary(forms, "en")
	if err != nil {
		t.Fatal(err)
	}
	im, err := ImportRedcap("dict.csv", bytes.NewReader(dictionaryCSV(t, rows)), "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Files) != len(forms) {
		t.Fatalf("%d files, want %d", len(im.Files), len(forms))
	}
	for _, n := range im.Notes {
		if !strings.Contains(n.Msg, "record id") {
			t.Errorf("unexpected note: %s", n)
		}
	}
	for i, f := range im.Files {
		orig := forms[i].Questionnaire
		if f.Name != orig.ID+".yaml" {
			t.Errorf("file %s for %s", f.Name, orig.ID)
		}
		q, problems := parseQuestionnaire(f.Name, f.Data)
		if len(problems) > 0 {
			t.Fatalf("%s: %v\n%s", f.Name, problems, f.Data)
		}
		a, _ := json.Marshal(orig)
		b, _ := json.Marshal(q)
		if !bytes.Equal(a, b) {
			t.Errorf("%s changed in the round trip:\n was %s\n now %s", orig.ID, a, b)
		}
	}
}

const redcapHeader = "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"

// TestRedcapImportLibraryInstrument reads a dictionary as REDCap's shared
// library gives one (no imrbot annotation, one language, fields the bot
// cannot ask) and reports by line everything it left out or defaulted.
func TestRedcapImportLibraryInstrument(t *testing.T) {
	dict := "\ufeff" + redcapHeader +
		`record_id,mood_scale,,text,Record ID,,,,,,,,,,,,,` + "\n" +
		`mood_1,mood_scale,Over the last two weeks,radio,Little interest in doing things,"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day",,,,,,,y,,,phq,,` + "\n" +
		`mood_2,mood_scale,,dropdown,Feeling down,"0, Not at all | 1, Several days",,,,,,,y,,,phq,,` + "\n" +
		`mood_total,mood_scale,,calc,Total,"sum([mood_1],[mood_2])",,,,,,,,,,,,` + "\n" +
		`mood_3,mood_scale,,yesno,Any help?,,,,,,,[mood_1] = '2' or [mood_1] = '3',,,,,,@HIDDEN-SURVEY` + "\n" +
		`mood_age,mood_scale,,text,Age,,,integer,18,120,,,y,,,,,` + "\n" +
		`mood_when,mood_scale,,text,When,,,date_ymd,,,,[mood_total] > 2,,,,,,` + "\n" +
		`sleep_1,sleep,,checkbox,Which nights,"1, Mon | 2, Tue",,,,,,,,,,,,` + "\n" +
		`sleep_2,sleep,,notes,"Anything else?",,A note,,,,,,,,,,,` + "\n"
	im, err := ImportRedcap("lib.csv", strings.NewReader(dict), "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Files) != 2 || im.Files[0].Name != "mood_scale.yaml" || im.Files[1].Name != "sleep.yaml" {
		t.Fatalf("files %v", im.Files)
	}
	var notes []string
	for _, n := range im.Notes {
		notes = append(notes, n.String())
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{
		"lib.csv:2: record_id is REDCap's record id",
		"lib.csv:3: form mood_scale: no imrbot: annotation",
		"lib.csv:3: form mood_scale: texts the dictionary gives only in en were copied to nb",
		"lib.csv:3: mood_1: matrix group phq has no equivalent",
		"lib.csv:5: mood_total: field type calc has no equivalent",
		`lib.csv:6: mood_3: Field Annotation "@HIDDEN-SURVEY" has no equivalent`,
		"lib.csv:8: mood_when: validation date_ymd has no equivalent: asked as free text",
		`lib.csv:8: mood_when: branching logic "[mood_total] > 2" has no equivalent`,
		"lib.csv:9: sleep_1: field type checkbox has no equivalent",
		`lib.csv:10: sleep_2: Field Note "A note" has no equivalent`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no note %q in\n%s", want, all)
		}
	}
	q, problems := parseQuestionnaire("mood_scale.yaml", im.Files[0].Data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if len(q.Items) != 5 || q.Intro["en"] != "Over the last two weeks" || q.Intro["nb"] != q.Intro["en"] {
		t.Errorf("questionnaire %+v", q)
	}
	it, _, _ := q.Item("mood_3")
	if it.ShowIf == nil || it.ShowIf.Item != "mood_1" || !slices.Equal(it.ShowIf.In, []int{2, 3}) || !it.Optional || len(it.Options) != 2 {
		t.Errorf("mood_3 %+v", it)
	}
	if it, _, _ := q.Item("mood_age"); it.Type != TypeInteger || *it.Min != 18 || *it.Max != 120 || it.Optional {
		t.Errorf("mood_age %+v", it)
	}
}

// TestRedcapImportBadInput: one clear error naming the line, nothing
// returned.
func TestRedcapImportBadInput(t *testing.T) {
	for name, tt := range map[string]struct{ dict, want string }{
		"unknown type": {redcapHeader + "a_1,a,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\na_2,a,,stars,Q,,,,,,,,,,,,,\n",
			`d.csv:3: a_2: unknown field type "stars"`},
		"broken choices": {redcapHeader + "a_1,a,,radio,Q,\"1, A | 2\",,,,,,,,,,,,\n",
			`d.csv:2: a_1: broken choice list: "2" is not "code, label"`},
		"text code": {redcapHeader + "a_1,a,,radio,Q,\"1, A | b, B\",,,,,,,,,,,,\n",
			`d.csv:2: a_1: broken choice list: code "b" is not a whole number`},
		"repeated code": {redcapHeader + "a_1,a,,radio,Q,\"1, A | 1, B\",,,,,,,,,,,,\n",
			`d.csv:2: a_1: broken choice list: code 1 twice`},
		"duplicate variable": {redcapHeader + "a_1,a,,notes,Q,,,,,,,,,,,,,\n\"a_1\",a,,notes,\"Two\nlines\",,,,,,,,,,,,,\na_1,a,,notes,Q,,,,,,,,,,,,,\n",
			`d.csv:3: duplicate variable "a_1" (first at line 2)`},
		"not a dictionary": {"name,label\nx,y\n", `d.csv:1: not a REDCap data dictionary`},
		"split form": {redcapHeader + "a_1,a,,notes,Q,,,,,,,,,,,,,\nb_1,b,,notes,Q,,,,,,,,,,,,,\na_2,a,,notes,Q,,,,,,,,,,,,,\n",
			`d.csv:4: form "a"'s fields are not together`},
	} {
		im, err := ImportRedcap("d.csv", strings.NewReader(tt.dict), "en")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || im != nil {
			t.Errorf("%s: %v, want %q", name, err, tt.want)
		}
	}
}
