package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// WideTable is the wide export: one row per participant (the subject) with
// any answer, ordered by participant code; a clinician's rating of a
// consumer is in the consumer's row. After participant, site, role and
// clinician (a consumer's, from ExportData.Clinicians) come,
// for every timepoint in protocol order and every questionnaire the protocol
// asks there in battery order: <questionnaire>_rater_<timepoint> (only for
// ratings of a consumer: the rater's code), <questionnaire>_version_<timepoint>,
// one <item>_<timepoint> column per item in presentation order (the raw
// answer, or a missing code: see MissingNote), and per score
// <score>_<timepoint> (scored by the questionnaire's rules, empty when too
// many items are missing), <score>_n_<timepoint> beside a sum that may miss
// items (the count of items it rests on) and <score>_band_<timepoint> when
// the score has bands. Names are built by stem and atTimepoint: an item id
// that already begins with its questionnaire's name is used alone
// (hope_1_baseline), and a name longer than MaxNameLen is shortened by
// atTimepoint. Answers to questionnaires, items or timepoints the catalog
// does not have are left out with a warning (the long export keeps them).
func WideTable(d *store.ExportData, cat *questionnaires.Catalog) (*Table, error) {
	order := questionnaireOrder(cat)
	if err := checkMissingCodes(order); err != nil {
		return nil, err
	}
	var sites []ValueLabel
	for _, s := range d.Sites {
		sites = append(sites, ValueLabel{s.Code, s.Name})
	}
	t := &Table{Format: "wide"}
	t.Variables = []Variable{
		{Name: "participant", Label: "Participant code (the subject of every rating in the row)", Type: TypeString},
		{Name: "site", Label: "Site of the participant", Type: TypeString, Allowed: joinValues(sites), ValueLabels: sites},
		{Name: "role", Label: "Role of the participant", Type: TypeString, Allowed: "consumer;clinician;coordinator"},
		{Name: "clinician", Label: "Code of the consumer's clinician, who delivers their IMR (empty for other roles)", Type: TypeString},
	}
	blocks := map[blockKey]*block{}
	for _, tp := range cat.Protocol.Timepoints {
		for _, q := range order {
			if !asksAt(cat, q.ID, tp.ID) {
				continue
			}
			blocks[blockKey{q.ID, tp.ID}] = t.addBlock(q, tp, stemRoom(cat))
		}
	}
	if err := t.checkNames(); err != nil {
		return nil, err
	}

	byKey, warnings := collectAssessments(d.Answers)
	t.Warnings = warnings
	rows := map[string][]string{}
	unknown, unknownItems := map[string]int{}, map[string]int{}
	for _, k := range sortedAssessmentKeys(byKey) {
		a := byKey[k]
		row, ok := rows[k.participant]
		if !ok {
			row = make([]string, len(t.Variables))
			row[0], row[1], row[2], row[3] = a.Participant, a.Site, a.SubjectRole, d.Clinicians[a.Participant]
			rows[k.participant] = row
		}
		b, ok := blocks[blockKey{k.questionnaire, k.timepoint}]
		if !ok {
			unknown[k.questionnaire+" at "+k.timepoint]++
			continue
		}
		b.fill(row, a)
		for item := range a.Answers {
			if _, _, found := b.q.Item(item); !found {
				unknownItems[b.q.ID+"/"+item]++
			}
		}
	}
	for _, id := range sortedKeys(unknown) {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%d assessments of %s, which the catalog or protocol does not have, are only in the long export", unknown[id], id))
	}
	for _, id := range sortedKeys(unknownItems) {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%d answers to %s, an item the catalog does not have, are only in the long export", unknownItems[id], id))
	}
	for _, p := range slices.Sorted(maps.Keys(rows)) {
		t.Rows = append(t.Rows, rows[p])
	}
	return t, nil
}

type blockKey struct{ questionnaire, timepoint string }

// block is one questionnaire's columns at one timepoint.
type block struct {
	q     *questionnaires.Questionnaire
	rater bool
	start int // index of its first column
}

