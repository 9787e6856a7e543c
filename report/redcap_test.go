package report

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func csvOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestREDCapExport checks the REDCap files against REDCap's published
// shapes: the dictionary's 18 headers, the instrument-event mapping's and
// the flat import file's columns, event names like baseline_arm_1,
// lower-case data access groups, <form>_complete as 0/1/2, and every value
// in a form the mapping puts in its row's event; the files are golden.
func TestREDCapExport(t *testing.T) {
	d, cat := studyData(t), testCatalog()
	x, err := REDCap(d, cat)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Dictionary[0], questionnaires.RedcapColumns) || len(questionnaires.RedcapColumns) != 18 || x.Dictionary[1][0] != "record_id" {
		t.Errorf("dictionary begins %q / %q", x.Dictionary[0], x.Dictionary[1])
	}
	if got := strings.Join(x.Mapping[0], ","); got != "arm_num,unique_event_name,form" {
		t.Errorf("mapping header %s", got)
	}
	mapped := map[string]bool{}
	for _, r := range x.Mapping[1:] {
		mapped[r[1]+"/"+r[2]] = true
	}
	for _, want := range []string{"baseline_arm_1/hope", "m12_arm_1/honos", "baseline_arm_2/imr_practice", "m12_arm_3/imr_fidelity"} {
		if !mapped[want] {
			t.Errorf("mapping lacks %s: %v", want, x.Mapping)
		}
	}
	if mapped["baseline_arm_3/imr_fidelity"] {
		t.Error("site ratings mapped at baseline")
	}
	header := x.Data[0]
	if !slices.Equal(header[:3], []string{"record_id", "redcap_event_name", "redcap_data_access_group"}) {
		t.Fatalf("data header %q", header)
	}
	formOfVar := map[string]string{}
	for _, r := range x.Dictionary[1:] {
		formOfVar[r[0]] = r[1]
	}
	event := regexp.MustCompile(`^[a-z0-9_]+_arm_[0-9]+$`)
	dag := regexp.MustCompile(`^[a-z0-9_]{1,18}$`)
	if len(x.Data) < 4 {
		t.Fatalf("only %d data rows", len(x.Data)-1)
	}
	for _, row := range x.Data[1:] {
		if !event.MatchString(row[1]) || !dag.MatchString(row[2]) {
			t.Errorf("row %q: event or data access group", row[:3])
		}
		for c := 3; c < len(header); c++ {
			form, isComplete := strings.CutSuffix(header[c], "_complete")
			if !isComplete {
				form = formOfVar[header[c]]
				if form == "" {
					t.Fatalf("column %s is not in the dictionary", header[c])
				}
			} else if row[c] != "" && row[c] != "0" && row[c] != "1" && row[c] != "2" {
				t.Errorf("%s %s: %s = %q", row[0], row[1], header[c], row[c])
			}
			if row[c] != "" && !mapped[row[1]+"/"+form] {
				t.Errorf("%s %s: %s has a value but form %s is not in that event", row[0], row[1], header[c], form)
			}
		}
	}
	golden(t, "redcap_dictionary.csv", csvOf(t, x.Dictionary))
	golden(t, "redcap_mapping.csv", csvOf(t, x.Mapping))
	golden(t, "redcap_events.csv", csvOf(t, x.Events))
	golden(t, "redcap_data.csv", csvOf(t, x.Data))
}

func TestREDCapNames(t *testing.T) {
	for in, want := range map[string]string{"baseline": "baseline", "Oslo Site 2": "oslo_site_2", "m12": "m12", "A very long site name indeed": "a_very_long_site_n"} {
		if got := redcapGroupName(in); got != want {
			t.Errorf("redcapGroupName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := REDCapEventName("baseline", 1); got != "baseline_arm_1" {
		t.Errorf("event %s", got)
	}
}

// TestREDCapArmsOfTheShippedProtocol: with the study's own protocol, an
// assessor's ratings go on the record of what they rate (a site on its
// coordinator's, IT-IS on the clinician's), so there is one named arm per
// kind of record and each rated form is designated to that arm's event,
// once.
func TestREDCapArmsOfTheShippedProtocol(t *testing.T) {
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	x, err := REDCap(&store.ExportData{}, cat)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"arm_num", "name"}, {"1", "Consumers"}, {"2", "Clinicians"}, {"3", "Coordinators (site ratings)"}}
	if !slices.EqualFunc(x.Arms, want, slices.Equal) {
		t.Errorf("arms %q, want %q", x.Arms, want)
	}
	seen := map[string]bool{}
	for _, r := range x.Mapping {
		if k := strings.Join(r, ","); seen[k] {
			t.Errorf("the mapping has %q twice", r)
		} else {
			seen[k] = true
		}
	}
	for _, m := range [][]string{{"2", "m12_arm_2", "it_is"}, {"3", "m12_arm_3", "imr_fidelity"}, {"3", "m12_arm_3", "goi"}} {
		if !slices.ContainsFunc(x.Mapping, func(r []string) bool { return slices.Equal(r, m) }) {
			t.Errorf("the mapping has no %q:\n%q", m, x.Mapping)
		}
	}
}
