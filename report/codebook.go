package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// Variable types in the codebook.
const (
	TypeString   = "string"   // text, kept as is
	TypeInteger  = "integer"  // a whole number: an option code or a typed number
	TypeNumber   = "number"   // a score, possibly fractional
	TypeDateTime = "datetime" // RFC 3339 in UTC, e.g. 2026-01-15T09:01:00Z
)

// ValueLabel names one value of a variable: an option code or a band id.
type ValueLabel struct {
	Value string
	Label string
}

// Variable describes one column of an export (or, in the long format's
// codebook, the values one item takes in the value column).
type Variable struct {
	Name          string
	Label         string
	Type          string
	Allowed       string // e.g. "1;2;3;4;5", "1..100", or "" for anything
	ValueLabels   []ValueLabel
	Questionnaire string // "" for identifying columns
	Version       string
	// Wording is the questionnaire's wording status, "placeholder" or
	// "validated", so an analysis knows whether the items were asked in the
	// validated instrument's words. WriteCodebook fills it for every
	// variable of a questionnaire from any one that has it.
	Wording string
	// Missing are the missing codes the column may hold (see MissingCodes),
	// which the loaders declare as missing values.
	Missing []ValueLabel
}

// Table is an export: its columns, its rows (one string per column, ""
// for missing), and codebook rows that describe values but are not columns.
type Table struct {
	Format    string // "long" or "wide"
	Variables []Variable
	Rows      [][]string
	// ItemValues describes, in the long format, the values the value column
	// takes for each item; empty for the wide format, whose item columns
	// describe themselves.
	ItemValues []Variable
	// Warnings are choices the export made that a statistician must know
	// of, such as two ratings competing for one wide row.
	Warnings []string
	// Raw writes every cell as typed, without SafeCell's quote: for
	// statistics software, never for a spreadsheet.
	Raw bool
	// number reports whether a cell of a row is of a numeric type; nil
	// decides by the column's type. The long format sets it, because its
	// value column holds option codes and numbers for some items and text
	// for others.
	number func(row []string, col int) bool
}

// csvRow is row as the CSV holds it: text cells made safe (see SafeCell)
// unless the table is raw. The loading syntax sizes its string columns from
// it, so the quote is never cut off.
func (t *Table) csvRow(row []string) []string {
	if t.Raw {
		return row
	}
	out := make([]string, len(row))
	for i, cell := range row {
		out[i] = SafeCell(cell, t.numberCell(row, i))
	}
	return out
}

func (t *Table) numberCell(row []string, col int) bool {
	if t.number != nil {
		return t.number(row, col)
	}
	if col >= len(t.Variables) {
		return false
	}
	return t.Variables[col].Type == TypeInteger || t.Variables[col].Type == TypeNumber
}

// textCell is a cell that is text whatever it holds, as every codebook
// cell is, as the CSV holds it.
func (t *Table) textCell(s string) string {
	if t.Raw {
		return s
	}
	return SafeCell(s, false)
}

// CodebookHeader is the codebook's exact columns.
var CodebookHeader = []string{"variable", "label", "type", "allowed_values", "value_labels", "questionnaire", "version", "wording", "missing_values"}

// WriteCSV writes the table as CSV with a header row.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Variables))
	for i, v := range t.Variables {
		header[i] = v.Name
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("report.WriteCSV: %w", err)
	}
	for _, row := range t.Rows {
		if err := cw.Write(t.csvRow(row)); err != nil {
			return fmt.Errorf("report.WriteCSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report.WriteCSV: %w", err)
	}
	return nil
}

// WriteCodebook writes one CSV row per variable, then the long format's
// item rows, then notes (type "note", no variable) on missing values
// (MissingNote) and on how text cells are written (FormulaNote, or RawNote
// for a raw table). Value labels and missing values are "code=label"
// joined by "; ". Every codebook cell is text, so any of them
// that a spreadsheet would run as a formula gets SafeCell's quote.
func (t *Table) WriteCodebook(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CodebookHeader); err != nil {
		return fmt.Errorf("report.WriteCodebook: %w", err)
	}
	all := append(append([]Variable(nil), t.Variables...), t.ItemValues...)
	wording := map[string]string{} // questionnaire -> its wording status
	for _, v := range all {
		if v.Wording != "" {
			wording[v.Questionnaire] = v.Wording
		}
	}
	for _, v := range all {
		if v.Wording == "" {
			v.Wording = wording[v.Questionnaire]
		}
		row := []string{v.Name, v.Label, v.Type, v.Allowed, joinLabels(v.ValueLabels), v.Questionnaire, v.Version, v.Wording, joinLabels(v.Missing)}
		for i := range row {
			row[i] = t.textCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("report.WriteCodebook: %w", err)
		}
	}
	note := FormulaNote
	if t.Raw {
		note = RawNote
	}
	for _, n := range []string{MissingNote, note} {
		if err := cw.Write([]string{"", t.textCell(n), "note", "", "", "", "", "", ""}); err != nil {
			return fmt.Errorf("report.WriteCodebook: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report.WriteCodebook: %w", err)
	}
	return nil
}

