package questionnaires

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// answers fills every item of q with v, then applies changes: "id=value"
// sets an answer, "id=" removes it (unanswered or skipped).
func answers(q *Questionnaire, v string, changes ...string) map[string]string {
	a := map[string]string{}
	if v != "" {
		for _, it := range q.Items {
			a[it.ID] = v
		}
	}
	for _, c := range changes {
		id, val, _ := strings.Cut(c, "=")
		if val == "" {
			delete(a, id)
		} else {
			a[id] = val
		}
	}
	return a
}

// want is one expected score; Value is compared to 1e-9.
type want struct {
	id                string
	ok                bool
	value             float64
	band              string
	answered, missing int
}

func TestScore(t *testing.T) {
	c := loadDefaults(t)
	type tc struct {
		name    string
		answers func(q *Questionnaire) map[string]string
		want    []want
	}
	fill := func(v string, changes ...string) func(q *Questionnaire) map[string]string {
		return func(q *Questionnaire) map[string]string { return answers(q, v, changes...) }
	}
	tests := map[string][]tc{
		"imrs-consumer": {
			{"all 3", fill("3"), []want{{"mean", true, 3, "", 15, 0}}},
			{"mixed", fill("4", "imrs_1=1", "imrs_2=5"), []want{{"mean", true, (13*4 + 1 + 5) / 15.0, "", 15, 0}}},
			{"3 missing: mean of the rest", fill("2", "imrs_1=", "imrs_2=", "imrs_3=", "imrs_4=5"), []want{{"mean", true, (11*2 + 5) / 12.0, "", 12, 3}}},
			{"4 missing: no score", fill("2", "imrs_1=", "imrs_2=", "imrs_3=", "imrs_4="), []want{{"mean", false, 0, "", 11, 4}}},
			{"invalid values count as missing", fill("5", "imrs_1=6", "imrs_2=abc", "imrs_3=0"), []want{{"mean", true, 5, "", 12, 3}}},
			{"all missing", fill(""), []want{{"mean", false, 0, "", 0, 15}}},
		},
		"imrs-clinician": {
			{"all 5", fill("5"), []want{{"mean", true, 5, "", 15, 0}}},
			{"all missing", fill(""), []want{{"mean", false, 0, "", 0, 15}}},
		},
		"hope": {
			{"all 4: items 3 and 6 reversed", fill("4"), []want{{"total", true, 10*4 + 2*1, "", 12, 0}}},
			{"all 1", fill("1"), []want{{"total", true, 10*1 + 2*4, "", 12, 0}}},
			{"most hope", fill("4", "hope_3=1", "hope_6=1"), []want{{"total", true, 48, "", 12, 0}}},
			{"least hope", fill("1", "hope_3=4", "hope_6=4"), []want{{"total", true, 12, "", 12, 0}}},
			{"reversed item 3 = 2 counts 3", fill("1", "hope_3=2", "hope_6=4"), []want{{"total", true, 10 + 3 + 1, "", 12, 0}}},
			{"1 missing: prorated", fill("3", "hope_12="), []want{{"total", true, (9*3 + 2*2) * 12 / 11.0, "", 11, 1}}},
			{"1 missing, reversed item", fill("4", "hope_3=", "hope_6=1"), []want{{"total", true, 48, "", 11, 1}}},
			{"2 missing: no score", fill("3", "hope_1=", "hope_2="), []want{{"total", false, 0, "", 10, 2}}},
			{"all missing", fill(""), []want{{"total", false, 0, "", 0, 12}}},
		},
		"symptoms": {
			{"all 2", fill("2"), []want{{"mean", true, 2, "", 10, 0}}},
			{"2 missing", fill("4", "symptoms_1=", "symptoms_2=", "symptoms_3=1"), []want{{"mean", true, (7*4 + 1) / 8.0, "", 8, 2}}},
			{"3 missing", fill("4", "symptoms_1=", "symptoms_2=", "symptoms_3="), []want{{"mean", false, 0, "", 7, 3}}},
			{"all missing", fill(""), []want{{"mean", false, 0, "", 0, 10}}},
		},
		"qol": {
			{"working, all 5", fill("5", "qol_2=1"), []want{{"mean", true, 5, "", 12, 0}}},
			{"working, job unanswered", fill("5", "qol_2=1", "qol_3="), []want{{"mean", true, 5, "", 11, 1}}},
			{"not working: job not asked, not missing", fill("6", "qol_2=0", "qol_3="), []want{{"mean", true, 6, "", 11, 0}}},
			{"not working: a stale job answer is ignored", fill("6", "qol_2=0", "qol_3=1"), []want{{"mean", true, 6, "", 11, 0}}},
			{"gate unanswered: job not asked", fill("2", "qol_2=", "qol_3="), []want{{"mean", true, 2, "", 11, 0}}},
			{"optional item skipped", fill("7", "qol_2=1", "qol_10=", "qol_1=1"), []want{{"mean", true, (10*7 + 1) / 11.0, "", 11, 1}}},
			{"3 missing", fill("7", "qol_2=1", "qol_1=", "qol_4=", "qol_5="), []want{{"mean", false, 0, "", 9, 3}}},
			{"all missing", fill(""), []want{{"mean", false, 0, "", 0, 11}}},
		},
		"honos": {
			{"all 2", fill("2"), []want{
				{"total", true, 24, "", 12, 0}, {"behaviour_total", true, 6, "", 3, 0}, {"impairment_total", true, 4, "", 2, 0},
				{"symptoms_total", true, 6, "", 3, 0}, {"social_total", true, 8, "", 4, 0}}},
			// The standard rule: the sum of the items rated 0-4, not prorated;
			// Answered is the count of rated items beside it.
			{"9 = not known is left out, not prorated", fill("2", "honos_1=9", "honos_9=9", "honos_10=4"), []want{
				{"total", true, 9*2 + 4, "", 10, 2}, {"behaviour_total", false, 0, "", 2, 1}, {"impairment_total", true, 4, "", 2, 0},
				{"symptoms_total", true, 6, "", 3, 0}, {"social_total", true, 2 + 4 + 2, "", 3, 1}}},
			{"three not known: no total", fill("0", "honos_1=9", "honos_2=9", "honos_3=9"), []want{
				{"total", false, 0, "", 9, 3}, {"behaviour_total", false, 0, "", 0, 3}, {"impairment_total", true, 0, "", 2, 0},
				{"symptoms_total", true, 0, "", 3, 0}, {"social_total", true, 0, "", 4, 0}}},
			{"all 4", fill("4"), []want{
				{"total", true, 48, "", 12, 0}, {"behaviour_total", true, 12, "", 3, 0}, {"impairment_total", true, 8, "", 2, 0},
				{"symptoms_total", true, 12, "", 3, 0}, {"social_total", true, 16, "", 4, 0}}},
			// Item 8's problem type is a classification, in no score.
			{"item 8 type is not scored", fill("1", "honos_8_type=10"), []want{
				{"total", true, 12, "", 12, 0}, {"behaviour_total", true, 3, "", 3, 0}, {"impairment_total", true, 2, "", 2, 0},
				{"symptoms_total", true, 3, "", 3, 0}, {"social_total", true, 4, "", 4, 0}}},
			{"all not known", fill("9"), []want{
				{"total", false, 0, "", 0, 12}, {"behaviour_total", false, 0, "", 0, 3}, {"impairment_total", false, 0, "", 0, 2},
				{"symptoms_total", false, 0, "", 0, 3}, {"social_total", false, 0, "", 0, 4}}},
		},
		"gaf": {
			{"both rated", fill("", "gaf_symptoms=45", "gaf_function=61"), []want{{"symptoms_total", true, 45, "", 1, 0}, {"function_total", true, 61, "", 1, 0}}},
			{"function missing", fill("", "gaf_symptoms=100"), []want{{"symptoms_total", true, 100, "", 1, 0}, {"function_total", false, 0, "", 0, 1}}},
			{"out of range counts as missing", fill("", "gaf_symptoms=-1", "gaf_function=101"), []want{{"symptoms_total", false, 0, "", 0, 1}, {"function_total", false, 0, "", 0, 1}}},
			// 0 = insufficient information: a valid answer, missing in scores.
			{"0 is missing", fill("", "gaf_symptoms=0", "gaf_function=1"), []want{{"symptoms_total", false, 0, "", 0, 1}, {"function_total", true, 1, "", 1, 0}}},
		},
		"imr-practice": {
			{"all 4, comment given", fill("4", "imr_practice_7=Good training"), []want{
				{"participation_mean", true, 4, "", 2, 0}, {"confidence_mean", true, 4, "", 3, 0}, {"future_use_mean", true, 4, "", 1, 0}}},
			{"one confidence item missing", fill("2", "imr_practice_3=", "imr_practice_4=5", "imr_practice_1=5"), []want{
				{"participation_mean", true, 3.5, "", 2, 0}, {"confidence_mean", true, 3.5, "", 2, 1}, {"future_use_mean", true, 2, "", 1, 0}}},
			{"all missing", fill(""), []want{
				{"participation_mean", false, 0, "", 0, 2}, {"confidence_mean", false, 0, "", 0, 3}, {"future_use_mean", false, 0, "", 0, 1}}},
		},
		"imr-fidelity": {
			{"all 4: high", fill("4"), []want{{"mean", true, 4, "high", 13, 0}}},
			{"all 5: high", fill("5"), []want{{"mean", true, 5, "high", 13, 0}}},
			{"just under 4: moderate", fill("4", "imr_fidelity_13=3"), []want{{"mean", true, 51 / 13.0, "moderate", 13, 0}}},
			{"all 3: moderate", fill("3"), []want{{"mean", true, 3, "moderate", 13, 0}}},
			{"just under 3: low", fill("3", "imr_fidelity_1=2"), []want{{"mean", true, 38 / 13.0, "low", 13, 0}}},
			{"all 1: low", fill("1"), []want{{"mean", true, 1, "low", 13, 0}}},
			{"one missing: no score", fill("4", "imr_fidelity_7="), []want{{"mean", false, 0, "", 12, 1}}},
			{"all missing", fill(""), []want{{"mean", false, 0, "", 0, 13}}},
		},
		"goi": {
			// The mean counts G1-G12; Individualization G2, G4-G6, G12;
			// Quality Improvement G7-G11; G13-G14 count in none.
			{"all 5", fill("5"), []want{{"mean", true, 5, "high", 12, 0},
				{"individualization_mean", true, 5, "high", 5, 0}, {"quality_improvement_mean", true, 5, "high", 5, 0}}},
			{"one missing", fill("3", "goi_12=", "goi_1=5", "goi_13=1", "goi_14="), []want{{"mean", true, (5 + 10*3) / 11.0, "moderate", 11, 1},
				{"individualization_mean", true, 3, "moderate", 4, 1}, {"quality_improvement_mean", true, 3, "moderate", 5, 0}}},
			{"two missing", fill("3", "goi_12=", "goi_1="), []want{{"mean", false, 0, "", 10, 2},
				{"individualization_mean", true, 3, "moderate", 4, 1}, {"quality_improvement_mean", true, 3, "moderate", 5, 0}}},
			{"subscales apart", fill("2", "goi_7=5", "goi_8=5", "goi_9=4", "goi_10=4", "goi_11=4"), []want{{"mean", true, (14 + 22) / 12.0, "moderate", 12, 0},
				{"individualization_mean", true, 2, "low", 5, 0}, {"quality_improvement_mean", true, 4.4, "high", 5, 0}}},
		},
		"it-is": {
			{"all 3: acceptable", fill("3"), []want{{"mean", true, 3, "acceptable", 13, 0}}},
			{"just under 3: low", fill("3", "it_is_1=2"), []want{{"mean", true, 38 / 13.0, "low", 13, 0}}},
			{"all 4: high", fill("4"), []want{{"mean", true, 4, "high", 13, 0}}},
			{"one missing", fill("5", "it_is_9="), []want{{"mean", true, 5, "high", 12, 1}}},
			{"two missing: no score", fill("5", "it_is_9=", "it_is_10="), []want{{"mean", false, 0, "", 11, 2}}},
		},
	}
	for id := range c.Questionnaires {
		if _, ok := tests[id]; !ok {
			t.Errorf("no scoring tests for default instrument %s", id)
		}
	}
	for id, cases := range tests {
		q := c.Questionnaires[id]
		for _, tt := range cases {
			t.Run(id+"/"+tt.name, func(t *testing.T) {
				got := q.Score(tt.answers(q))
				if len(got) != len(tt.want) {
					t.Fatalf("%d scores, want %d: %+v", len(got), len(tt.want), got)
				}
				for i, w := range tt.want {
					g := got[i]
					if g.ID != w.id || g.OK != w.ok || math.Abs(g.Value-w.value) > 1e-9 || g.Band != w.band ||
						g.Answered != w.answered || g.Missing != w.missing {
						t.Errorf("score %d = %+v\nwant %+v", i, g, w)
					}
				}
			})
		}
	}
}

