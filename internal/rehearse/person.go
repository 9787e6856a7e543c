package rehearse

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
)

// person is a simulated participant with their chat.
type person struct {
	Person
	sim        *sim
	u          *telegramfake.User
	inviteCode string
	lang       string
	rng        *rand.Rand
	latent     float64 // where on each scale this person's answers (or the ratings of them) lie
	// ratees are whom the person rates: a clinician's consumers; an
	// assessor's sites (each by its coordinator) and clinicians.
	ratees []*person
	linked time.Time // when a coordinator linked: their site's schedule

	withdraws, erases, withdrawn bool

	noticed map[string]int  // notices received per task
	done    map[string]bool // tasks walked to their end
}

// waitLimit bounds a wait for the bot: the bot answers within
// milliseconds, so a wait this long means the simulation and the bot
// disagree about what comes next, and the run stops with the transcript.
const waitLimit = time.Minute

// settleData is the callback data of the tap that settle sends: no button
// of the bot carries it, so the bot answers it with a notice and changes
// nothing.
const settleData = "rehearse:settle"

// settle returns once the bot has sent every reply to what this person did
// so far. The bot renders a chat's replies one update after another and
// answers a button tap when it starts rendering it, so the answer to a
// tap sent now comes after everything before it is in the chat.
func (p *person) settle() error {
	ctx, cancel := context.WithTimeout(p.sim.ctx, waitLimit)
	defer cancel()
	msgs, err := p.u.WaitCount(ctx, 1)
	if err != nil {
		return p.stuck("the bot's first message", err)
	}
	id, err := p.u.Tap(msgs[len(msgs)-1].ID, settleData)
	if err != nil {
		return err
	}
	if _, err := p.u.WaitAnswer(ctx, id); err != nil {
		return p.stuck("the bot to finish its replies", err)
	}
	return nil
}

// stuck is the error of a wait that ran out, with the chat's end.
func (p *person) stuck(what string, err error) error {
	msgs := p.u.Messages()
	if len(msgs) > 4 {
		msgs = msgs[len(msgs)-4:]
	}
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, " > %q %q", m.Text, m.ButtonTexts())
	}
	return fmt.Errorf("waiting for %s: %w; the chat ends:%s", what, err, b.String())
}

// last is the newest message of the chat with a button carrying data that
// match accepts.
func (p *person) last(match func(data string) bool) (telegramfake.Message, string, bool) {
	msgs := p.u.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.CallbackData != "" && match(b.CallbackData) {
					return msgs[i], b.CallbackData, true
				}
			}
		}
	}
	return telegramfake.Message{}, "", false
}

// tapLast taps the newest button whose data match accepts, and settles.
func (p *person) tapLast(what string, match func(string) bool) error {
	m, data, ok := p.last(match)
	if !ok {
		return p.stuck(what, errors.New("no such button"))
	}
	if _, err := p.u.Tap(m.ID, data); err != nil {
		return err
	}
	return p.settle()
}

func is(want string) func(string) bool { return func(d string) bool { return d == want } }

// link is a coordinator opening their invitation link.
func (p *person) link() error {
	p.u.Start(p.inviteCode)
	p.linked = p.sim.clock.Now()
	return p.settle()
}

// ratedAs is what a rating of p is about: a coordinator stands for their
// site (the simulation has one coordinator a site, the site's first).
func (p *person) ratedAs() questionnaires.Subject {
	switch questionnaires.Role(p.Role) {
	case questionnaires.RoleCoordinator:
		return questionnaires.SubjectSite
	case questionnaires.RoleClinician:
		return questionnaires.SubjectClinician
	}
	return questionnaires.SubjectConsumer
}

// rateeCode is how a rater names p to /rate and its buttons: a site by its
// code, anyone else by theirs.
func (p *person) rateeCode() string {
	if p.ratedAs() == questionnaires.SubjectSite {
		return p.Site
	}
	return p.Code
}

