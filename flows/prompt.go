package flows

import (
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// questionHead is what a question message says before any hint: progress
// within the questionnaire (and whom a rating is about), the recall period,
// the question. The answered question is edited to this plus the answer.
func (s *step) questionHead(p pos) string {
	t := &s.tasks[p.task]
	q := t.Questionnaire
	lang := s.lang()
	var b strings.Builder
	if s.ratingOther(q) && t.Key.SubjectCode != "" {
		b.WriteString(t.Key.SubjectCode)
		b.WriteString(" · ")
	}
	n, of := progressOf(t, p.item)
	b.WriteString(strconv.Itoa(n))
	b.WriteString("/")
	b.WriteString(strconv.Itoa(of))
	b.WriteString(" · ")
	b.WriteString(q.Title.In(lang))
	if r := q.Recall.In(lang); r != "" {
		b.WriteString("\n")
		b.WriteString(r)
	}
	b.WriteString("\n\n")
	b.WriteString(q.Items[p.item].Text.In(lang))
	return b.String()
}

// questionText is the whole question message: head, how to answer, and
// the current answer when the question is asked again after /back.
func (s *step) questionText(p pos) string {
	t := &s.tasks[p.task]
	it := &t.Questionnaire.Items[p.item]
	var b strings.Builder
	b.WriteString(s.questionHead(p))
	b.WriteString("\n\n")
	switch it.Type {
	case questionnaires.TypeChoice:
		b.WriteString(s.t(msgHintChoice))
	case questionnaires.TypeInteger:
		if lo, hi, ok := it.AnswerRange(); ok {
			b.WriteString(s.t(msgHintInteger, lo, hi))
		} else {
			b.WriteString(s.t(msgHintNumber))
		}
	default:
		b.WriteString(s.t(msgHintText))
	}
	if it.Optional {
		b.WriteString(" ")
		b.WriteString(s.t(msgHintSkip))
	}
	if v, answered := t.Answers[it.ID]; answered {
		b.WriteString("\n")
		b.WriteString(s.t(msgCurrentAnswer, s.display(it, v)))
	}
	return b.String()
}

// questionButtons are the option buttons (text beginning with the code) and,
// for optional items, Skip; all carry seq.
func (s *step) questionButtons(p pos, seq int64) [][]Button {
	it := &s.tasks[p.task].Questionnaire.Items[p.item]
	var rows [][]Button
	if it.Type == questionnaires.TypeChoice {
		for _, o := range it.Options {
			rows = append(rows, []Button{{
				Text: optionText(o, s.lang()),
				Data: questionnaires.AnswerCallbackData(seq, o.Code),
			}})
		}
	}
	if it.Optional {
		rows = append(rows, []Button{{Text: s.t(msgSkipButton), Data: questionnaires.SkipCallbackData(seq)}})
	}
	return rows
}

// optionText is "2 - Sometimes", or "2" for an option without a label.
func optionText(o questionnaires.Option, lang string) string {
	code := strconv.Itoa(o.Code)
	if l := o.Label.In(lang); l != "" {
		return code + " - " + l
	}
	return code
}

// display is how an answer is shown back: the option with its label, the
// number or text typed, or that it was skipped.
func (s *step) display(it *questionnaires.Item, v *string) string {
	if v == nil {
		return s.t(msgSkipped)
	}
	if it.Type == questionnaires.TypeChoice {
		if code, err := strconv.Atoi(*v); err == nil {
			if o, ok := it.Option(code); ok {
				return optionText(o, s.lang())
			}
		}
	}
	return *v
}

// intro is the one-line introduction of a questionnaire: its place in the
// battery, its title and length, and its own introduction if it has one.
func (s *step) intro(ti int) string {
	t := &s.tasks[ti]
	q := t.Questionnaire
	lang := s.lang()
	n, of := 0, 0
	for i := range s.tasks {
		k := s.tasks[i].Key
		if k.SubjectID == t.Key.SubjectID && k.Timepoint == t.Key.Timepoint {
			of++
			if i <= ti {
				n = of
			}
		}
	}
	_, asked := progressOf(t, 0)
	var text string
	if s.ratingOther(q) {
		text = s.t(msgIntroRating, t.Key.SubjectCode, n, of, q.Title.In(lang), asked)
	} else {
		text = s.t(msgIntro, n, of, q.Title.In(lang), asked)
	}
	if in := q.Intro.In(lang); in != "" {
		text += "\n" + in
	}
	return text
}

// timepointLabel is the timepoint's name in the chat's language.
func (s *step) timepointLabel(id string) string {
	if s.env.Catalog != nil {
		if tp, ok := s.env.Catalog.Protocol.Timepoint(id); ok {
			if l := tp.Label.In(s.lang()); l != "" {
				return l
			}
		}
	}
	return id
}
