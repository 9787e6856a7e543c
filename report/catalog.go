package report

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// labelLang is the language of every label in exports and reports: the
// study's statisticians read English codebooks.
const labelLang = "en"

// questionnaireOrder lists the catalog's questionnaires in battery order
// (the protocol's batteries as written, each in the order it is asked),
// then any the protocol does not name, by id. Every export column and report
// section follows this order, so it is stable from run to run.
func questionnaireOrder(cat *questionnaires.Catalog) []*questionnaires.Questionnaire {
	var out []*questionnaires.Questionnaire
	seen := map[string]bool{}
	add := func(id string) {
		if q, ok := cat.Questionnaires[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, q)
		}
	}
	for _, b := range cat.Protocol.Batteries {
		for _, id := range b.Questionnaires {
			add(id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(cat.Questionnaires)) {
		add(id)
	}
	return out
}

// rankOf returns a function giving each of ids its position, and
// len(ids) plus nothing for unknown ids, so sorting by it puts known values
// first in the given order.
func rankOf(ids []string) func(string) int {
	m := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, ok := m[id]; !ok {
			m[id] = i
		}
	}
	return func(id string) int {
		if i, ok := m[id]; ok {
			return i
		}
		return len(ids)
	}
}

func timepointIDs(cat *questionnaires.Catalog) []string {
	ids := make([]string, len(cat.Protocol.Timepoints))
	for i, tp := range cat.Protocol.Timepoints {
		ids[i] = tp.ID
	}
	return ids
}

func itemIDs(q *questionnaires.Questionnaire) []string {
	ids := make([]string, len(q.Items))
	for i, it := range q.Items {
		ids[i] = it.ID
	}
	return ids
}

// varPrefix turns a questionnaire id into the start of a variable name that
// R, SPSS and Stata all accept: imrs-consumer becomes imrs_consumer.
func varPrefix(questionnaireID string) string {
	return safeName(questionnaireID)
}

// safeName replaces every character but ASCII letters, digits and _ with _.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// scoreScale is the lowest and highest value a score can take when every
// item applies: for a sum the sums of the items' ranges, for a mean the
// lowest minimum and the highest maximum. ok is false when no item of the
// score can be scored.
func scoreScale(q *questionnaires.Questionnaire, s questionnaires.Score) (lo, hi float64, ok bool) {
	var positions []int
	if len(s.Items) == 0 {
		for i := range q.Items {
			positions = append(positions, i)
		}
	} else {
		for _, id := range s.Items {
			if _, i, found := q.Item(id); found {
				positions = append(positions, i)
			}
		}
	}
	for _, i := range positions {
		a, b, scored := q.Range(i)
		if !scored {
			continue
		}
		fa, fb := float64(a), float64(b)
		switch {
		case !ok:
			lo, hi = fa, fb
		case s.Method == "mean":
			lo, hi = math.Min(lo, fa), math.Max(hi, fb)
		default:
			lo, hi = lo+fa, hi+fb
		}
		ok = true
	}
	return lo, hi, ok
}

// bandOf is the band of v: the one with the highest Min not above v, as
// questionnaires.Score assigns bands; nil when v is below every band.
func bandOf(bands []questionnaires.Band, v float64) *questionnaires.Band {
	var out *questionnaires.Band
	for i := range bands {
		if bands[i].Min <= v && (out == nil || bands[i].Min >= out.Min) {
			out = &bands[i]
		}
	}
	return out
}

// scoreLabel is "Questionnaire title: score label".
func scoreLabel(q *questionnaires.Questionnaire, s questionnaires.Score) string {
	title := q.Title.In(labelLang)
	if title == "" {
		title = q.ID
	}
	l := s.Label.In(labelLang)
	if l == "" {
		l = s.ID
	}
	return title + ": " + l
}

// formatNumber prints a score with at most six decimals and no trailing
// zeros: 3.4666666666666668 becomes 3.466667, 12 stays 12.
func formatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	r := math.Round(v*1e6) / 1e6
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
