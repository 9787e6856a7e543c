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
// source (chat or paper), which imrbot answers import reads back.
var LongColumns = []string{"participant", "respondent", "site", "questionnaire", "version", "timepoint", "item", "value", "answered_at", "source"}

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
		t.Rows = append(t.Rows, []string{
			a.Participant, a.Respondent, a.Site, a.Questionnaire, a.Version, a.Timepoint,
			a.Item, a.Value.String, a.AnsweredAt.UTC().Format(time.RFC3339), a.Source,
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
// typed numbers are numbers, typed text is text. Every other long column is text. An item the catalog no longer has
// is of unknown type: it counts as numeric, which lets only a number
// through unquoted (SafeCell quotes anything else there).
func longNumberCell(cat *questionnaires.Catalog) func(row []string, col int) bool {
	valueCol := slices.Index(LongColumns, "value")
	qCol, itemCol := slices.Index(LongColumns, "questionnaire"), slices.Index(LongColumns, "item")
	return func(row []string, col int) bool {
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
		{Name: "value", Label: "Raw answer: the option code chosen, or the number or text typed; empty when skipped (see the item rows below)", Type: TypeString},
		{Name: "answered_at", Label: "When the answer was given (UTC)", Type: TypeDateTime},
		{Name: "source", Label: "Where the answer came from: the chat, or paper loaded with imrbot answers import", Type: TypeString,
			Allowed: store.SourceChat + ";" + store.SourcePaper, ValueLabels: []ValueLabel{
				{store.SourceChat, "Answered in the chat"}, {store.SourcePaper, "Collected on paper and imported"}}},
	}
}

func joinValues(vs []ValueLabel) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Value
	}
	return strings.Join(out, ";")
}

// WideTable is the wide export: one row per participant (the subject) and
// timepoint with any answer, ordered by participant and timepoint. After
// participant, site, role and timepoint come, for every questionnaire in
// battery order: questionnaire_respondent (only for ratings of a consumer
// by a clinician), questionnaire_version, one questionnaire_item column per
// item in presentation order (the raw answer, empty when skipped or not
// answered), and one questionnaire_score column per score (scored by the
// questionnaire's rules, empty when too many items are missing), each
// followed by questionnaire_score_band when the score has bands. A score
// named like one of its questionnaire's items (GAF's symptoms rating and
// symptoms score) is questionnaire_score_score instead.
// Questionnaire ids become names R, SPSS and Stata accept: imrs-consumer_item1
// is imrs_consumer_item1. Answers to questionnaires or items the catalog
// no longer has are left out with a warning (the long export keeps them).
func WideTable(d *store.ExportData, cat *questionnaires.Catalog) (*Table, error) {
	order := questionnaireOrder(cat)
	t := &Table{Format: "wide"}
	t.Variables = []Variable{
		{Name: "participant", Label: "Participant code (the subject of every rating in the row)", Type: TypeString},
		{Name: "site", Label: "Site of the participant", Type: TypeString},
		{Name: "role", Label: "Role of the participant", Type: TypeString, Allowed: "consumer;clinician;coordinator"},
		{Name: "timepoint", Label: "Timepoint", Type: TypeString},
	}
	var sites, tps []ValueLabel
	for _, s := range d.Sites {
		sites = append(sites, ValueLabel{s.Code, s.Name})
	}
	for _, tp := range cat.Protocol.Timepoints {
		tps = append(tps, ValueLabel{tp.ID, tp.Label.In(labelLang)})
	}
	t.Variables[1].Allowed, t.Variables[1].ValueLabels = joinValues(sites), sites
	t.Variables[3].Allowed, t.Variables[3].ValueLabels = joinValues(tps), tps

	// Each questionnaire's block of columns, and how to fill it.
	type block struct {
		q          *questionnaires.Questionnaire
		respondent bool
		start      int // index of its first column
	}
	blocks := map[string]block{}
	for _, q := range order {
		b := block{q: q, respondent: q.Subject == questionnaires.SubjectConsumer, start: len(t.Variables)}
		if b.respondent {
			t.Variables = append(t.Variables, Variable{
				Name: varPrefix(q.ID) + "_respondent", Label: q.Title.In(labelLang) + ": code of the rater",
				Type: TypeString, Questionnaire: q.ID, Version: q.Version,
			})
		}
		t.Variables = append(t.Variables, Variable{
			Name: varPrefix(q.ID) + "_version", Label: q.Title.In(labelLang) + ": version answered",
			Type: TypeString, Allowed: q.Version, Questionnaire: q.ID, Version: q.Version,
		})
		for i := range q.Items {
			t.Variables = append(t.Variables, itemVariable(q, &q.Items[i]))
		}
		if q.Scoring != nil {
			for _, s := range q.Scoring.Scores {
				t.Variables = append(t.Variables, scoreVariables(q, s)...)
			}
		}
		blocks[q.ID] = b
	}
	seen := map[string]bool{}
	for _, v := range t.Variables {
		if seen[v.Name] {
			return nil, fmt.Errorf("report.WideTable: two columns would be named %s: rename an item or score in the questionnaire definitions", v.Name)
		}
		seen[v.Name] = true
	}

	byKey, warnings := collectAssessments(d.Answers)
	t.Warnings = warnings
	type rowKey struct{ participant, timepoint string }
	rows := map[rowKey][]string{}
	var keys []rowKey
	unknownQ, unknownItems := map[string]int{}, map[string]int{}
	for k, a := range byKey {
		rk := rowKey{k.participant, k.timepoint}
		row, ok := rows[rk]
		if !ok {
			row = make([]string, len(t.Variables))
			row[0], row[1], row[2], row[3] = a.Participant, a.Site, a.SubjectRole, a.Timepoint
			rows[rk] = row
			keys = append(keys, rk)
		}
		b, ok := blocks[k.questionnaire]
		if !ok {
			unknownQ[k.questionnaire]++
			continue
		}
		q := b.q
		col := b.start
		if b.respondent {
			row[col] = a.Respondent
			col++
		}
		row[col] = a.Version
		col++
		for i, it := range q.Items {
			if v := a.Answers[it.ID]; v != nil {
				row[col+i] = *v
			}
		}
		for item := range a.Answers {
			if _, _, found := q.Item(item); !found {
				unknownItems[q.ID+"/"+item]++
			}
		}
		col += len(q.Items)
		for _, r := range a.scores(q) {
			if r.OK {
				row[col] = formatNumber(r.Value)
			}
			col++
			if s := scoreDef(q, r.ID); s != nil && len(s.Bands) > 0 {
				if r.OK {
					row[col] = r.Band
				}
				col++
			}
		}
	}
	for _, id := range sortedKeys(unknownQ) {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%d assessments of %s, which the catalog does not have, are only in the long export", unknownQ[id], id))
	}
	for _, id := range sortedKeys(unknownItems) {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%d answers to %s, an item the catalog does not have, are only in the long export", unknownItems[id], id))
	}

	tpRank := rankOf(timepointIDs(cat))
	slices.SortFunc(keys, func(a, b rowKey) int {
		if a.participant != b.participant {
			return strings.Compare(a.participant, b.participant)
		}
		if c := tpRank(a.timepoint) - tpRank(b.timepoint); c != 0 {
			return c
		}
		return strings.Compare(a.timepoint, b.timepoint)
	})
	for _, k := range keys {
		t.Rows = append(t.Rows, rows[k])
	}
	return t, nil
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
