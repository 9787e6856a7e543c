package questionnaires

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	"gopkg.in/yaml.v3"
)

// redcapLeftOut says why each REDCap field type the bot cannot ask has no
// equivalent.
var redcapLeftOut = map[string]string{
	"checkbox":    "the bot takes one answer per question",
	"calc":        "the bot computes scores from its own scoring rules",
	"slider":      "the bot has no slider",
	"file":        "the bot takes no files",
	"descriptive": "it is text without a question",
	"sql":         "it reads REDCap's own database",
}

// item turns one dictionary row into an item; ok is false for a field that
// has no equivalent, which is reported.
func (im *redcapImporter) item(row redcapRowAt, n redcapNote, first bool, varToItem map[string]string) (it Item, ok bool, err error) {
	f := row.fields
	v, typ := strings.TrimSpace(f[rcVar]), strings.TrimSpace(f[rcType])
	it = Item{ID: v, Text: Text{im.lang: f[rcLabel]}}
	if n.ID != "" {
		it.ID = n.ID
	}
	maps.Copy(it.Text, n.Text)
	used := map[int]bool{rcVar: true, rcForm: true, rcType: true, rcLabel: true, rcRequired: true,
		rcAnnotation: true, rcBranching: true, rcSection: first}
	switch typ {
	case "radio", "dropdown":
		used[rcChoices] = true
		if it.Options, err = im.choices(row); err != nil {
			return it, false, err
		}
		for _, o := range n.Options {
			if i := slices.IndexFunc(it.Options, func(x Option) bool { return x.Code == o.Code }); i >= 0 {
				maps.Copy(it.Options[i].Label, o.Label)
			}
		}
		it.Type, it.OptionSet, it.Min, it.Max = TypeChoice, n.Set, n.Min, n.Max
	case "yesno", "truefalse":
		yes, no := Text{"en": "Yes", "nb": "Ja"}, Text{"en": "No", "nb": "Nei"}
		if typ == "truefalse" {
			yes, no = Text{"en": "True", "nb": "Sant"}, Text{"en": "False", "nb": "Usant"}
		}
		it.Type, it.Options = TypeChoice, []Option{{Code: 1, Label: yes}, {Code: 0, Label: no}}
	case "notes":
		it.Type = TypeText
	case "text":
		it.Type = TypeText
		used[rcValidation], used[rcMin], used[rcMax] = true, true, true
		switch val := strings.TrimSpace(f[rcValidation]); val {
		case "":
		case "integer":
			lo, errLo := strconv.Atoi(strings.TrimSpace(f[rcMin]))
			hi, errHi := strconv.Atoi(strings.TrimSpace(f[rcMax]))
			if errLo != nil || errHi != nil {
				im.notef(row.line, "%s: a whole number without a whole-number minimum and maximum has no equivalent: asked as free text", v)
				break
			}
			it.Type, it.Min, it.Max = TypeInteger, &lo, &hi
		default:
			im.notef(row.line, "%s: validation %s has no equivalent: asked as free text", v, val)
		}
	default:
		if why, known := redcapLeftOut[typ]; known {
			im.notef(row.line, "%s: field type %s has no equivalent (%s): left out", v, typ, why)
			return it, false, nil
		}
		return it, false, im.errorf(row.line, "%s: unknown field type %q (REDCap's are text, notes, radio, dropdown, checkbox, yesno, truefalse, calc, slider, file, descriptive, sql)", v, typ)
	}
	it.Optional = !strings.EqualFold(strings.TrimSpace(f[rcRequired]), "y")
	it.Reverse = n.Reverse
	it.Missing = n.Missing
	if logic := strings.TrimSpace(f[rcBranching]); logic != "" {
		it.ShowIf = im.branching(row.line, v, logic, varToItem)
	}
	if g := strings.TrimSpace(f[rcMatrixGroup]); g != "" {
		used[rcMatrixGroup], used[rcMatrixRanking] = true, true
		im.notef(row.line, "%s: matrix group %s has no equivalent: asked as a question of its own", v, g)
	}
	for col, s := range f[:len(RedcapColumns)] {
		if s = strings.TrimSpace(s); s != "" && !used[col] {
			im.notef(row.line, "%s: %s %q has no equivalent: left out", v, RedcapColumns[col], s)
		}
	}
	return it, true, nil
}