// addBlock appends the columns of q at tp and returns where they are.
func (t *Table) addBlock(q *questionnaires.Questionnaire, tp questionnaires.Timepoint, room int) *block {
	b := &block{q: q, rater: q.Subject == questionnaires.SubjectConsumer, start: len(t.Variables)}
	when := tp.Label.In(labelLang)
	if when == "" {
		when = tp.ID
	}
	add := func(v Variable) {
		when := when
		full := v.Name + "_" + safeName(tp.ID)
		v.Name = atTimepoint(v.Name, tp.ID, room)
		if v.Name != full {
			when += "; shortened from " + full
		}
		v.Label += " (" + when + ")"
		t.Variables = append(t.Variables, v)
	}
	title := q.Title.In(labelLang)
	prefix := varPrefix(q.ID)
	if b.rater {
		add(Variable{Name: prefix + "_rater", Label: title + ": code of the clinician who rated", Type: TypeString, Questionnaire: q.ID, Version: q.Version, Wording: q.Wording})
	}
	add(Variable{Name: prefix + "_version", Label: title + ": version answered", Type: TypeString, Allowed: q.Version, Questionnaire: q.ID, Version: q.Version, Wording: q.Wording})
	for i := range q.Items {
		v := itemVariable(q, &q.Items[i])
		if v.Type == TypeInteger {
			// A not known code never reaches the wide file: it is MissingNotKnown.
			v.ValueLabels = slices.DeleteFunc(v.ValueLabels, func(l ValueLabel) bool { return notKnown(q, &q.Items[i], l.Value) })
			if q.Items[i].Type == questionnaires.TypeChoice {
				v.Allowed = joinValues(v.ValueLabels)
			}
			v.Missing = MissingCodes
		}
		add(v)
	}
	if q.Scoring != nil {
		for _, s := range q.Scoring.Scores {
			for _, v := range scoreVariables(q, s) {
				add(v)
			}
		}
	}
	return b
}

// fill writes assessment a into its block of row.
func (b *block) fill(row []string, a *assessment) {
	q, col := b.q, b.start
	if b.rater {
		row[col] = a.Respondent
		col++
	}
	row[col] = a.Version
	col++
	answers := make(map[string]string, len(a.Answers))
	for item, v := range a.Answers {
		if v != nil {
			answers[item] = *v
		}
	}
	for i := range q.Items {
		row[col] = missingCell(q, i, a, answers)
		col++
	}
	for _, r := range a.scores(q) {
		s := scoreDef(q, r.ID)
		if r.OK {
			row[col] = formatNumber(r.Value)
		}
		col++
		if s != nil && countsItems(*s) {
			row[col] = strconv.Itoa(r.Answered)
			col++
		}
		if s != nil && len(s.Bands) > 0 {
			if r.OK {
				row[col] = r.Band
			}
			col++
		}
	}
}

// asksAt reports whether the protocol asks questionnaire q at timepoint
// tp; a questionnaire no battery names has columns at every timepoint.
func asksAt(cat *questionnaires.Catalog, q, tp string) bool {
	named := false
	for _, b := range cat.Protocol.Batteries {
		if slices.Contains(b.Questionnaires, q) {
			named = true
			if slices.Contains(b.Timepoints, tp) {
				return true
			}
		}
	}
	return !named
}

// checkNames refuses two columns whose names R, SPSS or Stata would take
// for one (SPSS and Stata compare names without case).
func (t *Table) checkNames() error {
	seen := map[string]string{}
	for _, v := range t.Variables {
		key := strings.ToLower(v.Name)
		if other, ok := seen[key]; ok {
			return fmt.Errorf("report.WideTable: two columns would be named %s (%s and %s): rename an item or score in the questionnaire definitions", v.Name, other, v.Label)
		}
		seen[key] = v.Label
	}
	return nil
}

func sortedAssessmentKeys(m map[assessmentKey]*assessment) []assessmentKey {
	return slices.SortedFunc(maps.Keys(m), func(a, b assessmentKey) int {
		return compareStrings([]string{a.participant, a.timepoint, a.questionnaire}, []string{b.participant, b.timepoint, b.questionnaire})
	})
}
