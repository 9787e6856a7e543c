package questionnaires

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLintFixtures lints broken definition files in testdata/lint and pins
// every message with its file and line.
func TestLintFixtures(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"items", []string{
			`broken.yaml:18: duplicate item id "b_1" (first at line 14)`,
			`broken.yaml:21: item b_1: unknown option set "no_such_set"`,
			`broken.yaml:24: item b_3: text has no nb translation`,
			`broken.yaml:29: item b_3: option 5 is outside min..max (1..4)`,
			`broken.yaml:30: item b_3: duplicate option code 1 (first at line 28)`,
			`broken.yaml:31: item b_4: an integer item needs min and max`,
			`broken.yaml:38: item b_5: show_if names item "b_6", which is not asked before it`,
			`broken.yaml:43: item b_6: show_if names unknown item "nobody"`,
			`broken.yaml:48: item b_7: show_if code 7 is not an option of item b_5`,
			`broken.yaml:49: item b_7: reverse must be true or false, not "yes please"`,
			`broken.yaml:53: item: unknown key "optinal" (known keys: id, type, text, options, min, max, optional, show_if, reverse, missing)`,
			`broken.yaml:56: score total: unknown item "b_9"`,
			`broken.yaml:62: score total: band high starts at 2, above the highest possible score 1`,
			`broken.yaml:62: score total: the lowest band starts at 2, above the lowest possible score 0`,
			`broken.yaml:63: score total: band low (min 0) is out of order: list bands from the lowest min up`,
		}},
		{"protocol", []string{
			`protocol.yaml:1: protocol: the consent is now in study.yaml, with the study's contact, ethics approval, data controller and information letter`,
			`protocol.yaml:11: timepoint m6: months must be a whole number, not "six"`,
			`protocol.yaml:13: battery consumer/self: unknown timepoint "m24"`,
			`protocol.yaml:13: battery consumer/self: unknown questionnaire "no-such-questionnaire"`,
			`protocol.yaml:17: battery clinician/self: questionnaire hope is answered by consumer about self`,
		}},
		{"syntax", []string{
			`bad.yaml:3: YAML syntax: did not find expected '-' indicator`,
		}},
		{"version", []string{
			`hope.yaml:5: questionnaire hope differs from the embedded definition but keeps its version "1"; give it a new version`,
		}},
		{"duplicate", []string{
			`a.yaml:1: wording must be "placeholder" or "validated", not ""`,
			`a.yaml:1: title is missing`,
			`a.yaml:1: intro is missing`,
			`a.yaml:1: respondent must be consumer, clinician, coordinator or assessor, not ""`,
			`a.yaml:1: subject must be self, consumer, site or clinician, not ""`,
			`a.yaml:1: the questionnaire has no items`,
			`b.yaml:1: duplicate questionnaire id "goi" (also in testdata/lint/duplicate/a.yaml:1)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", "lint", tt.dir)
			var got []string
			for _, p := range Lint(dir) {
				got = append(got, p.String())
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = filepath.Join(dir, w)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Lint(%s):\n got %s\nwant %s", dir, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
}

// TestLintRules covers the rules the fixtures do not, one small definition
// each, so a rule that stops firing fails here.
func TestLintRules(t *testing.T) {
	const head = `id: x
version: "1"
wording: placeholder
title: {en: X, nb: X}
intro: {en: X, nb: X}
respondent: consumer
subject: self
`
	tests := []struct {
		name, body, want string
	}{
		{"text item with options", `items:
  - id: a
    type: text
    text: {en: A, nb: A}
    options: [{code: 1, label: {en: A, nb: A}}]
`, "x.yaml:9: item a: a text item takes no options, min, max, reverse or missing"},
		{"unknown type", `items:
  - id: a
    type: slider
    text: {en: A, nb: A}
`, `x.yaml:10: item a: type must be choice, integer or text, not "slider"`},
		{"min above max", `items:
  - id: a
    type: integer
    min: 5
    max: 1
    text: {en: A, nb: A}
`, "x.yaml:11: item a: min 5 is above max 1"},
		{"show_if on a text item", `items:
  - id: a
    type: text
    text: {en: A, nb: A}
  - id: b
    type: text
    text: {en: B, nb: B}
    show_if: {item: a, in: [1]}
`, "x.yaml:15: item b: show_if can only depend on a choice or integer item"},
		{"scoring a text item", `items:
  - id: a
    type: text
    text: {en: A, nb: A}
scoring:
  scores:
    - {id: s, label: {en: S, nb: S}, method: sum, items: [a]}
`, "x.yaml:14: score s: text item a cannot be scored"},
		{"unknown method", `items:
  - {id: a, type: integer, min: 1, max: 3, text: {en: A, nb: A}}
scoring:
  scores:
    - {id: s, label: {en: S, nb: S}, method: median}
`, `x.yaml:12: score s: method must be "sum" or "mean", not "median"`},
		{"max_missing too high", `items:
  - {id: a, type: integer, min: 1, max: 3, text: {en: A, nb: A}}
scoring:
  scores:
    - {id: s, label: {en: S, nb: S}, method: mean, max_missing: 1}
`, "x.yaml:12: score s: max_missing must be from 0 to 0 (one less than its 1 items)"},
		{"unknown direction", `items:
  - {id: a, type: integer, min: 1, max: 3, text: {en: A, nb: A}}
scoring:
  scores:
    - {id: s, label: {en: S, nb: S}, method: mean, better: sideways}
`, `x.yaml:12: score s: better must be higher or lower, not "sideways"`},
		{"prorating mixed ranges", `items:
  - {id: a, type: integer, min: 1, max: 3, text: {en: A, nb: A}}
  - {id: b, type: integer, min: 1, max: 9, text: {en: B, nb: B}}
scoring:
  scores:
    - {id: s, label: {en: S, nb: S}, method: sum, max_missing: 1, prorate: true}
`, "x.yaml:13: score s: a prorated sum needs items with the same range"},
		{"huge code", `items:
  - id: a
    type: choice
    text: {en: A, nb: A}
    options: [{code: 2000000000, label: {en: A, nb: A}}]
`, "x.yaml:12: item a: option code 2000000000 must be from -1000000000 to 1000000000"},
		{"huge max", `items:
  - {id: a, type: integer, min: 1, max: 99999999999, text: {en: A, nb: A}}
`, "x.yaml:9: item a: max must be from -1000000000 to 1000000000"},
		{"bad id", `items:
  - {id: A 1, type: integer, min: 1, max: 3, text: {en: A, nb: A}}
`, `x.yaml:9: item id "A 1": ids use lowercase letters, digits, - and _`},
		{"alias", `items:
  - {id: a, type: integer, min: 1, max: 3, text: &t {en: A, nb: A}}
  - {id: b, type: integer, min: 1, max: 3, text: *t}
`, "x.yaml:9: item a: text: YAML anchors (&name) are not supported; use option_sets to share options"},
		{"missing code outside the range", `items:
  - {id: a, type: integer, min: 1, max: 100, missing: [0], text: {en: A, nb: A}}
`, "x.yaml:9: item a: missing code 0 is outside min..max (1..100): a missing answer must be one the item takes"},
		{"missing code not an option", `items:
  - id: a
    type: choice
    text: {en: A, nb: A}
    options: [{code: 1, label: {en: A, nb: A}}, {code: 2, label: {en: B, nb: B}}]
    missing: [9, 1, 1]
`, "x.yaml:13: item a: missing code 9 is not an option"},
		{"missing code twice", `items:
  - id: a
    type: choice
    text: {en: A, nb: A}
    options: [{code: 1, label: {en: A, nb: A}}, {code: 2, label: {en: B, nb: B}}]
    missing: [1, 1]
`, "x.yaml:13: item a: missing code 1 is listed twice"},
		{"every answer missing", `items:
  - {id: a, type: integer, min: 0, max: 1, missing: [0, 1], text: {en: A, nb: A}}
`, "x.yaml:9: item a: every answer is a missing code"},
		{"missing on a text item", `items:
  - {id: a, type: text, missing: [0], text: {en: A, nb: A}}
`, "x.yaml:9: item a: a text item takes no options, min, max, reverse or missing"},
		{"two documents", "items: []\n---\nid: y\n", "x.yaml:9: one definition per file: a second YAML document starts here"},
		{"not utf-8", "items:\n  - id: \xff\n", "x.yaml:9: file is not valid UTF-8 text or contains control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "x.yaml", head+tt.body)
			want := filepath.Join(dir, tt.want)
			var got []string
			for _, p := range Lint(dir) {
				got = append(got, p.String())
			}
			if !slices.Contains(got, want) {
				t.Errorf("Lint = %q\nwant it to contain %q", got, want)
			}
		})
	}
}

func TestLintDirErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	ps := Lint(missing)
	if len(ps) != 1 || ps[0].File != missing || ps[0].Line != 0 || !strings.HasPrefix(ps[0].String(), missing+": cannot read the directory") {
		t.Errorf("Lint(missing) = %v", ps)
	}
	file := filepath.Join(t.TempDir(), "f.yaml")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if ps := Lint(file); len(ps) != 1 || ps[0].String() != file+": is not a directory" {
		t.Errorf("Lint(file) = %v", ps)
	}
}
