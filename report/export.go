package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// LongColumns are the long export's exact columns: the contract's, then
// source (chat or paper), which imrbot answers import reads back, and
// missing, a missing code when the answer is a skip or not known (see
// MissingNote).
var LongColumns = []string{"participant", "respondent", "site", "questionnaire", "version", "timepoint", "item", "value", "answered_at", "source", "missing"}

// LongTable is the long export: one row per current answer, value as
// stored (the option code chosen, or the number or text typed; never
// reversed or rescored; empty for a skip), answered_at in RFC 3339 UTC.
// Rows are ordered by participant, timepoint (protocol order),
// questionnaire (battery order), respondent and item (presentation order).
func LongTable(d *store.ExportData, cat *questionnaires.Catalog) *Table {
	order := questionnaireOrder(cat)
	qids := make([]string, len(order))
	for i, q := range order {
		qids[i] = q.ID
	}
	tpRank, qRank := rankOf(timepointIDs(cat)), rankOf(qids)
	itemRank := map[string]func(string) int{}
	for _, q := range order {
		itemRank[q.ID] = rankOf(itemIDs(q))
	}
	rankItem := func(q, item string) int {
		if r, ok := itemRank[q]; ok {
			return r(item)
		}
		return 0
	}

	answers := slices.Clone(d.Answers)
	slices.SortStableFunc(answers, func(a, b store.ExportAnswer) int {
		switch {
		case a.Participant != b.Participant:
			return strings.Compare(a.Participant, b.Participant)
		case a.Timepoint != b.Timepoint:
			if c := tpRank(a.Timepoint) - tpRank(b.Timepoint); c != 0 {
				return c
			}
			return strings.Compare(a.Timepoint, b.Timepoint)
		case a.Questionnaire != b.Questionnaire:
			if c := qRank(a.Questionnaire) - qRank(b.Questionnaire); c != 0 {
				return c
			}
			return strings.Compare(a.Questionnaire, b.Questionnaire)
		case a.Respondent != b.Respondent:
			return strings.Compare(a.Respondent, b.Respondent)
		}
		if c := rankItem(a.Questionnaire, a.Item) - rankItem(b.Questionnaire, b.Item); c != 0 {
			return c
		}
		return strings.Compare(a.Item, b.Item)
	})

	t := &Table{Format: "long", Variables: longVariables(d, cat, order), number: longNumberCell(cat)}
	for _, a := range answers {
		var value *string
		if a.Value.Valid {
			value = &a.Value.String
		}
		t.Rows = append(t.Rows, []string{
			a.Participant, a.Respondent, a.Site, a.Questionnaire, a.Version, a.Timepoint,
			a.Item, a.Value.String, a.AnsweredAt.UTC().Format(time.RFC3339), a.Source,
			longMissing(cat.Questionnaires[a.Questionnaire], a.Item, value),
		})
	}
	for _, q := range order {
		for i := range q.Items {
			v := itemVariable(q, &q.Items[i])
			v.Label = fmt.Sprintf("value where questionnaire=%s and item=%s: %s", q.ID, q.Items[i].ID, v.Label)
			t.ItemValues = append(t.ItemValues, v)
		}
	}
	return t
}

// longNumberCell decides the value column's type row by row, from the
// item's type, as the wide format's item columns do: option codes and
// typed numbers are numbers, typed text is text. The missing column holds
// numbers; every other long column is text. An item the catalog no longer has
// is of unknown type: it counts as numeric, which lets only a number
// through unquoted (SafeCell quotes anything else there).
func longNumberCell(cat *questionnaires.Catalog) func(row []string, col int) bool {
	valueCol := slices.Index(LongColumns, "value")
	qCol, itemCol := slices.Index(LongColumns, "questionnaire"), slices.Index(LongColumns, "item")
	missingCol := slices.Index(LongColumns, "missing")
	return func(row []string, col int) bool {
		if col == missingCol {
			return true
		}
		if col != valueCol {
			return false
		}
		q := cat.Questionnaires[row[qCol]]
		if q == nil {
			return true
		}
		it, _, found := q.Item(row[itemCol])
		return !found || it.Type == questionnaires.TypeChoice || it.Type == questionnaires.TypeInteger
	}
}

func longVariables(d *store.ExportData, cat *questionnaires.Catalog, order []*questionnaires.Questionnaire) []Variable {
	var sites, qs, tps []ValueLabel
	for _, s := range d.Sites {
		sites = append(sites, ValueLabel{s.Code, s.Name})
	}
	for _, q := range order {
		qs = append(qs, ValueLabel{q.ID, q.Title.In(labelLang)})
	}
	for _, tp := range cat.Protocol.Timepoints {
		tps = append(tps, ValueLabel{tp.ID, tp.Label.In(labelLang)})
	}
	return []Variable{
		{Name: "participant", Label: "Code of the participant the answer is about (the subject)", Type: TypeString},
		{Name: "respondent", Label: "Code of the participant who answered (the subject's own code for self-reports)", Type: TypeString},
		{Name: "site", Label: "Site of the participant", Type: TypeString, Allowed: joinValues(sites), ValueLabels: sites},
		{Name: "questionnaire", Label: "Questionnaire id", Type: TypeString, Allowed: joinValues(qs), ValueLabels: qs},
		{Name: "version", Label: "Questionnaire version the answer was given to", Type: TypeString},
		{Name: "timepoint", Label: "Timepoint", Type: TypeString, Allowed: joinValues(tps), ValueLabels: tps},
		{Name: "item", Label: "Item id within the questionnaire", Type: TypeString},
		{Name: "value", Label: "Raw answer: the option code chosen, or the number or text typed; empty when skipped; a not known code as answered (see the item rows below)", Type: TypeString},
		{Name: "answered_at", Label: "When the answer was given (UTC)", Type: TypeDateTime},
		{Name: "source", Label: "Where the answer came from: the chat, or paper loaded with imrbot answers import", Type: TypeString,
			Allowed: store.SourceChat + ";" + store.SourcePaper, ValueLabels: []ValueLabel{
				{store.SourceChat, "Answered in the chat"}, {store.SourcePaper, "Collected on paper and imported"}}},
		{Name: "missing", Label: "Why the answer is missing: skipped, or answered not known; empty for an answer (see the note on missing values)", Type: TypeInteger,
			Allowed: MissingCodes[0].Value + ";" + MissingCodes[2].Value, ValueLabels: []ValueLabel{MissingCodes[0], MissingCodes[2]}},
	}
}

func joinValues(vs []ValueLabel) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Value
	}
	return strings.Join(out, ";")
}

func scoreDef(q *questionnaires.Questionnaire, id string) *questionnaires.Score {
	if q.Scoring == nil {
		return nil
	}
	for i := range q.Scoring.Scores {
		if q.Scoring.Scores[i].ID == id {
			return &q.Scoring.Scores[i]
		}
	}
	return nil
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
