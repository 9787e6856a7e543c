package report

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// FHIRBase is the base of every canonical URL and identifier system the
// FHIR export writes. imrbot.example is reserved for examples (RFC 2606):
// a study that publishes its Questionnaires elsewhere sets the base it
// publishes them under here.
const FHIRBase = "http://imrbot.example/fhir"

// Identifier systems for participant codes and site codes: the only link
// to a person a FHIR server receives (Telegram ids never leave the bot).
const (
	FHIRParticipantSystem = FHIRBase + "/participant"
	FHIRSiteSystem        = FHIRBase + "/site"
	fhirAssessmentSystem  = FHIRBase + "/assessment"
)

// FHIRQuestionnaireURL is a questionnaire's canonical URL; a
// QuestionnaireResponse names it with |version.
func FHIRQuestionnaireURL(id string) string { return FHIRBase + "/Questionnaire/" + id }

// fhirOptionSystem is the code system of a choice item's options: its
// option set's, or the item's own when its options are inline, so that a
// code means one thing within a system.
func fhirOptionSystem(q *questionnaires.Questionnaire, it *questionnaires.Item) string {
	name := it.OptionSet
	if name == "" {
		name = it.ID
	}
	return FHIRBase + "/CodeSystem/" + q.ID + "-" + name
}

// The few FHIR R4 structures the export writes; fields by FHIR's JSON names.
type (
	fhirIdentifier struct {
		System string `json:"system"`
		Value  string `json:"value"`
	}
	fhirReference struct {
		Type       string         `json:"type,omitempty"`
		Identifier fhirIdentifier `json:"identifier"`
	}
	fhirCoding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	fhirAnswer struct {
		ValueCoding  *fhirCoding `json:"valueCoding,omitempty"`
		ValueInteger *int        `json:"valueInteger,omitempty"`
		ValueString  *string     `json:"valueString,omitempty"`
	}
	fhirResponseItem struct {
		LinkID string       `json:"linkId"`
		Text   string       `json:"text,omitempty"`
		Answer []fhirAnswer `json:"answer,omitempty"`
	}
	fhirResponse struct {
		ResourceType  string             `json:"resourceType"`
		ID            string             `json:"id"`
		Identifier    fhirIdentifier     `json:"identifier"`
		Questionnaire string             `json:"questionnaire"`
		Status        string             `json:"status"`
		Subject       fhirReference      `json:"subject"`
		Authored      string             `json:"authored"`
		Author        *fhirReference     `json:"author,omitempty"`
		Item          []fhirResponseItem `json:"item,omitempty"`
	}
	fhirEntry struct {
		FullURL  string `json:"fullUrl"`
		Resource any    `json:"resource"`
	}
	fhirBundle struct {
		ResourceType string      `json:"resourceType"`
		Type         string      `json:"type"`
		Timestamp    string      `json:"timestamp"`
		Entry        []fhirEntry `json:"entry,omitempty"`
	}
)

// fhirStatus is a QuestionnaireResponse's status for an assessment's:
// an expired assessment was abandoned part way, FHIR's "stopped".
func fhirStatus(status string) string {
	switch status {
	case "completed":
		return "completed"
	case "expired":
		return "stopped"
	}
	return "in-progress"
}