func TestScoreRanges(t *testing.T) {
	c := loadDefaults(t)
	tests := []struct {
		q, score string
		min, max float64
	}{
		{"imrs-consumer", "total", 1, 5},
		{"hope", "total", 12, 48},
		{"symptoms", "mean", 1, 4},
		{"qol", "mean", 1, 7},
		{"honos", "total", 0, 48},
		{"honos", "behaviour", 0, 12},
		{"honos", "impairment", 0, 8},
		{"honos", "social", 0, 16},
		{"gaf", "symptoms", 1, 100},
		{"imr-fidelity", "mean", 1, 5},
		{"goi", "mean", 1, 5},
		{"goi", "individualization_mean", 1, 5},
		{"goi", "quality_improvement_mean", 1, 5},
		{"it-is", "mean", 1, 5},
	}
	for _, tt := range tests {
		q := c.Questionnaires[tt.q]
		for _, r := range q.Score(map[string]string{}) {
			if r.ID == tt.score && (r.Min != tt.min || r.Max != tt.max) {
				t.Errorf("%s %s: range %g..%g, want %g..%g", tt.q, tt.score, r.Min, r.Max, tt.min, tt.max)
			}
		}
	}
}

// TestScoreWithinRange is a property test: whatever the answers (valid,
// excluded, invalid, missing), every score lies within [Min, Max], its band
// is the one its value falls in, and Answered+Missing never exceeds the items.
func TestScoreWithinRange(t *testing.T) {
	c := loadDefaults(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for id, q := range c.Questionnaires {
		for range 2000 {
			a := map[string]string{}
			for i, it := range q.Items {
				switch rng.IntN(8) {
				case 0: // unanswered
				case 1:
					a[it.ID] = []string{"", "x", "-1", "9", "101", " 2 "}[rng.IntN(6)]
				default:
					if len(it.Options) > 0 {
						a[it.ID] = strconv.Itoa(it.Options[rng.IntN(len(it.Options))].Code)
					} else if lo, hi, ok := q.Range(i); ok {
						a[it.ID] = strconv.Itoa(lo + rng.IntN(hi-lo+1))
					} else {
						a[it.ID] = "some text"
					}
				}
			}
			for k, r := range q.Score(a) {
				s := q.Scoring.Scores[k]
				if r.OK && (r.Value < r.Min || r.Value > r.Max) {
					t.Fatalf("%s %s = %g outside %g..%g for %v", id, r.ID, r.Value, r.Min, r.Max, a)
				}
				if r.OK && r.Band != bandOf(s.Bands, r.Value) || !r.OK && (r.Band != "" || r.Value != 0) {
					t.Fatalf("%s %s: %+v for %v", id, r.ID, r, a)
				}
				if n := len(q.scoredItems(s)); r.Answered+r.Missing > n || r.Min > r.Max {
					t.Fatalf("%s %s: %+v with %d items", id, r.ID, r, n)
				}
			}
		}
	}
}

func TestVisible(t *testing.T) {
	q := &Questionnaire{Items: []Item{
		{ID: "a", Type: TypeChoice, Options: []Option{{Code: 0}, {Code: 1}}},
		{ID: "b", Type: TypeChoice, Options: []Option{{Code: 0}, {Code: 1}}, ShowIf: &Condition{Item: "a", In: []int{1}}},
		{ID: "c", Type: TypeText, ShowIf: &Condition{Item: "b", In: []int{0, 1}}},
		{ID: "d", Type: TypeText, ShowIf: &Condition{Item: "e", In: []int{1}}}, // names a later item
		{ID: "e", Type: TypeChoice, Options: []Option{{Code: 1}}},
	}}
	tests := []struct {
		item    int
		answers map[string]string
		want    bool
	}{
		{0, nil, true},
		{1, nil, false},
		{1, map[string]string{"a": "1"}, true},
		{1, map[string]string{"a": " 1 "}, true},
		{1, map[string]string{"a": "0"}, false},
		{2, map[string]string{"a": "1", "b": "0"}, true},
		{2, map[string]string{"a": "0", "b": "0"}, false}, // b is hidden, so its stale answer does not count
		{3, map[string]string{"e": "1"}, false},
		{-1, nil, false},
		{5, nil, false},
	}
	for _, tt := range tests {
		if got := q.Visible(tt.item, tt.answers); got != tt.want {
			t.Errorf("Visible(%d, %v) = %v, want %v", tt.item, tt.answers, got, tt.want)
		}
	}
}

// TestShippedScoreNames: a shipped score says what it is, so the wide
// export's columns do too: a sum's id ends in total, a mean's in mean
// (IMRS's mean was once called total); only a score that asks for it is
// prorated.
func TestShippedScoreNames(t *testing.T) {
	c := loadDefaults(t)
	for _, q := range c.Questionnaires {
		if q.Scoring == nil {
			continue
		}
		for _, s := range q.Scoring.Scores {
			suffix := "total"
			if s.Method == "mean" {
				suffix = "mean"
			}
			if s.ID != suffix && !strings.HasSuffix(s.ID, "_"+suffix) {
				t.Errorf("%s score %s is a %s: its id should end in %s", q.ID, s.ID, s.Method, suffix)
			}
			if s.Prorate != (q.ID == "hope") {
				t.Errorf("%s score %s: prorate %v; only hope's total is prorated", q.ID, s.ID, s.Prorate)
			}
		}
	}
}