// choices reads "1, Label | 2, Label"; REDCap's codes may be text, the
// bot's are whole numbers.
func (im *redcapImporter) choices(row redcapRowAt) ([]Option, error) {
	v, list := strings.TrimSpace(row.fields[rcVar]), strings.TrimSpace(row.fields[rcChoices])
	if list == "" {
		return nil, im.errorf(row.line, "%s: a %s field needs choices (\"1, Label | 2, Label\")", v, row.fields[rcType])
	}
	var out []Option
	for _, c := range strings.Split(list, "|") {
		code, label, found := strings.Cut(c, ",")
		code, label = strings.TrimSpace(code), strings.TrimSpace(label)
		n, err := strconv.Atoi(code)
		switch {
		case !found || label == "":
			return nil, im.errorf(row.line, "%s: broken choice list: %q is not \"code, label\"", v, strings.TrimSpace(c))
		case err != nil:
			return nil, im.errorf(row.line, "%s: broken choice list: code %q is not a whole number", v, code)
		case slices.ContainsFunc(out, func(o Option) bool { return o.Code == n }):
			return nil, im.errorf(row.line, "%s: broken choice list: code %d twice", v, n)
		}
		out = append(out, Option{Code: n, Label: Text{im.lang: label}})
	}
	return out, nil
}

// redcapCondition is one "[variable] = 'code'" of branching logic.
var redcapCondition = regexp.MustCompile(`^\[([a-z][a-z0-9_]*)\]\s*=\s*(?:'(-?\d+)'|"(-?\d+)"|(-?\d+))$`)

// branching reads logic of the one shape the bot asks by, "[v] = '1' or
// [v] = '2'" on an earlier question of the form; anything else is reported
// and the question is always asked.
func (im *redcapImporter) branching(line int, v, logic string, varToItem map[string]string) *Condition {
	var c Condition
	dep := ""
	for _, part := range regexp.MustCompile(`(?i)\s+or\s+`).Split(logic, -1) {
		m := redcapCondition.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil || dep != "" && m[1] != dep {
			im.notef(line, "%s: branching logic %q has no equivalent (only [field] = 'code' joined by or, on one field): the question is always asked", v, logic)
			return nil
		}
		dep = m[1]
		code, _ := strconv.Atoi(m[2] + m[3] + m[4])
		c.In = append(c.In, code)
	}
	item, ok := varToItem[dep]
	if !ok {
		im.notef(line, "%s: branching logic %q names %s, not an earlier question of this form: the question is always asked", v, logic, dep)
		return nil
	}
	c.Item = item
	return &c
}

// The definition format's shape for writing (the reader in format.go works
// on YAML nodes, for its line numbers).
type (
	yamlQuestionnaire struct {
		ID         string                  `yaml:"id"`
		Version    string                  `yaml:"version"`
		Wording    string                  `yaml:"wording"`
		Title      Text                    `yaml:"title"`
		Intro      Text                    `yaml:"intro"`
		Respondent Role                    `yaml:"respondent"`
		Subject    Subject                 `yaml:"subject"`
		Recall     Text                    `yaml:"recall,omitempty"`
		OptionSets map[string][]yamlOption `yaml:"option_sets,omitempty"`
		Items      []yamlItem              `yaml:"items"`
		Scoring    *yaml.Node              `yaml:"scoring,omitempty"`
	}
	yamlOption struct {
		Code  int  `yaml:"code"`
		Label Text `yaml:"label"`
	}
	yamlItem struct {
		ID       string     `yaml:"id"`
		Type     ItemType   `yaml:"type"`
		Text     Text       `yaml:"text"`
		Options  any        `yaml:"options,omitempty"` // a set's name or a list
		Min      *int       `yaml:"min,omitempty"`
		Max      *int       `yaml:"max,omitempty"`
		Optional bool       `yaml:"optional,omitempty"`
		ShowIf   *Condition `yaml:"show_if,omitempty"`
		Reverse  bool       `yaml:"reverse,omitempty"`
		Missing  []int      `yaml:"missing,omitempty,flow"`
	}
)

