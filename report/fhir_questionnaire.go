package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// The R4 Questionnaire's structures, by FHIR's JSON names.
type (
	fhirExtension struct {
		URL          string `json:"url"`
		ValueInteger *int   `json:"valueInteger,omitempty"`
	}
	fhirAnswerOption struct {
		ValueCoding fhirCoding `json:"valueCoding"`
	}
	fhirEnableWhen struct {
		Question      string      `json:"question"`
		Operator      string      `json:"operator"`
		AnswerCoding  *fhirCoding `json:"answerCoding,omitempty"`
		AnswerInteger *int        `json:"answerInteger,omitempty"`
	}
	fhirItem struct {
		Extension      []fhirExtension    `json:"extension,omitempty"`
		LinkID         string             `json:"linkId"`
		Text           string             `json:"text"`
		Type           string             `json:"type"`
		EnableWhen     []fhirEnableWhen   `json:"enableWhen,omitempty"`
		EnableBehavior string             `json:"enableBehavior,omitempty"`
		Required       bool               `json:"required"`
		AnswerOption   []fhirAnswerOption `json:"answerOption,omitempty"`
	}
	fhirQuestionnaire struct {
		ResourceType string     `json:"resourceType"`
		ID           string     `json:"id"`
		URL          string     `json:"url"`
		Version      string     `json:"version"`
		Name         string     `json:"name"`
		Title        string     `json:"title"`
		Status       string     `json:"status"`
		Experimental bool       `json:"experimental"`
		SubjectType  []string   `json:"subjectType"`
		Description  string     `json:"description,omitempty"`
		Language     string     `json:"language"`
		Item         []fhirItem `json:"item"`
	}
)

// FHIR's standard extensions for a typed number's range.
const (
	fhirMinValue = "http://hl7.org/fhir/StructureDefinition/minValue"
	fhirMaxValue = "http://hl7.org/fhir/StructureDefinition/maxValue"
)

var fhirItemType = map[questionnaires.ItemType]string{
	questionnaires.TypeChoice: "choice", questionnaires.TypeInteger: "integer", questionnaires.TypeText: "string",
}

// FHIRQuestionnaire is q as an R4 Questionnaire (JSON), texts in
// labelLang: choice items with their options as answerOption codings,
// integer items with FHIR's minValue and maxValue extensions, text items
// as string, show_if as enableWhen (any of the codes), and required for
// every item that cannot be skipped. Placeholder wording is marked
// experimental.
func FHIRQuestionnaire(q *questionnaires.Questionnaire) ([]byte, error) {
	subject := "Patient"
	switch {
	case q.Subject == questionnaires.SubjectSite:
		subject = "Organization"
	case q.Subject == questionnaires.SubjectSelf && q.Respondent != questionnaires.RoleConsumer:
		subject = "Practitioner"
	}
	fq := fhirQuestionnaire{
		ResourceType: "Questionnaire", ID: q.ID, URL: FHIRQuestionnaireURL(q.ID), Version: q.Version,
		Name: fhirName(q.ID), Title: q.Title.In(labelLang), Status: "active", Experimental: q.Placeholder(),
		SubjectType: []string{subject}, Description: q.Intro.In(labelLang), Language: labelLang,
	}
	for i := range q.Items {
		it := &q.Items[i]
		fi := fhirItem{LinkID: it.ID, Text: it.Text.In(labelLang), Type: fhirItemType[it.Type], Required: !it.Optional}
		if fi.Type == "" {
			return nil, fmt.Errorf("questionnaire %s item %s: type %q has no FHIR equivalent", q.ID, it.ID, it.Type)
		}
		for _, o := range it.Options {
			fi.AnswerOption = append(fi.AnswerOption, fhirAnswerOption{fhirCoding{
				System: fhirOptionSystem(q, it), Code: strconv.Itoa(o.Code), Display: o.Label.In(labelLang)}})
		}
		if it.Type == questionnaires.TypeInteger {
			if it.Min != nil {
				fi.Extension = append(fi.Extension, fhirExtension{URL: fhirMinValue, ValueInteger: it.Min})
			}
			if it.Max != nil {
				fi.Extension = append(fi.Extension, fhirExtension{URL: fhirMaxValue, ValueInteger: it.Max})
			}
		}
		if c := it.ShowIf; c != nil {
			dep, _, ok := q.Item(c.Item)
			if !ok {
				return nil, fmt.Errorf("questionnaire %s item %s: show_if names unknown item %s", q.ID, it.ID, c.Item)
			}
			for _, code := range c.In {
				w := fhirEnableWhen{Question: dep.ID, Operator: "="}
				if dep.Type == questionnaires.TypeChoice {
					w.AnswerCoding = &fhirCoding{System: fhirOptionSystem(q, dep), Code: strconv.Itoa(code)}
				} else {
					w.AnswerInteger = &code
				}
				fi.EnableWhen = append(fi.EnableWhen, w)
			}
			if len(fi.EnableWhen) > 1 {
				fi.EnableBehavior = "any"
			}
		}
		fq.Item = append(fq.Item, fi)
	}
	out, err := json.MarshalIndent(fq, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("questionnaire %s as FHIR: %w", q.ID, err)
	}
	return append(out, '\n'), nil
}

// fhirName is a computer-friendly name as FHIR asks (letters and digits,
// beginning upper case): imrs-consumer is ImrsConsumer.
func fhirName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			if up {
				r = []rune(strings.ToUpper(string(r)))[0]
			}
			b.WriteRune(r)
			up = false
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			up = true
		default:
			up = true
		}
	}
	s := b.String()
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		s = "Q" + s
	}
	return s
}
