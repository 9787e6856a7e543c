package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
	studyreport "github.com/imrbot/imrbot/report"
)

// QuestionnairesCmd is `imrbot questionnaires ...`: what a coordinator uses to
// read and check the study's definitions without a Go compiler.
type QuestionnairesCmd struct {
	List QuestionnairesListCmd `cmd:"" help:"List the study's questionnaires: id, version, respondent, title and wording (placeholder or validated)."`
	Lint QuestionnairesLintCmd `cmd:"" help:"Check definition files; print every problem as file:line: message."`
	Show QuestionnairesShowCmd `cmd:"" help:"Print one questionnaire, as text, as JSON or as an R4 FHIR Questionnaire."`

	ImportRedcap QuestionnairesImportRedcapCmd `cmd:"" name:"import-redcap" help:"Turn a REDCap data dictionary into definition files, one per form; what has no equivalent is reported by line."`
}

// QuestionnairesListCmd is `imrbot questionnaires list`.
type QuestionnairesListCmd struct{}

// Run prints a header line, then ID, VERSION, RESPONDENT, the English
// title and the wording status (placeholder or validated), tab-separated,
// one questionnaire a line, sorted by id: placeholder wording shows where
// anyone looks at the study.
func (c *QuestionnairesListCmd) Run(app *App) error {
	cat, err := app.Catalog()
	if err != nil {
		return err
	}
	lines := []string{"id\tversion\trespondent\ttitle\twording"}
	for _, id := range slices.Sorted(maps.Keys(cat.Questionnaires)) {
		q := cat.Questionnaires[id]
		lines = append(lines, strings.Join([]string{q.ID, q.Version, string(q.Respondent), q.Title.In("en"), q.Wording}, "\t"))
	}
	if _, err := fmt.Fprintln(app.Stdout, strings.Join(lines, "\n")); err != nil {
		return fmt.Errorf("questionnaires list: %w", err)
	}
	return nil
}

// QuestionnairesLintCmd is `imrbot questionnaires lint [DIR]`.
type QuestionnairesLintCmd struct {
	Dir string `arg:"" optional:"" help:"Directory of definition files laid over the built-in ones (default: $IMRBOT_QUESTIONNAIRES; none: check the built-in study)."`
}

// Run prints every problem, one a line, and exits 1 when there is any.
func (c *QuestionnairesLintCmd) Run(app *App) error {
	dir := c.Dir
	if dir == "" {
		dir = app.Getenv("IMRBOT_QUESTIONNAIRES")
	}
	problems := questionnaires.Lint(dir)
	for _, p := range problems {
		if _, err := fmt.Fprintln(app.Stdout, p); err != nil {
			return fmt.Errorf("questionnaires lint: %w", err)
		}
	}
	switch n := len(problems); n {
	case 0:
		return nil
	case 1:
		return ExitError{Code: 1, Err: fmt.Errorf("1 problem")}
	default:
		return ExitError{Code: 1, Err: fmt.Errorf("%d problems", n)}
	}
}

// QuestionnairesShowCmd is `imrbot questionnaires show ID [--json]`.
type QuestionnairesShowCmd struct {
	ID   string `arg:"" name:"id" help:"Questionnaire id, e.g. hope."`
	JSON bool   `name:"json" help:"Print the definition as one JSON object."`
	FHIR bool   `name:"fhir" help:"Print the definition as an R4 FHIR Questionnaire (JSON)."`
}

// Run prints the questionnaire.
func (c *QuestionnairesShowCmd) Run(app *App) error {
	cat, err := app.Catalog()
	if err != nil {
		return err
	}
	q, ok := cat.Questionnaires[c.ID]
	if !ok {
		return UsageError{Err: fmt.Errorf("unknown questionnaire %q; known: %s",
			c.ID, strings.Join(slices.Sorted(maps.Keys(cat.Questionnaires)), ", "))}
	}
	if c.FHIR && c.JSON {
		return Usagef("--json and --fhir: choose one")
	}
	if c.FHIR {
		b, err := studyreport.FHIRQuestionnaire(q)
		if err != nil {
			return err
		}
		if _, err := app.Stdout.Write(b); err != nil {
			return fmt.Errorf("questionnaires show: %w", err)
		}
		return nil
	}
	if c.JSON {
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(contractOf(q)); err != nil {
			return fmt.Errorf("questionnaires show: %w", err)
		}
		return nil
	}
	if err := writeQuestionnaire(app.Stdout, q); err != nil {
		return fmt.Errorf("questionnaires show: %w", err)
	}
	return nil
}

// contract is the `show --json` object of DESIGN.md: id, version, and the
// items in presentation order with id, type, options, min, max, optional.
type contract struct {
	ID         string                  `json:"id"`
	Version    string                  `json:"version"`
	Wording    string                  `json:"wording"`
	Title      questionnaires.Text     `json:"title"`
	Intro      questionnaires.Text     `json:"intro"`
	Respondent questionnaires.Role     `json:"respondent"`
	Subject    questionnaires.Subject  `json:"subject"`
	Recall     questionnaires.Text     `json:"recall,omitempty"`
	Items      []contractItem          `json:"items"`
	Scoring    *questionnaires.Scoring `json:"scoring,omitempty"`
	Source     string                  `json:"source"`
}

