package flows

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"

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
// presentation order (the questionnaire's rule, shared with paper imports).
func firstUnanswered(t *Task) (int, bool) {
	return t.Questionnaire.FirstUnanswered(t.Answers)
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

// willAsk reports whether item i of t is asked of this person: its show_if
// holds, or is not decided yet because the item it depends on is still
// unanswered (and would itself be asked). A progress total counts these,
// so it only ever shrinks as answers come in.
func willAsk(t *Task, i int) bool {
	q := t.Questionnaire
	for {
		c := q.Items[i].ShowIf
		if c == nil {
			return true
		}
		_, j, ok := q.Item(c.Item)
		if !ok || j >= i {
			return false
		}
		v, answered := t.Answers[c.Item]
		if answered {
			code, err := strconv.Atoi(strings.TrimSpace(deref(v)))
			if v == nil || err != nil || !slices.Contains(c.In, code) {
				return false
			}
		}
		i = j
	}
}

func deref(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// progressOf is item's place among the items t will ask, and their number:
// "3/15" counts only what this person is asked.
func progressOf(t *Task, item int) (n, of int) {
	for i := range t.Questionnaire.Items {
		if i != item && !willAsk(t, i) {
			continue
		}
		of++
		if i <= item {
			n++
		}
	}
	return n, of
}

// cursorPos finds the question the cursor points at, if its timepoint is
// still open and it is still asked (a task may have closed, an item turned
// invisible). A completed task is reached only by /back from the next one.
func (s *step) cursorPos() (pos, bool) {
	c := s.st.Cursor
	if c == nil || s.st.Phase != PhaseWalking {
		return pos{}, false
	}
	for ti := range s.tasks {
		t := &s.tasks[ti]
		if t.Key != c.Task {
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
	if code, ok := optionNamed(it, text, lang); ok {
		return strconv.Itoa(code), ""
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

// optionNamed finds the choice option whose whole label, in the chat's
// language, is text, ignoring case, accents and spacing; a label two
// options share names neither.
func optionNamed(it *questionnaires.Item, text, lang string) (int, bool) {
	if it.Type != questionnaires.TypeChoice {
		return 0, false
	}
	want := foldLabel(text)
	if want == "" {
		return 0, false
	}
	code, found := 0, 0
	for _, o := range it.Options {
		if l := o.Label.In(lang); l != "" && foldLabel(l) == want {
			code, found = o.Code, found+1
		}
	}
	if found != 1 {
		return 0, false
	}
	return code, true
}

// foldLabel is text as a label comparison sees it: lower case, accents off
// (å, æ and ø as a Norwegian types them without their keys: a, ae, o),
// one space between words, typographic apostrophes plain.
func foldLabel(text string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if f, ok := accentFold[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accentFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y",
	'’': "'", '‘': "'", '–': "-", '—': "-",
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