func joinLabels(ls []ValueLabel) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Value + "=" + l.Label
	}
	return strings.Join(out, "; ")
}

// itemVariable describes an item: its name is the stem of its wide columns.
func itemVariable(q *questionnaires.Questionnaire, it *questionnaires.Item) Variable {
	v := Variable{
		Name:          itemStem(q, it),
		Label:         it.Text.In(labelLang),
		Questionnaire: q.ID,
		Version:       q.Version,
		Wording:       q.Wording,
	}
	if v.Label == "" {
		v.Label = it.ID
	}
	switch it.Type {
	case questionnaires.TypeChoice:
		v.Type = TypeInteger
		codes := make([]string, len(it.Options))
		for i, o := range it.Options {
			codes[i] = strconv.Itoa(o.Code)
			v.ValueLabels = append(v.ValueLabels, ValueLabel{Value: codes[i], Label: o.Label.In(labelLang)})
		}
		v.Allowed = strings.Join(codes, ";")
	case questionnaires.TypeInteger:
		v.Type = TypeInteger
		if it.Min != nil && it.Max != nil {
			v.Allowed = fmt.Sprintf("%d..%d", *it.Min, *it.Max)
		}
	default:
		v.Type = TypeString
	}
	return v
}

// scoreVariables describes a score's columns, named by their stems: the
// score, then for a sum that may miss items the count of items it rests
// on (_n), then its band (_band) when it has bands. The label says how the
// score is made, proration included.
func scoreVariables(q *questionnaires.Questionnaire, s questionnaires.Score) []Variable {
	name := scoreColumn(q, s.ID)
	v := Variable{Name: name, Label: scoreLabel(q, s), Type: TypeNumber, Questionnaire: q.ID, Version: q.Version, Wording: q.Wording}
	if lo, hi, ok := scoreScale(q, s); ok {
		v.Allowed = formatNumber(lo) + ".." + formatNumber(hi)
	}
	v.Label += " (" + scoreRule(q, s) + ")"
	out := []Variable{v}
	if countsItems(s) {
		out = append(out, Variable{
			Name: name + "_n", Label: scoreLabel(q, s) + ": number of items the score rests on (answered, not counting not known)",
			Type: TypeInteger, Questionnaire: q.ID, Version: q.Version, Wording: q.Wording,
		})
	}
	if len(s.Bands) > 0 {
		b := Variable{Name: name + "_band", Label: scoreLabel(q, s) + ": band", Type: TypeString, Questionnaire: q.ID, Version: q.Version, Wording: q.Wording}
		var ids []string
		for _, band := range s.Bands {
			ids = append(ids, band.ID)
			b.ValueLabels = append(b.ValueLabels, ValueLabel{
				Value: band.ID,
				Label: fmt.Sprintf("%s (from %s)", band.Label.In(labelLang), formatNumber(band.Min)),
			})
		}
		b.Allowed = strings.Join(ids, ";")
		out = append(out, b)
	}
	return out
}

// countsItems reports whether a score gets a count column: a sum that may
// miss items, whose value depends on how many it rests on.
func countsItems(s questionnaires.Score) bool {
	return s.Method != "mean" && s.MaxMissing > 0
}

// scoreRule says in words how a score is made from the items, for its
// codebook label: the method, what counts as missing, how many may be
// missing, whether a sum is prorated, and when lower is better.
func scoreRule(q *questionnaires.Questionnaire, s questionnaires.Score) string {
	method := s.Method
	if method == "" {
		method = "sum"
	}
	rule := method + " of items"
	if q.Scoring != nil && len(q.Scoring.ExcludeCodes) > 0 {
		codes := make([]string, len(q.Scoring.ExcludeCodes))
		for i, c := range q.Scoring.ExcludeCodes {
			codes[i] = strconv.Itoa(c)
		}
		rule += "; code " + strings.Join(codes, ", ") + " (not known) left out"
	}
	switch {
	case s.MaxMissing == 0:
		rule += "; none missing"
	case method == "mean":
		rule += fmt.Sprintf("; at most %d missing, mean of those answered", s.MaxMissing)
	case s.Prorate:
		rule += fmt.Sprintf("; at most %d missing, prorated: mean of those answered times the number of items", s.MaxMissing)
	default:
		rule += fmt.Sprintf("; at most %d missing, not prorated: the sum of those answered, their count beside it", s.MaxMissing)
	}
	if s.LowerIsBetter() {
		rule += "; lower is better"
	}
	return rule
}
