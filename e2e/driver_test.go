package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/internal/telegramfake"
)

// chat is a simulated participant's chat with the bot, read as a person
// would: by message text, progress and button texts, never by the bot's
// callback data.
type chat struct {
	w *world
	u *telegramfake.User
}

type message = telegramfake.Message

// waitFor waits for the latest message matching match; what names it in
// the failure.
func (c *chat) waitFor(what string, match func(message) bool) message {
	c.w.t.Helper()
	m, err := c.u.WaitFor(c.w.ctx, match)
	if err != nil {
		c.w.t.Fatalf("%s: no message %s: %v\nchat so far:\n%s", c.u.FirstName, what, err, c.transcript())
	}
	return m
}

// after waits for a message newer than id matching match.
func (c *chat) after(id int, what string, match func(message) bool) message {
	c.w.t.Helper()
	return c.waitFor(what, func(m message) bool { return m.ID > id && match(m) })
}

// withButton waits for a message, newer than id, with a button beginning
// with prefix.
func (c *chat) withButton(id int, prefix string) message {
	c.w.t.Helper()
	return c.after(id, fmt.Sprintf("with a button beginning %q", prefix), func(m message) bool {
		_, ok := m.Button(prefix)
		return ok
	})
}

// press taps the button beginning with prefix on m and returns the tap's
// update id.
func (c *chat) press(m message, prefix string) int64 {
	c.w.t.Helper()
	id, err := c.u.Press(m.ID, prefix)
	if err != nil {
		c.w.t.Fatal(err)
	}
	return id
}

// lastID is the id of the bot's newest message, 0 when there is none.
func (c *chat) lastID() int { return c.u.Last().ID }

// transcript is the chat as text, for failure messages.
func (c *chat) transcript() string {
	var b strings.Builder
	for _, m := range c.u.Messages() {
		fmt.Fprintf(&b, "  #%d (edits %d) %q %q\n", m.ID, m.Edits, m.Text, m.ButtonTexts())
	}
	return b.String()
}

// progressRE finds a question's progress within its questionnaire, "3/15".
var progressRE = regexp.MustCompile(`(?:^|[^\d/])(\d{1,3})/(\d{1,3})(?:[^\d/]|$)`)

// progress reads "N/M" from a question; ok is false for other messages.
func progress(m message) (n, of int, ok bool) {
	p := progressRE.FindStringSubmatch(m.Text)
	if p == nil {
		return 0, 0, false
	}
	n, _ = strconv.Atoi(p[1])
	of, _ = strconv.Atoi(p[2])
	return n, of, n >= 1 && n <= of
}

// isQuestion is a question not yet answered: progress and no edit.
func isQuestion(m message) bool {
	_, _, ok := progress(m)
	return ok && m.Edits == 0 && !m.Deleted
}

// closingRE recognises the message that says a timepoint is complete.
var closingRE = regexp.MustCompile(`(?i)\bcomplete\b|fullført`)

func isClosing(m message) bool {
	_, _, q := progress(m)
	return !q && closingRE.MatchString(m.Text)
}

// question waits for the first question asked after message id.
func (c *chat) question(id int) message {
	c.w.t.Helper()
	return c.after(id, "asking a question", isQuestion)
}

// codeRE reads the numeric code an option button begins with.
var codeRE = regexp.MustCompile(`^(\d+)(?:\D|$)`)

// optionButtons are a question's buttons that begin with a numeric code,
// in order; every other button must be the Skip button.
func (c *chat) optionButtons(q message) []telegramfake.Button {
	c.w.t.Helper()
	var opts []telegramfake.Button
	for _, row := range q.Buttons {
		for _, b := range row {
			if codeRE.MatchString(b.Text) {
				opts = append(opts, b)
			} else if !strings.HasPrefix(b.Text, "Skip") && !strings.HasPrefix(b.Text, "Hopp over") {
				c.w.t.Errorf("question %q: button %q does not begin with the option's numeric code", q.Text, b.Text)
			}
		}
	}
	return opts
}

func buttonCode(b telegramfake.Button) string { return codeRE.FindStringSubmatch(b.Text)[1] }

// rangeRE reads the range a numeric question states ("from 1 to 100").
var rangeRE = regexp.MustCompile(`(?:from|fra) (-?\d+) (?:to|til) (-?\d+)`)

// answered is one answer given in a journey.
type answered struct {
	question string // the question's text when asked
	n, of    int    // its progress
	value    string // the raw value given: the option code or the number typed
	skip     bool   // the question offered a Skip button
}

