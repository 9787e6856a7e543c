package questionnaires

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file writes questionnaires as a REDCap data dictionary; its twin,
// redcap_import.go, reads one back. REDCap's dictionary holds one language
// and nothing of our scoring, so what it cannot hold rides in each field's
// Field Annotation as one JSON object after RedcapNotePrefix: the other
// languages' texts, the option set's name, reverse coding, and, on a form's
// first field, the questionnaire's own fields (id, version, title, intro,
// respondent, subject, recall, scoring). REDCap shows annotations only to
// the project's designers and ignores text that is not an @ACTION-TAG, so
// the dictionary loads as it is and an export -> import keeps everything.

// RedcapColumns are a REDCap data dictionary's 18 columns: REDCap's own
// headers, in REDCap's order.
var RedcapColumns = []string{
	"Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
	"Choices, Calculations, OR Slider Labels", "Field Note",
	"Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
	"Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
	"Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
	"Matrix Ranking?", "Field Annotation",
}

// The dictionary's columns by position, for the rows built and read here.
const (
	rcVar = iota
	rcForm
	rcSection
	rcType
	rcLabel
	rcChoices
	rcNote
	rcValidation
	rcMin
	rcMax
	rcIdentifier
	rcBranching
	rcRequired
	rcAlignment
	rcQuestionNumber
	rcMatrixGroup
	rcMatrixRanking
	rcAnnotation
)

// RedcapRecordID is the dictionary's first field, REDCap's record id: the
// participant code.
const RedcapRecordID = "record_id"

// RedcapNotePrefix starts the Field Annotation that carries what REDCap's
// columns cannot.
const RedcapNotePrefix = "imrbot:"

// redcapMaxName is REDCap's limit on a variable name; a form's name leaves
// room for the <form>_complete field REDCap adds.
const redcapMaxName = 100

// RedcapForm is one questionnaire as a REDCap instrument: its form name and
// the variable of each item, in presentation order.
type RedcapForm struct {
	Questionnaire *Questionnaire
	Name          string
	Vars          []string
}

// Var is the variable of the item with id, or "" when the form has none.
func (f RedcapForm) Var(id string) string {
	if i := f.Questionnaire.index(id); i >= 0 {
		return f.Vars[i]
	}
	return ""
}

// RedcapName turns an id into a REDCap name: lower case, every character
// but a-z, 0-9 and _ becomes _, and a name not beginning with a letter gets
// a leading "v".
func RedcapName(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "v" + s
	}
	return s
}

// redcapVar names an item's variable: variables are unique across a whole
// REDCap project, so the form's name leads, once (hope_1 stays hope_1;
// imrs-consumer's imrs_1 becomes imrs_consumer_1, not
// imrs_consumer_imrs_1).
func redcapVar(form, item string) string {
	v := RedcapName(item)
	if strings.HasPrefix(v, form+"_") {
		return v
	}
	segs := strings.Split(form, "_")
	for k := len(segs) - 1; k >= 1; k-- {
		if p := strings.Join(segs[:k], "_") + "_"; strings.HasPrefix(v, p) {
			return form + "_" + v[len(p):]
		}
	}
	return form + "_" + v
}

// RedcapForms names qs (in the order given) as REDCap forms and variables,
// and refuses names REDCap would refuse: too long, or the same for two
// fields (record_id and each <form>_complete included).
func RedcapForms(qs []*Questionnaire) ([]RedcapForm, error) {
	seen := map[string]string{RedcapRecordID: "the record id"}
	claim := func(name, what string) error {
		if len(name) > redcapMaxName {
			return fmt.Errorf("REDCap name %s for %s is longer than %d characters", name, what, redcapMaxName)
		}
		if other, ok := seen[name]; ok {
			return fmt.Errorf("REDCap name %s would name both %s and %s", name, other, what)
		}
		seen[name] = what
		return nil
	}
	forms := make([]RedcapForm, len(qs))
	for i, q := range qs {
		f := RedcapForm{Questionnaire: q, Name: RedcapName(q.ID), Vars: make([]string, len(q.Items))}
		if err := claim(f.Name+"_complete", "questionnaire "+q.ID); err != nil {
			return nil, err
		}
		for j, it := range q.Items {
			f.Vars[j] = redcapVar(f.Name, it.ID)
			if err := claim(f.Vars[j], "item "+it.ID+" of "+q.ID); err != nil {
				return nil, err
			}
		}
		forms[i] = f
	}
	return forms, nil
}