func yamlOptions(os []Option) []yamlOption {
	out := make([]yamlOption, len(os))
	for i, o := range os {
		out[i] = yamlOption{Code: o.Code, Label: o.Label}
	}
	return out
}

// definitionYAML writes q in the definition format, with a comment naming
// the dictionary it came from.
func definitionYAML(q *Questionnaire, sets map[string][]Option, source string) ([]byte, error) {
	y := yamlQuestionnaire{ID: q.ID, Version: q.Version, Wording: q.Wording, Title: q.Title, Intro: q.Intro,
		Respondent: q.Respondent, Subject: q.Subject, Recall: q.Recall}
	if len(sets) > 0 {
		y.OptionSets = map[string][]yamlOption{}
		for name, os := range sets {
			y.OptionSets[name] = yamlOptions(os)
		}
	}
	for _, it := range q.Items {
		yi := yamlItem{ID: it.ID, Type: it.Type, Text: it.Text, Min: it.Min, Max: it.Max,
			Optional: it.Optional, ShowIf: it.ShowIf, Reverse: it.Reverse, Missing: it.Missing}
		switch {
		case it.OptionSet != "":
			yi.Options = it.OptionSet
		case len(it.Options) > 0:
			yi.Options = yamlOptions(it.Options)
		}
		y.Items = append(y.Items, yi)
	}
	if q.Scoring != nil {
		n, err := blockYAML(q.Scoring)
		if err != nil {
			return nil, fmt.Errorf("questionnaire %s: scoring: %w", q.ID, err)
		}
		y.Scoring = n
	}
	body, err := yaml.Marshal(y)
	if err != nil {
		return nil, fmt.Errorf("questionnaire %s: %w", q.ID, err)
	}
	return append([]byte("# Imported from the REDCap data dictionary "+source+" by imrbot questionnaires import-redcap.\n"), body...), nil
}

// lintImported refuses definitions the bot would refuse to load, laid over
// the built-in study as IMRBOT_QUESTIONNAIRES would lay them.
func lintImported(files []DefinitionFile) error {
	fsys := fstest.MapFS{}
	for _, f := range files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	_, problems := load(fsys, "")
	var ours []Problem
	for _, p := range problems {
		if _, ok := fsys[p.File]; ok {
			ours = append(ours, p)
		}
	}
	if len(ours) == 0 {
		return nil
	}
	msg := "the imported definitions do not pass lint: " + ours[0].String()
	if len(ours) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(ours)-1)
	}
	return fmt.Errorf("%s", msg)
}

// blockYAML is v as YAML by way of its JSON, whose keys the definition
// format shares, so that a field added to the scoring is written without
// a change here: JSON read as YAML keeps its keys' order; nulls are left
// out and styles reset so that the file reads like a hand-written one.
func blockYAML(v any) (*yaml.Node, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var clean func(n *yaml.Node)
	clean = func(n *yaml.Node) {
		n.Style = 0
		if n.Kind == yaml.MappingNode {
			var kept []*yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i+1].Tag != "!!null" {
					kept = append(kept, n.Content[i], n.Content[i+1])
				}
			}
			n.Content = kept
		}
		if n.Tag == "!!str" && n.Kind == yaml.ScalarNode {
			n.Style = 0 // yaml.v3 quotes what would read as another type
		}
		for _, c := range n.Content {
			clean(c)
		}
	}
	clean(&doc)
	return doc.Content[0], nil
}