// answerQuestion answers q with option choice (modulo the options), by
// tapping its button or typing its code, checks that q is then edited to
// show the answer without a keyboard, and returns what was answered.
func (c *chat) answerQuestion(q message, choice int, typed bool) answered {
	c.w.t.Helper()
	n, of, _ := progress(q)
	a := answered{question: q.Text, n: n, of: of}
	opts := c.optionButtons(q)
	_, skipEN := q.Button("Skip")
	_, skipNB := q.Button("Hopp over")
	a.skip = skipEN || skipNB
	shown := ""
	switch {
	case len(opts) > 0:
		b := opts[choice%len(opts)]
		a.value, shown = buttonCode(b), b.Text
		if typed {
			c.u.Send(a.value)
		} else if _, err := c.u.Tap(q.ID, b.CallbackData); err != nil {
			c.w.t.Fatal(err)
		}
	case rangeRE.MatchString(q.Text): // a number, in the range stated
		r := rangeRE.FindStringSubmatch(q.Text)
		a.value, shown = r[1], r[1]
		c.u.Send(a.value)
	default: // free text, with what HTML must escape
		a.value = "Better <than> before & more"
		shown = a.value
		c.u.Send(a.value)
	}
	// The question's message is edited; when the bot asked it more than
	// once (after invalid input), the latest copy is.
	edited := c.waitFor(fmt.Sprintf("editing question %d/%d to show its answer", n, of), func(m message) bool {
		mn, mof, ok := progress(m)
		return m.ID >= q.ID && m.Edits > 0 && ok && mn == n && mof == of
	})
	if edited.HasKeyboard() {
		c.w.t.Errorf("answered question %d/%d still has its keyboard %q", n, of, edited.ButtonTexts())
	}
	if !strings.Contains(edited.Text, shown) {
		c.w.t.Errorf("answered question %d/%d was edited to %q, which does not show the answer %q", n, of, edited.Text, shown)
	}
	return a
}

// answerAll answers every question from q on until the closing message:
// buttons by the choice-th option, every third answer typed. It returns
// the answers and the closing message.
func (c *chat) answerAll(q message, choice func(i int) int) ([]answered, message) {
	c.w.t.Helper()
	var all []answered
	for i := 0; ; i++ {
		if i > 200 {
			c.w.t.Fatalf("more than 200 questions: the battery does not end\n%s", c.transcript())
		}
		all = append(all, c.answerQuestion(q, choice(i), i%3 == 2))
		next := c.after(q.ID, "asking the next question or closing the timepoint", func(m message) bool {
			return isQuestion(m) || isClosing(m)
		})
		if isClosing(next) {
			return all, next
		}
		q = next
	}
}

// definition is `imrbot questionnaires show ID --json`, as the contract
// describes it. Codes and bounds are numbers: a string would not decode.
type definition struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Items   []struct {
		ID      string            `json:"id"`
		Type    string            `json:"type"`
		Text    map[string]string `json:"text"`
		Options []struct {
			Code  int               `json:"code"`
			Label map[string]string `json:"label"`
		} `json:"options"`
		Min      *int  `json:"min"`
		Max      *int  `json:"max"`
		Optional *bool `json:"optional"`
		Reverse  *bool `json:"reverse"`
	} `json:"items"`
}

// show reads one definition through the CLI.
func (w *world) show(id string) definition {
	w.t.Helper()
	out := w.must("questionnaires", "show", id, "--json")
	var d definition
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&d); err != nil {
		w.t.Fatalf("questionnaires show %s --json: %v\n%s", id, err, out)
	}
	if dec.More() {
		w.t.Errorf("questionnaires show %s --json printed more than one JSON value", id)
	}
	return d
}

// itemOf finds the item a question asks: the one at its position in a
// questionnaire of its length whose text in lang the question shows.
func itemOf(defs []definition, a answered, lang string) (qid, item string, optional, ok bool) {
	for _, d := range defs {
		if len(d.Items) != a.of {
			continue
		}
		it := d.Items[a.n-1]
		if t := it.Text[lang]; t != "" && strings.Contains(a.question, t) {
			return d.ID, it.ID, it.Optional != nil && *it.Optional, true
		}
	}
	return "", "", false, false
}

// consumerDefinitions are the definitions of every questionnaire that
// `questionnaires list` says consumers answer.
func (w *world) consumerDefinitions() []definition {
	w.t.Helper()
	var defs []definition
	for _, line := range strings.Split(strings.TrimSpace(w.must("questionnaires", "list")), "\n") {
		f := strings.Split(line, "\t")
		if len(f) >= 3 && slices.Contains(f, "consumer") {
			defs = append(defs, w.show(f[0]))
		}
	}
	return defs
}
