package flows

import (
	"errors"
	"strconv"

	"github.com/imrbot/imrbot/questionnaires"
)

// pos is a question: a task (index into step.tasks) and an item (index into
// its questionnaire's items).
type pos struct{ task, item int }

// current returns the values the questionnaire rules read: skips and
// unanswered items are both absent.
func current(t *Task) map[string]string {
	out := make(map[string]string, len(t.Answers))
	for k, v := range t.Answers {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// firstUnanswered is the first visible item without an answer, in
// presentation order.
func firstUnanswered(t *Task) (int, bool) {
	vals := current(t)
	for i, it := range t.Questionnaire.Items {
		if _, answered := t.Answers[it.ID]; answered {
			continue
		}
		if t.Questionnaire.Visible(i, vals) {
			return i, true
		}
	}
	return 0, false
}

// previousVisible is the last visible item before item.
func previousVisible(t *Task, item int) (int, bool) {
	vals := current(t)
	for i := item - 1; i >= 0; i-- {
		if t.Questionnaire.Visible(i, vals) {
			return i, true
		}
	}
	return 0, false
}

// cursorPos finds the question the cursor points at, if it is still open
// and still asked (a task may have closed, an item turned invisible).
func (s *step) cursorPos() (pos, bool) {
	c := s.st.Cursor
	if c == nil || s.st.Phase != PhaseWalking {
		return pos{}, false
	}
	for ti := range s.tasks {
		t := &s.tasks[ti]
		if t.Key != c.Task || t.Completed {
			continue
		}
		_, i, ok := t.Questionnaire.Item(c.Item)
		if !ok || !t.Questionnaire.Visible(i, current(t)) {
			return pos{}, false
		}
		return pos{ti, i}, true
	}
	return pos{}, false
}

// parseTyped turns typed text into the value to store for an item, or the
// message that explains why it cannot be used.
func parseTyped(it *questionnaires.Item, text string, lang string) (string, string) {
	v, err := it.Validate(text)
	if err == nil {
		return v, ""
	}
	var ie *questionnaires.InputError
	if !errors.As(err, &ie) {
		return "", render(lang, msgInputUnusable)
	}
	switch ie.Key {
	case questionnaires.InputNotAnOption:
		return "", render(lang, msgInputNotAnOption, codeList(lang, ie.Codes))
	case questionnaires.InputNotANumber:
		return "", render(lang, msgInputNotANumber, ie.Min, ie.Max)
	case questionnaires.InputOutOfRange:
		return "", render(lang, msgInputOutOfRange, ie.Min, ie.Max)
	case questionnaires.InputEmpty:
		return "", render(lang, msgInputEmpty)
	case questionnaires.InputTooLong:
		return "", render(lang, msgInputTooLong, ie.MaxLen)
	case questionnaires.InputControl:
		return "", render(lang, msgInputControl)
	}
	return "", render(lang, msgInputUnusable)
}

// codeList writes codes as "1, 2, 3 or 9".
func codeList(lang string, codes []int) string {
	out := ""
	for i, c := range codes {
		switch {
		case i == 0:
		case i == len(codes)-1:
			out += render(lang, msgOr)
		default:
			out += ", "
		}
		out += strconv.Itoa(c)
	}
	return out
}
