package report

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"

	"github.com/imrbot/imrbot/questionnaires"
)

// fhirValidate parses a resource with google/fhir's R4 unmarshaller, which
// checks it against the R4 structure definitions (types, cardinalities,
// required fields, code values).
func fhirValidate(t *testing.T, what string, b []byte) {
	t.Helper()
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Unmarshal(b); err != nil {
		t.Errorf("%s is not a valid R4 resource: %v\n%s", what, err, b)
	}
}

func TestFHIRValidatorRefuses(t *testing.T) {
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"resourceType":"QuestionnaireResponse","status":"done"}`,
		`{"resourceType":"QuestionnaireResponse"}`,
		`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"answer":[{"valueInteger":"x"}]}]}`,
	} {
		if _, err := u.Unmarshal([]byte(bad)); err == nil {
			t.Errorf("the validator took %s", bad)
		}
	}
}

// TestFHIRBundle: the export is a valid R4 Bundle of type collection whose
// QuestionnaireResponses name their Questionnaire's canonical URL with
// version, the subject by participant code, the author of a clinician's
// rating, and typed answers.
func TestFHIRBundle(t *testing.T) {
	d, cat := studyData(t), testCatalog()
	b, _, err := FHIRBundle(d, cat, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	fhirValidate(t, "the bundle", b)
	var bundle struct {
		Type  string `json:"type"`
		Entry []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	if bundle.Type != "collection" || len(bundle.Entry) == 0 {
		t.Fatalf("type %s, %d entries", bundle.Type, len(bundle.Entry))
	}
	seen := map[string]bool{}
	for _, e := range bundle.Entry {
		fhirValidate(t, e.FullURL, e.Resource)
		var r struct {
			ResourceType, Questionnaire, Status, Authored string
			Subject                                       fhirReference
			Author                                        *fhirReference
			Item                                          []struct {
				LinkID string           `json:"linkId"`
				Answer []map[string]any `json:"answer"`
			}
		}
		if err := json.Unmarshal(e.Resource, &r); err != nil {
			t.Fatal(err)
		}
		id, version, _ := strings.Cut(strings.TrimPrefix(r.Questionnaire, "http://imrbot.example/fhir/Questionnaire/"), "|")
		q := cat.Questionnaires[id]
		if r.ResourceType != "QuestionnaireResponse" || q == nil || version == "" || !slices.Contains([]string{"completed", "in-progress", "stopped"}, r.Status) {
			t.Fatalf("resource %s questionnaire %s status %s", r.ResourceType, r.Questionnaire, r.Status)
		}
		if q.Subject == questionnaires.SubjectConsumer && (r.Author == nil || r.Author.Identifier.Value == r.Subject.Identifier.Value) {
			t.Errorf("%s about %s: author %+v", id, r.Subject.Identifier.Value, r.Author)
		}
		if q.Subject == questionnaires.SubjectSelf && (r.Author != nil || r.Subject.Identifier.System != FHIRParticipantSystem) {
			t.Errorf("%s: a self-report with author %+v subject %+v", id, r.Author, r.Subject)
		}
		for _, it := range r.Item {
			item, _, ok := q.Item(it.LinkID)
			if !ok || len(it.Answer) != 1 {
				t.Fatalf("%s item %s: %v", id, it.LinkID, it.Answer)
			}
			want := map[questionnaires.ItemType]string{questionnaires.TypeChoice: "valueCoding", questionnaires.TypeInteger: "valueInteger", questionnaires.TypeText: "valueString"}[item.Type]
			if keys := slices.Collect(maps.Keys(it.Answer[0])); len(keys) != 1 || keys[0] != want {
				t.Errorf("%s item %s answered as %v, want %s", id, it.LinkID, keys, want)
			}
			seen[want] = true
		}
	}
	if len(seen) != 3 {
		t.Errorf("answer types seen: %v", seen)
	}
	golden(t, "fhir_bundle.json", b)
}

// TestFHIRQuestionnaires: every built-in questionnaire and every one of
// the test study is a valid R4 Questionnaire; show_if is enableWhen.
func TestFHIRQuestionnaires(t *testing.T) {
	builtin, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range []*questionnaires.Catalog{builtin, testCatalog()} {
		for _, q := range cat.Questionnaires {
			b, err := FHIRQuestionnaire(q)
			if err != nil {
				t.Fatal(err)
			}
			fhirValidate(t, q.ID, b)
		}
	}
	b, err := FHIRQuestionnaire(builtin.Questionnaires["qol"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"enableWhen": [`) || !strings.Contains(string(b), `"question": "qol_2"`) {
		t.Errorf("qol's branching is not enableWhen:\n%s", b)
	}
}
