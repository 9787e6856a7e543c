package questionnaires

import "slices"

// Item returns the item with id and its position in presentation order.
func (q *Questionnaire) Item(id string) (*Item, int, bool) {
	i := q.index(id)
	if i < 0 {
		return nil, -1, false
	}
	return &q.Items[i], i, true
}

// index is the position of item id, or -1.
func (q *Questionnaire) index(id string) int {
	for i := range q.Items {
		if q.Items[i].ID == id {
			return i
		}
	}
	return -1
}

// lineOf is the line of a top-level key, else the questionnaire's line.
func (q *Questionnaire) lineOf(key string) int {
	if line, ok := q.lines[key]; ok {
		return line
	}
	return q.Line
}

// lineOf is the line of one of the item's keys, else the item's line.
func (it *Item) lineOf(key string) int {
	if line, ok := it.lines[key]; ok {
		return line
	}
	return it.Line
}

// Option returns the option with code.
func (it *Item) Option(code int) (Option, bool) {
	for _, o := range it.Options {
		if o.Code == code {
			return o, true
		}
	}
	return Option{}, false
}

func (it *Item) hasOption(code int) bool {
	_, ok := it.Option(code)
	return ok
}

// excluded is the set of codes that count as missing in scores.
func (q *Questionnaire) excluded() map[int]bool {
	out := map[int]bool{}
	if q.Scoring != nil {
		for _, c := range q.Scoring.ExcludeCodes {
			out[c] = true
		}
	}
	return out
}

// Range is the item's scored range: min and max for integer items; for
// choice items min and max when given, else the lowest and highest option
// code that is not excluded from scores (HoNOS 0..4 without 9). ok is false
// for text items and items without a range.
func (q *Questionnaire) Range(item int) (lo, hi int, ok bool) {
	if item < 0 || item >= len(q.Items) {
		return 0, 0, false
	}
	return q.Items[item].scoreRange(q.excluded())
}

// AnswerRange is the range a typed answer to an integer item must fall in:
// Min..Max, its missing codes included (GAF 0, insufficient information,
// is an answer though Range leaves it out of scores). ok is false for
// other items and an integer item without a range.
func (it *Item) AnswerRange() (lo, hi int, ok bool) {
	if it.Type != TypeInteger || it.Min == nil || it.Max == nil || *it.Min > *it.Max {
		return 0, 0, false
	}
	return *it.Min, *it.Max, true
}

func (it *Item) scoreRange(excluded map[int]bool) (lo, hi int, ok bool) {
	switch it.Type {
	case TypeInteger:
		if it.Min == nil || it.Max == nil || *it.Min > *it.Max {
			return 0, 0, false
		}
		// A missing answer at either end (GAF 0) is not a score.
		lo, hi = *it.Min, *it.Max
		for lo <= hi && slices.Contains(it.Missing, lo) {
			lo++
		}
		for lo <= hi && slices.Contains(it.Missing, hi) {
			hi--
		}
		return lo, hi, lo <= hi
	case TypeChoice:
		for _, o := range it.Options {
			if excluded[o.Code] || slices.Contains(it.Missing, o.Code) {
				continue
			}
			if !ok || o.Code < lo {
				lo = o.Code
			}
			if !ok || o.Code > hi {
				hi = o.Code
			}
			ok = true
		}
		if it.Min != nil {
			lo = *it.Min
		}
		if it.Max != nil {
			hi = *it.Max
		}
		return lo, hi, ok && lo <= hi
	}
	return 0, 0, false
}