// fhirID is a stable id made from key, in UUID form, so that exporting
// the same answers twice gives the same ids and a server updates rather
// than duplicates.
func fhirID(key string) string {
	h := sha1.Sum([]byte(key))
	h[6] = h[6]&0x0f | 0x50 // version 5 (name-based, SHA-1)
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

var fhirRoleType = map[string]string{"consumer": "Patient", "clinician": "Practitioner", "coordinator": "Practitioner"}

// FHIRBundle is every assessment with an answer as an R4 Bundle of type
// collection holding QuestionnaireResponses, timestamped now. Answers to
// questionnaires or items the study no longer has are left out with a
// warning (the long export keeps them); a skipped item has no answer and
// is left out.
func FHIRBundle(d *store.ExportData, cat *questionnaires.Catalog, now time.Time) ([]byte, []string, error) {
	type key struct{ participant, timepoint, questionnaire, respondent string }
	groups := map[key][]store.ExportAnswer{}
	for _, a := range d.Answers {
		k := key{a.Participant, a.Timepoint, a.Questionnaire, a.Respondent}
		groups[k] = append(groups[k], a)
	}
	b := fhirBundle{ResourceType: "Bundle", Type: "collection", Timestamp: now.UTC().Format(time.RFC3339)}
	var warnings []string
	for _, k := range slices.SortedFunc(maps.Keys(groups), func(x, y key) int {
		return compareStrings([]string{x.participant, x.timepoint, x.questionnaire, x.respondent},
			[]string{y.participant, y.timepoint, y.questionnaire, y.respondent})
	}) {
		answers := groups[k]
		q := cat.Questionnaires[k.questionnaire]
		if q == nil {
			warnings = append(warnings, fmt.Sprintf("FHIR: %s's %s at %s: the study has no such questionnaire: left out", k.participant, k.questionnaire, k.timepoint))
			continue
		}
		first := answers[0]
		id := fhirID(strings.Join([]string{k.participant, k.timepoint, k.questionnaire, k.respondent}, "/"))
		r := fhirResponse{
			ResourceType: "QuestionnaireResponse", ID: id,
			Identifier:    fhirIdentifier{System: fhirAssessmentSystem, Value: strings.Join([]string{k.participant, k.timepoint, k.questionnaire, k.respondent}, "/")},
			Questionnaire: FHIRQuestionnaireURL(q.ID) + "|" + first.Version,
			Status:        fhirStatus(first.Status),
			Subject:       fhirReference{Type: fhirRoleType[first.SubjectRole], Identifier: fhirIdentifier{System: FHIRParticipantSystem, Value: k.participant}},
		}
		if q.Subject == questionnaires.SubjectSite {
			r.Subject = fhirReference{Type: "Organization", Identifier: fhirIdentifier{System: FHIRSiteSystem, Value: first.Site}}
		}
		if k.respondent != k.participant || q.Subject == questionnaires.SubjectSite {
			r.Author = &fhirReference{Type: fhirRoleType[first.RespondentRole], Identifier: fhirIdentifier{System: FHIRParticipantSystem, Value: k.respondent}}
		}
		latest := first.AnsweredAt
		byItem := map[string]store.ExportAnswer{}
		for _, a := range answers {
			byItem[a.Item] = a
			if a.AnsweredAt.After(latest) {
				latest = a.AnsweredAt
			}
		}
		r.Authored = latest.UTC().Format(time.RFC3339)
		for id := range byItem {
			if _, _, ok := q.Item(id); !ok {
				warnings = append(warnings, fmt.Sprintf("FHIR: %s's %s item %s at %s is not in the study's definition: left out", k.participant, q.ID, id, k.timepoint))
			}
		}
		for i := range q.Items {
			it := &q.Items[i]
			a, ok := byItem[it.ID]
			if !ok || !a.Value.Valid {
				continue
			}
			ans, err := fhirAnswerOf(q, it, a.Value.String)
			if err != nil {
				return nil, nil, fmt.Errorf("FHIR: %s's %s at %s: %w", k.participant, q.ID, k.timepoint, err)
			}
			r.Item = append(r.Item, fhirResponseItem{LinkID: it.ID, Text: it.Text.In(labelLang), Answer: []fhirAnswer{ans}})
		}
		b.Entry = append(b.Entry, fhirEntry{FullURL: "urn:uuid:" + id, Resource: r})
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("FHIR bundle: %w", err)
	}
	return append(out, '\n'), warnings, nil
}

// fhirAnswerOf types a raw answer as its item says: a choice's code as a
// Coding with its label, a whole number as an integer, text as a string.
func fhirAnswerOf(q *questionnaires.Questionnaire, it *questionnaires.Item, raw string) (fhirAnswer, error) {
	switch it.Type {
	case questionnaires.TypeChoice:
		c := &fhirCoding{System: fhirOptionSystem(q, it), Code: raw}
		if n, err := strconv.Atoi(raw); err == nil {
			if o, ok := it.Option(n); ok {
				c.Display = o.Label.In(labelLang)
			}
		}
		return fhirAnswer{ValueCoding: c}, nil
	case questionnaires.TypeInteger:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fhirAnswer{}, fmt.Errorf("item %s: %q is not a whole number", it.ID, raw)
		}
		return fhirAnswer{ValueInteger: &n}, nil
	}
	return fhirAnswer{ValueString: &raw}, nil
}
