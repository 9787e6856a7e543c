package rehearse

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
)

// question is a question message of the bot, read back into the
// definitions: which questionnaire and item it asks, about whom, and where
// in the questionnaire it stands.
type question struct {
	msg     telegramfake.Message
	q       *questionnaires.Questionnaire
	item    *questionnaires.Item
	subject string // whom a rating of someone else is about (a code as /rate takes it), "" otherwise
	n, of   int
	decides bool // a later item's show_if depends on this one
}

// questionHead is a question's first line: whom a rating is about (a
// participant's code, or a site's for an assessor), the progress within
// the questionnaire and its title.
var questionHead = regexp.MustCompile(`^(?:([A-Z]+(?:-[A-Z]-\d+)?) · )?(\d+)/(\d+) · (.+)$`)

// lookup finds questionnaires by title in each language.
type lookup struct {
	byTitle map[string]*questionnaires.Questionnaire // lang + "\x00" + title
}

func newLookup(cat *questionnaires.Catalog) *lookup {
	l := &lookup{byTitle: map[string]*questionnaires.Questionnaire{}}
	for _, q := range cat.Questionnaires {
		for lang := range q.Title {
			l.byTitle[lang+"\x00"+q.Title.In(lang)] = q
		}
		for _, lang := range []string{"en", "nb"} {
			l.byTitle[lang+"\x00"+q.Title.In(lang)] = q
		}
	}
	return l
}

// question reads m as a question still to answer: it is one when its head
// names a questionnaire of the study and its text holds one of that
// questionnaire's items, and it has not been answered (an answered
// question is edited to show a tick and the answer).
func (l *lookup) question(m telegramfake.Message, lang string) (question, bool) {
	first, rest, _ := strings.Cut(m.Text, "\n")
	g := questionHead.FindStringSubmatch(first)
	if g == nil || strings.Contains(rest, "\n✓ ") {
		return question{}, false
	}
	q := l.byTitle[lang+"\x00"+g[4]]
	if q == nil {
		return question{}, false
	}
	n, _ := strconv.Atoi(g[2])
	of, _ := strconv.Atoi(g[3])
	for i := range q.Items {
		it := &q.Items[i]
		if !strings.Contains(m.Text, "\n"+it.Text.In(lang)+"\n") {
			continue
		}
		out := question{msg: m, q: q, item: it, subject: g[1], n: n, of: of}
		for _, other := range q.Items {
			if other.ShowIf != nil && other.ShowIf.Item == it.ID {
				out.decides = true
			}
		}
		return out, true
	}
	return question{}, false
}