// since is the day p's schedule counts from: a coordinator's linking (their
// site's), anyone else's consent.
func (p *person) since() time.Time {
	if p.Role == string(questionnaires.RoleCoordinator) {
		return p.linked
	}
	return p.Consented
}

// ratee is the one of p's ratees that code names, nil for none.
func (p *person) ratee(code string) *person {
	for _, r := range p.ratees {
		if r.rateeCode() == code {
			return r
		}
	}
	return nil
}

// enrol is a clinician or consumer opening their invitation link and
// consenting; the baseline's first question follows, which they answer at
// once or leave for a reminder.
func (p *person) enrol() error {
	p.u.Start(p.inviteCode)
	if err := p.settle(); err != nil {
		return err
	}
	if err := p.tapLast("the consent", is(questionnaires.CallbackConsentYes)); err != nil {
		return err
	}
	p.Consented = p.sim.clock.Now()
	return p.act(selfTask(p.sim.baseline().ID), 0, func() error { return nil })
}

// act does task when enough notices have passed: start (a tap, a command,
// or nothing when the question is already on screen), then answer every
// question the bot asks.
func (p *person) act(task string, notices int, start func() error) error {
	want, ok := p.Patience[task]
	if !ok || want == Never || notices < want || p.done[task] || p.withdrawn {
		return nil
	}
	if err := start(); err != nil {
		return err
	}
	n, err := p.walk()
	if err != nil {
		return err
	}
	if n > 0 {
		if p.done == nil {
			p.done = map[string]bool{}
		}
		p.done[task] = true
		p.sim.settled()
	}
	return nil
}

// rateDue rates each ratee whose rating at timepoint tp is due for this
// person after the notices counted. A clinician sends /rate CODE; an
// assessor, to go every way the bot offers, taps the reminder's button or
// sends /rate SITE for a site, and sends /rate CODE or picks from /rate's
// list for a clinician.
func (p *person) rateDue(tp string, notices int) error {
	for i, r := range p.ratees {
		if r.withdrawn {
			continue
		}
		task := rateTask(r.rateeCode(), tp)
		n := max(notices, p.noticed[task])
		if err := p.act(task, n, func() error { return p.startRating(i, r) }); err != nil {
			return err
		}
	}
	return nil
}

// startRating starts rating r, the i-th of p's ratees (see rateDue).
func (p *person) startRating(i int, r *person) error {
	code := r.rateeCode()
	data, _ := questionnaires.RateCallbackData(code)
	if p.Role == string(questionnaires.RoleAssessor) && i%2 == 1 {
		if r.ratedAs() != questionnaires.SubjectSite {
			p.u.Send("/rate")
			if err := p.settle(); err != nil {
				return err
			}
			return p.tapLast("the list's button", is(data))
		}
		if _, _, ok := p.last(is(data)); ok {
			return p.tapLast("the reminder's button", is(data))
		}
	}
	p.u.Send("/rate " + code)
	return p.settle()
}

// walk answers questions as long as the bot's newest message is one, and
// returns how many it answered.
func (p *person) walk() (int, error) {
	n := 0
	for {
		msgs := p.u.Messages()
		if len(msgs) == 0 {
			return n, nil
		}
		q, ok := p.sim.lookup.question(msgs[len(msgs)-1], p.lang)
		if !ok {
			return n, nil
		}
		if err := p.answer(q); err != nil {
			return n, err
		}
		n++
	}
}

