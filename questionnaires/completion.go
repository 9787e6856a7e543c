package questionnaires

// This file holds the one rule for what is left to ask of an assessment,
// which the chat (its next question) and a paper import (whether it
// completed the questionnaire) both follow.

// FirstUnanswered is the first item, in presentation order, that is asked
// given answers (show_if decided by the answers so far) and has neither an
// answer nor a skip; ok is false when nothing is left to ask. answers maps
// item id to its raw value, a nil value recording a skip.
func (q *Questionnaire) FirstUnanswered(answers map[string]*string) (item int, ok bool) {
	vals := make(map[string]string, len(answers))
	for k, v := range answers {
		if v != nil {
			vals[k] = *v
		}
	}
	for i, it := range q.Items {
		if _, answered := answers[it.ID]; answered {
			continue
		}
		if q.Visible(i, vals) {
			return i, true
		}
	}
	return 0, false
}

// Complete reports whether answers leave nothing to ask: every item shown
// has an answer or a skip.
func (q *Questionnaire) Complete(answers map[string]*string) bool {
	_, left := q.FirstUnanswered(answers)
	return !left
}
