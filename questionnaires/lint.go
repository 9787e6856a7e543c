package questionnaires

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// idPattern keeps ids safe in exports, file names and command lines.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// maxTextLen leaves room in Telegram's 4096-character message for the
// progress and range the bot adds around a text.
const maxTextLen = 3500

// linter collects the problems of one file.
type linter struct {
	file     string
	problems []Problem
}

// errorf records a problem; a thing without a line of its own (a key left
// out) is reported on the first line.
func (l *linter) errorf(line int, format string, args ...any) {
	line = max(line, 1)
	l.problems = append(l.problems, Problem{File: l.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// text checks that t has every language of Languages; what names it.
func (l *linter) text(line int, what string, t Text, required bool) {
	if t == nil {
		if required {
			l.errorf(line, "%s is missing", what)
		}
		return
	}
	for _, lang := range Languages {
		s := strings.TrimSpace(t[lang])
		switch {
		case s == "":
			l.errorf(line, "%s has no %s translation", what, lang)
		case utf8.RuneCountInString(s) > maxTextLen:
			l.errorf(line, "%s (%s) is longer than %d characters", what, lang, maxTextLen)
		}
	}
}

func (l *linter) id(line int, what, id string) {
	if !idPattern.MatchString(id) {
		l.errorf(line, "%s %q: ids use lowercase letters, digits, - and _", what, id)
	}
}

func validRole(r Role) bool {
	return slices.Contains(Roles, r)
}

func validSubject(s Subject) bool {
	return slices.Contains(Subjects, s)
}

// lintCatalog checks every questionnaire and the protocol against them.
func lintCatalog(c *Catalog) []Problem {
	var ps []Problem
	for _, id := range slices.Sorted(maps.Keys(c.Questionnaires)) {
		ps = append(ps, lintQuestionnaire(c.Questionnaires[id])...)
	}
	ps = append(ps, lintProtocol(&c.Protocol, c.Questionnaires)...)
	return append(ps, lintStudy(&c.Study)...)
}

func lintQuestionnaire(q *Questionnaire) []Problem {
	l := &linter{file: q.Source}
	l.id(q.Line, "questionnaire id", q.ID)
	if q.Version == "" {
		l.errorf(q.lineOf("version"), "version is missing")
	}
	if q.Wording != "placeholder" && q.Wording != "validated" {
		l.errorf(q.lineOf("wording"), `wording must be "placeholder" or "validated", not %q`, q.Wording)
	}
	l.text(q.lineOf("title"), "title", q.Title, true)
	l.text(q.lineOf("intro"), "intro", q.Intro, true)
	l.text(q.lineOf("recall"), "recall", q.Recall, false)
	if !validRole(q.Respondent) {
		l.errorf(q.lineOf("respondent"), "respondent must be %s, not %q", roleList, q.Respondent)
	}
	if !validSubject(q.Subject) {
		l.errorf(q.lineOf("subject"), "subject must be %s, not %q", subjectList, q.Subject)
	}
	if len(q.Items) == 0 {
		l.errorf(q.lineOf("items"), "the questionnaire has no items")
	}
	excluded := q.excluded()
	seen := map[string]int{} // item id -> line
	for i := range q.Items {
		it := &q.Items[i]
		what := "item " + it.ID
		l.id(it.Line, "item id", it.ID)
		if line, dup := seen[it.ID]; dup {
			l.errorf(it.Line, "duplicate item id %q (first at line %d)", it.ID, line)
		}
		l.text(it.lineOf("text"), what+": text", it.Text, true)
		l.item(it, what, excluded)
		l.showIf(q, i, what)
		seen[it.ID] = it.Line
	}
	if q.Scoring != nil {
		l.scoring(q, excluded)
	}
	return l.problems
}

// maxMagnitude bounds codes and ranges so that reverse coding and sums stay
// exact in int and float64 arithmetic.
const maxMagnitude = 1_000_000_000

func (l *linter) item(it *Item, what string, excluded map[int]bool) {
	for _, b := range []struct {
		key string
		v   *int
	}{{"min", it.Min}, {"max", it.Max}} {
		if b.v != nil && (*b.v > maxMagnitude || *b.v < -maxMagnitude) {
			l.errorf(it.lineOf(b.key), "%s: %s must be from %d to %d", what, b.key, -maxMagnitude, maxMagnitude)
		}
	}
	if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
		l.errorf(it.lineOf("min"), "%s: min %d is above max %d", what, *it.Min, *it.Max)
	}
	switch it.Type {
	case TypeChoice:
		if len(it.Options) == 0 && it.OptionSet == "" {
			l.errorf(it.Line, "%s: a choice item needs options", what)
		}
		codes := map[int]int{}
		for _, o := range it.Options {
			if line, dup := codes[o.Code]; dup {
				l.errorf(o.Line, "%s: duplicate option code %d (first at line %d)", what, o.Code, line)
			}
			codes[o.Code] = o.Line
			if o.Code > maxMagnitude || o.Code < -maxMagnitude {
				l.errorf(o.Line, "%s: option code %d must be from %d to %d", what, o.Code, -maxMagnitude, maxMagnitude)
			}
			l.text(o.Line, fmt.Sprintf("%s: option %d label", what, o.Code), o.Label, true)
			if (it.Min != nil && o.Code < *it.Min || it.Max != nil && o.Code > *it.Max) && !excluded[o.Code] {
				l.errorf(o.Line, "%s: option %d is outside min..max (%s)", what, o.Code, rangeText(it.Min, it.Max))
			}
			if data := AnswerCallbackData(math.MaxInt64, o.Code); len(data) > maxCallbackData {
				l.errorf(o.Line, "%s: option %d: callback data %q is longer than Telegram's %d bytes", what, o.Code, data, maxCallbackData)
			}
		}
		if _, _, ok := it.scoreRange(excluded); !ok && len(it.Options) > 0 {
			l.errorf(it.Line, "%s: every option is an excluded code", what)
		}
	case TypeInteger:
		if it.Min == nil || it.Max == nil {
			l.errorf(it.Line, "%s: an integer item needs min and max", what)
		}
		if len(it.Options) > 0 || it.OptionSet != "" {
			l.errorf(it.lineOf("options"), "%s: an integer item has no options", what)
		}
	case TypeText:
		if len(it.Options) > 0 || it.OptionSet != "" || it.Min != nil || it.Max != nil || it.Reverse || len(it.Missing) > 0 {
			l.errorf(it.Line, "%s: a text item takes no options, min, max, reverse or missing", what)
		}
	default:
		l.errorf(it.lineOf("type"), "%s: type must be choice, integer or text, not %q", what, it.Type)
	}
	l.missing(it, what, excluded)
}

func rangeText(lo, hi *int) string {
	s := func(p *int) string {
		if p == nil {
			return "none"
		}
		return fmt.Sprint(*p)
	}
	return s(lo) + ".." + s(hi)
}

// showIf checks that item i's condition names an earlier item and codes that
// item can have.
func (l *linter) showIf(q *Questionnaire, i int, what string) {
	c := q.Items[i].ShowIf
	if c == nil {
		return
	}
	line := q.Items[i].lineOf("show_if")
	j := q.index(c.Item)
	switch {
	case c.Item == "":
		l.errorf(line, "%s: show_if needs an item", what)
		return
	case j < 0:
		l.errorf(line, "%s: show_if names unknown item %q", what, c.Item)
		return
	case j >= i:
		l.errorf(line, "%s: show_if names item %q, which is not asked before it", what, c.Item)
		return
	}
	if len(c.In) == 0 {
		l.errorf(line, "%s: show_if needs the codes that show it (in: [...])", what)
	}
	dep := &q.Items[j]
	for _, code := range c.In {
		switch dep.Type {
		case TypeChoice:
			if !dep.hasOption(code) {
				l.errorf(line, "%s: show_if code %d is not an option of item %s", what, code, dep.ID)
			}
		case TypeInteger:
			if dep.Min != nil && code < *dep.Min || dep.Max != nil && code > *dep.Max {
				l.errorf(line, "%s: show_if value %d is outside the range of item %s", what, code, dep.ID)
			}
		default:
			l.errorf(line, "%s: show_if can only depend on a choice or integer item", what)
			return
		}
	}
}

func (l *linter) scoring(q *Questionnaire, excluded map[int]bool) {
	seen := map[string]int{}
	for _, s := range q.Scoring.Scores {
		what := "score " + s.ID
		l.id(s.Line, "score id", s.ID)
		if line, dup := seen[s.ID]; dup {
			l.errorf(s.Line, "duplicate score id %q (first at line %d)", s.ID, line)
		}
		seen[s.ID] = s.Line
		l.text(s.Line, what+": label", s.Label, true)
		if s.Method != "sum" && s.Method != "mean" {
			l.errorf(s.Line, `%s: method must be "sum" or "mean", not %q`, what, s.Method)
		}
		counted := map[string]bool{}
		for _, id := range s.Items {
			j := q.index(id)
			switch {
			case j < 0:
				l.errorf(s.Line, "%s: unknown item %q", what, id)
			case q.Items[j].Type == TypeText:
				l.errorf(s.Line, "%s: text item %s cannot be scored", what, id)
			case counted[id]:
				l.errorf(s.Line, "%s: item %s is listed twice", what, id)
			}
			counted[id] = true
		}
		items := q.scoredItems(s)
		if len(items) == 0 {
			l.errorf(s.Line, "%s: no items to score", what)
			continue
		}
		if s.MaxMissing < 0 || s.MaxMissing >= len(items) {
			l.errorf(s.Line, "%s: max_missing must be from 0 to %d (one less than its %d items)", what, len(items)-1, len(items))
		}
		if s.Better != "" && s.Better != BetterHigher && s.Better != BetterLower {
			l.errorf(s.Line, "%s: better must be %s or %s, not %q", what, BetterHigher, BetterLower, s.Better)
		}
		lo, hi, same := q.rangeOf(items, s.Method, excluded)
		if s.Method == "sum" && s.Prorate && s.MaxMissing > 0 && !same {
			l.errorf(s.Line, "%s: a prorated sum needs items with the same range", what)
		}
		l.bands(s, what, lo, hi)
	}
}

func (l *linter) bands(s Score, what string, lo, hi float64) {
	seen := map[string]int{}
	for k, b := range s.Bands {
		l.id(b.Line, what+": band id", b.ID)
		if line, dup := seen[b.ID]; dup {
			l.errorf(b.Line, "%s: duplicate band id %q (first at line %d)", what, b.ID, line)
		}
		seen[b.ID] = b.Line
		l.text(b.Line, what+": band "+b.ID+": label", b.Label, true)
		if k > 0 && b.Min <= s.Bands[k-1].Min {
			l.errorf(b.Line, "%s: band %s (min %g) is out of order: list bands from the lowest min up", what, b.ID, b.Min)
		}
		if b.Min > hi {
			l.errorf(b.Line, "%s: band %s starts at %g, above the highest possible score %g", what, b.ID, b.Min, hi)
		}
	}
	if len(s.Bands) > 0 && s.Bands[0].Min > lo {
		l.errorf(s.Bands[0].Line, "%s: the lowest band starts at %g, above the lowest possible score %g", what, s.Bands[0].Min, lo)
	}
}

func lintProtocol(p *Protocol, qs map[string]*Questionnaire) []Problem {
	file := p.Source
	if file == "" {
		file = ProtocolFile
	}
	l := &linter{file: file}
	if p.Source == "" {
		return []Problem{{File: file, Msg: "the study has no protocol"}}
	}
	if len(p.Timepoints) == 0 {
		l.errorf(1, "the protocol has no timepoints")
	}
	tps := map[string]int{}
	for _, tp := range p.Timepoints {
		l.id(tp.Line, "timepoint id", tp.ID)
		if line, dup := tps[tp.ID]; dup {
			l.errorf(tp.Line, "duplicate timepoint id %q (first at line %d)", tp.ID, line)
		}
		tps[tp.ID] = tp.Line
		l.text(tp.Line, "timepoint "+tp.ID+": label", tp.Label, true)
		if tp.Months < 0 || tp.OpensBeforeDays < 0 || tp.ClosesAfterDays < 0 {
			l.errorf(tp.Line, "timepoint %s: months and days cannot be negative", tp.ID)
		}
	}
	asked := map[string]int{} // role/subject/timepoint/questionnaire -> line
	for _, b := range p.Batteries {
		what := fmt.Sprintf("battery %s/%s", b.Role, b.Subject)
		if !validRole(b.Role) {
			l.errorf(b.Line, "%s: role must be %s", what, roleList)
		}
		if !validSubject(b.Subject) {
			l.errorf(b.Line, "%s: subject must be %s", what, subjectList)
		}
		if len(b.Timepoints) == 0 || len(b.Questionnaires) == 0 {
			l.errorf(b.Line, "%s: needs timepoints and questionnaires", what)
		}
		for _, tp := range b.Timepoints {
			if _, ok := tps[tp]; !ok {
				l.errorf(b.Line, "%s: unknown timepoint %q", what, tp)
			}
		}
		for _, id := range b.Questionnaires {
			q, ok := qs[id]
			if !ok {
				l.errorf(b.Line, "%s: unknown questionnaire %q", what, id)
				continue
			}
			valid := validRole(q.Respondent) && validSubject(q.Subject) // else reported in its own file
			if valid && !mayAnswer(b.Role, q) || valid && q.Subject != b.Subject {
				l.errorf(b.Line, "%s: questionnaire %s is answered by %s about %s", what, id, q.Respondent, q.Subject)
			}
			for _, tp := range b.Timepoints {
				key := string(b.Role) + "/" + string(b.Subject) + "/" + tp + "/" + id
				if line, dup := asked[key]; dup {
					l.errorf(b.Line, "%s: questionnaire %s is already asked at %s (line %d)", what, id, tp, line)
				}
				asked[key] = b.Line
			}
		}
	}
	return l.problems
}

// missing checks an item's missing answers: each one an answer the item
// takes, and at least one answer left that is a rating.
func (l *linter) missing(it *Item, what string, excluded map[int]bool) {
	if len(it.Missing) == 0 || it.Type == TypeText {
		return
	}
	line := it.lineOf("missing")
	seen := map[int]bool{}
	for _, code := range it.Missing {
		switch {
		case seen[code]:
			l.errorf(line, "%s: missing code %d is listed twice", what, code)
		case it.Type == TypeChoice && !it.hasOption(code):
			l.errorf(line, "%s: missing code %d is not an option", what, code)
		case it.Type == TypeInteger && (it.Min != nil && code < *it.Min || it.Max != nil && code > *it.Max):
			l.errorf(line, "%s: missing code %d is outside min..max (%s): a missing answer must be one the item takes", what, code, rangeText(it.Min, it.Max))
		}
		seen[code] = true
	}
	if _, _, ok := it.scoreRange(excluded); !ok && it.Type == TypeInteger {
		l.errorf(line, "%s: every answer is a missing code", what)
	}
}