type contractItem struct {
	ID       string                    `json:"id"`
	Type     questionnaires.ItemType   `json:"type"`
	Text     questionnaires.Text       `json:"text"`
	Options  []questionnaires.Option   `json:"options"`
	Min      *int                      `json:"min"` // a choice item's scored range; null for text
	Max      *int                      `json:"max"`
	Optional bool                      `json:"optional"`
	Reverse  bool                      `json:"reverse"`
	ShowIf   *questionnaires.Condition `json:"show_if,omitempty"`
}

func contractOf(q *questionnaires.Questionnaire) contract {
	out := contract{
		ID: q.ID, Version: q.Version, Wording: q.Wording, Title: q.Title, Intro: q.Intro,
		Respondent: q.Respondent, Subject: q.Subject, Recall: q.Recall,
		Items: make([]contractItem, len(q.Items)), Scoring: q.Scoring, Source: q.Source,
	}
	for i, it := range q.Items {
		ci := contractItem{
			ID: it.ID, Type: it.Type, Text: it.Text, Options: it.Options,
			Optional: it.Optional, Reverse: it.Reverse, ShowIf: it.ShowIf,
		}
		if ci.Options == nil {
			ci.Options = []questionnaires.Option{}
		}
		if lo, hi, ok := q.Range(i); ok {
			ci.Min, ci.Max = &lo, &hi
		}
		out.Items[i] = ci
	}
	return out
}

// writeQuestionnaire prints q for a person reading it in a terminal.
func writeQuestionnaire(w io.Writer, q *questionnaires.Questionnaire) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  version %s  (%s wording; %s)\n", q.ID, q.Version, q.Wording, q.Source)
	fmt.Fprintf(&b, "%s / %s\n", q.Title.In("en"), q.Title.In("nb"))
	fmt.Fprintf(&b, "Answered by: %s, about: %s\n", q.Respondent, q.Subject)
	fmt.Fprintf(&b, "%s\n", q.Intro.In("en"))
	if q.Recall != nil {
		fmt.Fprintf(&b, "Recall: %s\n", q.Recall.In("en"))
	}
	var excluded []int
	if q.Scoring != nil {
		excluded = q.Scoring.ExcludeCodes
	}
	for i, it := range q.Items {
		var notes []string
		if lo, hi, ok := q.Range(i); ok {
			notes = append(notes, fmt.Sprintf("%d-%d", lo, hi))
		}
		if it.Reverse {
			notes = append(notes, "reversed")
		}
		if it.Optional {
			notes = append(notes, "optional")
		}
		if it.ShowIf != nil {
			notes = append(notes, fmt.Sprintf("only if %s in %v", it.ShowIf.Item, it.ShowIf.In))
		}
		fmt.Fprintf(&b, "\n%d. %s (%s; %s)\n   %s\n", i+1, it.ID, it.Type, strings.Join(notes, ", "), it.Text.In("en"))
		for _, o := range it.Options {
			note := ""
			if slices.Contains(excluded, o.Code) {
				note = "  (not scored)"
			}
			fmt.Fprintf(&b, "   %d - %s%s\n", o.Code, o.Label.In("en"), note)
		}
	}
	if q.Scoring != nil {
		b.WriteString("\nScores:\n")
		for _, s := range q.Scoring.Scores {
			items := "all items"
			if len(s.Items) > 0 {
				items = strings.Join(s.Items, ", ")
			}
			fmt.Fprintf(&b, "  %s: %s of %s; at most %d missing", s.ID, s.Method, items, s.MaxMissing)
			for _, band := range s.Bands {
				fmt.Fprintf(&b, "; %s from %g", band.ID, band.Min)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// QuestionnairesImportRedcapCmd is `imrbot questionnaires import-redcap
// DICT.csv --out DIR`.
type QuestionnairesImportRedcapCmd struct {
	Dictionary string `arg:"" name:"dictionary" help:"A REDCap data dictionary (CSV), e.g. an instrument from REDCap's shared library or one imrbot export --format redcap wrote."`
	Out        string `required:"" placeholder:"DIR" help:"Write <id>.yaml for each form into DIR (created if missing; existing files are never overwritten)."`
	Lang       string `default:"en" enum:"en,nb" help:"Language of the dictionary's labels."`
}

// Run writes the definitions and prints one line per thing left out or
// defaulted, as file:line: message. Bad input writes nothing.
func (c *QuestionnairesImportRedcapCmd) Run(app *App) error {
	f, err := os.Open(c.Dictionary)
	if err != nil {
		return UsageError{Err: err}
	}
	defer f.Close()
	im, err := questionnaires.ImportRedcap(c.Dictionary, f, c.Lang)
	if err != nil {
		return UsageError{Err: err}
	}
	if info, err := os.Stat(c.Out); err == nil && !info.IsDir() {
		return Usagef("--out %q is a file; name a folder", c.Out)
	}
	for _, d := range im.Files {
		if _, err := os.Stat(filepath.Join(c.Out, d.Name)); err == nil {
			return Usagef("%s already exists; move it away or choose another --out", filepath.Join(c.Out, d.Name))
		}
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return fmt.Errorf("questionnaires import-redcap: %w", err)
	}
	var out pendingFiles
	defer out.discard()
	for _, d := range im.Files {
		if err := out.add(filepath.Join(c.Out, d.Name), d.Data); err != nil {
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	for _, n := range im.Notes {
		fmt.Fprintf(app.Stderr, "imrbot: note: %s\n", n)
	}
	for _, d := range im.Files {
		if _, err := fmt.Fprintln(app.Stdout, filepath.Join(c.Out, d.Name)); err != nil {
			return fmt.Errorf("questionnaires import-redcap: %w", err)
		}
	}
	return nil
}