// answer answers question q, records the answer and waits for what the
// bot says next.
func (p *person) answer(q question) error {
	s := p.sim
	subject, role, kind := p.Code, questionnaires.Role(p.Role), questionnaires.SubjectSelf
	baseline, latent := p.Consented, p.latent
	switch {
	case q.subject != "":
		// A rating of someone else, or an assessor's of a site.
		r := p.ratee(q.subject)
		if r == nil {
			return fmt.Errorf("a rating of %q, whom %s does not rate", q.subject, p.Code)
		}
		subject, kind, baseline, latent = r.Code, r.ratedAs(), r.since(), r.latent
	case q.q.Subject == questionnaires.SubjectSite:
		// A coordinator's own rating of their site, stored about them.
		kind, baseline = questionnaires.SubjectSite, time.Time{}
	}
	tp, ok := s.openTimepoint(baseline, role, kind)
	if !ok {
		return fmt.Errorf("asked %s item %s when no timepoint is open", q.q.ID, q.item.ID)
	}
	if t, ok := s.o.Catalog.Protocol.Timepoint(tp); ok {
		latent += 0.15 * float64(t.Months) / 12 // people improve a little over the year
	}
	if lowerIsBetter(q.q) {
		latent = 1 - latent // doing well is a low HoNOS, and improving lowers it
	}
	value, data := p.choose(q, latent)
	s.record(Answer{Respondent: p.Code, Subject: subject, Questionnaire: q.q.ID, Timepoint: tp,
		Item: q.item.ID, Value: value, At: s.clock.Now()})
	if data != "" {
		if _, err := p.u.Tap(q.msg.ID, data); err != nil {
			return err
		}
	} else {
		p.u.Send(value)
	}
	if q.n < q.of && !q.decides {
		ctx, cancel := context.WithTimeout(s.ctx, waitLimit)
		defer cancel()
		after := q.msg.ID
		if _, err := p.u.WaitFor(ctx, func(m telegramfake.Message) bool {
			_, ok := s.lookup.question(m, p.lang)
			return m.ID > after && ok
		}); err != nil {
			return p.stuck("the next question", err)
		}
		return nil
	}
	return p.settle()
}

// lowerIsBetter: q's first score falls as people improve (HoNOS,
// symptoms), as its definition says.
func lowerIsBetter(q *questionnaires.Questionnaire) bool {
	return q.Scoring != nil && len(q.Scoring.Scores) > 0 && q.Scoring.Scores[0].LowerIsBetter()
}

// choose picks an answer near the person's place on the scale: the value
// as exported, and the callback data of its button ("" to type it).
func (p *person) choose(q question, latent float64) (value, data string) {
	at := min(max(latent+0.12*p.rng.NormFloat64(), 0), 1)
	switch q.item.Type {
	case questionnaires.TypeChoice:
		opts := q.item.Options
		// A code apart from the scale (HoNOS 9, not known) is left out.
		if n := len(opts); n > 2 && opts[n-1].Code > opts[n-2].Code+1 {
			opts = opts[:n-1]
		}
		o := opts[int(math.Round(at*float64(len(opts)-1)))]
		code := strconv.Itoa(o.Code)
		for _, row := range q.msg.Buttons {
			for _, b := range row {
				if b.Text == code || strings.HasPrefix(b.Text, code+" ") {
					return code, b.CallbackData
				}
			}
		}
		return code, ""
	case questionnaires.TypeInteger:
		lo, hi := 0, 100
		if q.item.Min != nil {
			lo = *q.item.Min
		}
		if q.item.Max != nil {
			hi = *q.item.Max
		}
		return strconv.Itoa(lo + int(math.Round(at*float64(hi-lo)))), ""
	default:
		return "fine", ""
	}
}

// withdraw is a consumer leaving the study in the chat, keeping or
// erasing their answers.
func (p *person) withdraw() error {
	p.u.Send("/withdraw")
	if err := p.settle(); err != nil {
		return err
	}
	if err := p.tapLast("the withdrawal's confirmation", is(questionnaires.CallbackWithdrawYes)); err != nil {
		return err
	}
	choice := questionnaires.CallbackKeepAnswers
	if p.erases {
		choice = questionnaires.CallbackEraseAnswers
	}
	if err := p.tapLast("the choice to keep or erase", is(choice)); err != nil {
		return err
	}
	p.withdrawn = true
	return nil
}