// redcapNote is what a field's annotation carries beyond REDCap's columns.
type redcapNote struct {
	ID      string          `json:"id,omitempty"`   // the item id, when the variable differs
	Text    Text            `json:"text,omitempty"` // the label in the other languages
	Options []Option        `json:"options,omitempty"`
	Set     string          `json:"set,omitempty"` // the option set's name
	Min     *int            `json:"min,omitempty"` // a choice item's scored range
	Max     *int            `json:"max,omitempty"`
	Reverse bool            `json:"reverse,omitempty"`
	Missing []int           `json:"missing,omitempty"` // answers that mean no rating
	Form    *redcapFormNote `json:"form,omitempty"`    // on a form's first field
}

// redcapFormNote is the questionnaire's own fields, which a REDCap
// dictionary has no row for.
type redcapFormNote struct {
	ID         string   `json:"id"`
	Version    string   `json:"version"`
	Wording    string   `json:"wording"`
	Title      Text     `json:"title"`
	Intro      Text     `json:"intro"`
	Respondent Role     `json:"respondent"`
	Subject    Subject  `json:"subject"`
	Recall     Text     `json:"recall,omitempty"`
	Scoring    *Scoring `json:"scoring,omitempty"`
}

// others is t without lang, or nil when nothing is left.
func others(t Text, lang string) Text {
	var out Text
	for l, s := range t {
		if l != lang {
			if out == nil {
				out = Text{}
			}
			out[l] = s
		}
	}
	return out
}

// RedcapDictionary returns the data dictionary of forms, header first:
// record_id, then each form's fields together in presentation order, with
// labels in lang (the other languages in the annotation).
func RedcapDictionary(forms []RedcapForm, lang string) ([][]string, error) {
	rows := [][]string{RedcapColumns}
	for fi, f := range forms {
		q := f.Questionnaire
		if fi == 0 {
			row := make([]string, len(RedcapColumns))
			row[rcVar], row[rcForm], row[rcType], row[rcLabel] = RedcapRecordID, f.Name, "text", "Participant code"
			rows = append(rows, row)
		}
		for i := range q.Items {
			row, err := redcapRow(f, i, lang)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func redcapRow(f RedcapForm, i int, lang string) ([]string, error) {
	q, it := f.Questionnaire, &f.Questionnaire.Items[i]
	row := make([]string, len(RedcapColumns))
	row[rcVar], row[rcForm], row[rcLabel] = f.Vars[i], f.Name, it.Text.In(lang)
	note := redcapNote{Text: others(it.Text, lang), Reverse: it.Reverse, Missing: it.Missing}
	if f.Vars[i] != it.ID {
		note.ID = it.ID
	}
	if i == 0 {
		row[rcSection] = q.Intro.In(lang)
		note.Form = &redcapFormNote{ID: q.ID, Version: q.Version, Wording: q.Wording, Title: q.Title,
			Intro: q.Intro, Respondent: q.Respondent, Subject: q.Subject, Recall: q.Recall, Scoring: q.Scoring}
	}
	if !it.Optional {
		row[rcRequired] = "y"
	}
	switch it.Type {
	case TypeChoice:
		row[rcType] = "radio"
		choices := make([]string, len(it.Options))
		for k, o := range it.Options {
			label := o.Label.In(lang)
			if strings.Contains(label, "|") {
				return nil, fmt.Errorf("%s item %s: option %d's label %q holds a |, which REDCap reads as the end of a choice", q.ID, it.ID, o.Code, label)
			}
			choices[k] = strconv.Itoa(o.Code) + ", " + label
			if t := others(o.Label, lang); t != nil {
				note.Options = append(note.Options, Option{Code: o.Code, Label: t})
			}
		}
		row[rcChoices] = strings.Join(choices, " | ")
		note.Set, note.Min, note.Max = it.OptionSet, it.Min, it.Max
	case TypeInteger:
		row[rcType], row[rcValidation] = "text", "integer"
		if it.Min != nil {
			row[rcMin] = strconv.Itoa(*it.Min)
		}
		if it.Max != nil {
			row[rcMax] = strconv.Itoa(*it.Max)
		}
	default:
		row[rcType] = "notes"
	}
	if c := it.ShowIf; c != nil {
		row[rcBranching] = RedcapBranching(f.Var(c.Item), c.In)
	}
	b, err := json.Marshal(note)
	if err != nil {
		return nil, fmt.Errorf("%s item %s: annotation: %w", q.ID, it.ID, err)
	}
	if string(b) != "{}" {
		row[rcAnnotation] = RedcapNotePrefix + string(b)
	}
	return row, nil
}

// RedcapBranching is REDCap's branching logic for "variable is one of
// codes": [v] = '1' or [v] = '2'.
func RedcapBranching(variable string, codes []int) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("[%s] = '%d'", variable, c)
	}
	return strings.Join(parts, " or ")
}
