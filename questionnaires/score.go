package questionnaires

import (
	"slices"
	"strconv"
	"strings"
)

// ScoreResult is one total or subscale computed from a set of answers.
type ScoreResult struct {
	ID    string
	Value float64
	OK    bool   // false: too many items missing (or none answered); Value is 0
	Band  string // id of the band Value falls in, "" if none
	// Answered and Missing count the score's items that were asked; items
	// hidden by show_if are not applicable and count in neither.
	Answered, Missing int
	// Min and Max are the lowest and highest score possible for the items
	// that apply.
	Min, Max float64
}

// Score computes every score of the questionnaire from answers (item id ->
// the raw value as stored, e.g. "3"; a missing key is unanswered or
// skipped). Reverse-scored items count as min+max-code; excluded codes and
// values that are not valid answers count as missing. With no more than
// MaxMissing missing, a mean is the mean of the items answered and a sum
// the sum of the items answered (HoNOS's rule: Answered says how many),
// prorated (mean of the answered items times the number of items) only
// when the score asks for it; with more there is no score.
// Score is pure: the same answers always give the same results.
func (q *Questionnaire) Score(answers map[string]string) []ScoreResult {
	if q.Scoring == nil {
		return nil
	}
	excluded := q.excluded()
	out := make([]ScoreResult, 0, len(q.Scoring.Scores))
	for _, s := range q.Scoring.Scores {
		out = append(out, q.score(s, answers, excluded))
	}
	return out
}

func (q *Questionnaire) score(s Score, answers map[string]string, excluded map[int]bool) ScoreResult {
	r := ScoreResult{ID: s.ID}
	all := q.scoredItems(s)
	var asked []int
	for _, i := range all {
		if q.Visible(i, answers) {
			asked = append(asked, i)
		}
	}
	if len(asked) > 0 {
		r.Min, r.Max, _ = q.rangeOf(asked, s.Method, excluded)
	} else {
		r.Min, r.Max, _ = q.rangeOf(all, s.Method, excluded)
	}
	var sum float64
	for _, i := range asked {
		if v, ok := q.Items[i].scoreValue(answers[q.Items[i].ID], excluded); ok {
			sum += float64(v)
			r.Answered++
		} else {
			r.Missing++
		}
	}
	if r.Answered == 0 || r.Missing > s.MaxMissing {
		return r
	}
	r.OK = true
	switch {
	case s.Method == "mean":
		r.Value = sum / float64(r.Answered)
	case !s.Prorate:
		r.Value = sum
	default:
		// Multiplying before dividing keeps a complete sum exact.
		r.Value = sum * float64(len(asked)) / float64(r.Answered)
	}
	r.Band = bandOf(s.Bands, r.Value)
	return r
}

// bandOf is the band with the highest min not above v.
func bandOf(bands []Band, v float64) string {
	id := ""
	for _, b := range bands {
		if b.Min <= v {
			id = b.ID
		}
	}
	return id
}

// Scored reports whether some score of q counts the item with id, so that
// the scoring's excluded codes (HoNOS 9 = not known) mean "not known" for
// it; an item no score counts (HoNOS 8's problem type) keeps its codes.
func (q *Questionnaire) Scored(id string) bool {
	i := q.index(id)
	if q.Scoring == nil || i < 0 {
		return false
	}
	for _, s := range q.Scoring.Scores {
		if slices.Contains(q.scoredItems(s), i) {
			return true
		}
	}
	return false
}

// scoredItems is the positions of the items a score counts: its list, or
// every choice and integer item when the list is empty; items that cannot be
// scored (unknown, text, no range) are left out.
func (q *Questionnaire) scoredItems(s Score) []int {
	excluded := q.excluded()
	var out []int
	add := func(i int) {
		if _, _, ok := q.Items[i].scoreRange(excluded); ok && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	if len(s.Items) == 0 {
		for i := range q.Items {
			add(i)
		}
		return out
	}
	for _, id := range s.Items {
		if i := q.index(id); i >= 0 {
			add(i)
		}
	}
	return out
}

// rangeOf is the range of a score over items: for a sum the sums of their
// minimums and maximums, for a mean the lowest minimum and highest maximum.
// same reports whether every item has one range.
func (q *Questionnaire) rangeOf(items []int, method string, excluded map[int]bool) (lo, hi float64, same bool) {
	same = true
	for k, i := range items {
		a, b, _ := q.Items[i].scoreRange(excluded)
		fa, fb := float64(a), float64(b)
		switch {
		case k == 0:
			lo, hi = fa, fb
		case method == "mean":
			lo, hi = min(lo, fa), max(hi, fb)
		default:
			lo, hi = lo+fa, hi+fb
		}
		if a0, b0, _ := q.Items[items[0]].scoreRange(excluded); a != a0 || b != b0 {
			same = false
		}
	}
	return lo, hi, same
}

// scoreValue is the value a raw answer adds to a score, reversed when the
// item is; ok is false when the answer counts as missing.
func (it *Item) scoreValue(raw string, excluded map[int]bool) (int, bool) {
	v, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		return 0, false
	}
	if it.Type == TypeChoice && (excluded[v] || !it.hasOption(v)) || slices.Contains(it.Missing, v) {
		return 0, false
	}
	lo, hi, ok := it.scoreRange(excluded)
	if !ok || v < lo || v > hi {
		return 0, false
	}
	if it.Reverse {
		v = lo + hi - v
	}
	return v, true
}

// Visible reports whether item (a position in Items) is asked given the
// answers so far: an item whose show_if is not met, or whose condition item
// is itself hidden, is not asked and counts as not applicable in scores.
func (q *Questionnaire) Visible(item int, answers map[string]string) bool {
	for {
		if item < 0 || item >= len(q.Items) {
			return false
		}
		c := q.Items[item].ShowIf
		if c == nil {
			return true
		}
		j := q.index(c.Item)
		if j < 0 || j >= item {
			return false // only an earlier item can decide; lint reports the rest
		}
		v, err := strconv.Atoi(strings.TrimSpace(answers[c.Item]))
		if err != nil || !slices.Contains(c.In, v) {
			return false
		}
		item = j
	}
}
