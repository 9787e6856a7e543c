package rehearse

import (
	"fmt"
	"time"

	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// withdrawAfter is when in the year the one consumer who withdraws does:
// between the baseline and the follow-up, after their baseline reminders.
const withdrawAfter = 182 * 24 * time.Hour

// timeline moves the clock from one pending reminder to the next, ticking
// the dispatcher at each and letting people react to what reached them,
// until nothing is pending; a last jump past every window's close lets the
// dispatcher expire what was never finished.
func (s *sim) timeline() error {
	if err := s.tick(); err != nil {
		return err
	}
	withdrawAt := s.res.Start.Add(withdrawAfter)
	var withdrawer *person
	for _, p := range s.people {
		if p.withdraws {
			withdrawer = p
		}
	}
	for jumps := 0; ; jumps++ {
		if jumps > maxJumps {
			return fmt.Errorf("the schedule was still sending after %d jumps", maxJumps)
		}
		next, ok, err := s.nextPending()
		if err != nil {
			return err
		}
		if withdrawer != nil && !withdrawer.withdrawn && (!ok || withdrawAt.Before(next)) {
			s.clock.Set(withdrawAt)
			if err := withdrawer.withdraw(); err != nil {
				return fmt.Errorf("%s: %w", withdrawer.Code, err)
			}
			s.res.Withdrawal = &Withdrawal{Code: withdrawer.Code, At: withdrawAt, Erase: withdrawer.erases}
			continue
		}
		if !ok {
			break
		}
		s.clock.Set(next)
		if err := s.tick(); err != nil {
			return err
		}
	}
	s.clock.Set(s.lastClose().Add(24 * time.Hour))
	return s.tick()
}

// tick runs the dispatcher at the clock's time, keeps what it sent to
// each chat, and lets everyone react to it.
func (s *sim) tick() error {
	before := make(map[*person]int, len(s.people))
	for _, p := range s.people {
		before[p] = newest(p.u.Messages())
	}
	stats, err := s.dispatcher.Tick(s.ctx, s.clock.Now())
	if err != nil {
		return err
	}
	s.res.Jumps++
	addStats(&s.res.Ticks, stats)
	got := map[*person][]telegramfake.Message{}
	for _, p := range s.people {
		for _, m := range p.u.Messages() {
			if m.ID <= before[p] {
				continue
			}
			got[p] = append(got[p], m)
			r := Received{Code: p.Code, At: s.clock.Now(), Text: m.Text}
			if len(m.Buttons) > 0 && len(m.Buttons[0]) > 0 {
				r.Action = m.Buttons[0][0].CallbackData
			}
			s.res.Received = append(s.res.Received, r)
		}
	}
	s.progress(false)
	return s.each(s.people, func(p *person) error { return p.react(got[p]) })
}

func newest(msgs []telegramfake.Message) int {
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].ID
}

func addStats(sum *reminders.TickStats, t reminders.TickStats) {
	sum.Planned += t.Planned
	sum.Sent += t.Sent
	sum.Cancelled += t.Cancelled
	sum.Escalated += t.Escalated
	sum.Retried += t.Retried
	sum.Failed += t.Failed
	sum.Lost += t.Lost
	sum.Deferred += t.Deferred
}

// react counts the notices that reached the person and does the tasks
// whose patience they exhausted.
func (p *person) react(msgs []telegramfake.Message) error {
	if p.withdrawn || len(msgs) == 0 {
		return nil
	}
	if p.noticed == nil {
		p.noticed = map[string]int{}
	}
	s, role := p.sim, questionnaires.Role(p.Role)
	var starts []string
	rates := map[string]bool{}
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.CallbackData == questionnaires.CallbackStart {
					task, ok := p.ownTask()
					if ok {
						p.noticed[task]++
						starts = append(starts, task)
					}
				} else if code, ok := questionnaires.ParseRateCallbackData(b.CallbackData); ok {
					if r := p.ratee(code); r != nil {
						if tp, ok := s.openTimepoint(r.since(), role, r.ratedAs()); ok {
							p.noticed[rateTask(code, tp)]++
							rates[tp] = true
						}
					}
				}
			}
		}
	}
	for _, task := range starts {
		if err := p.act(task, p.noticed[task], func() error {
			return p.tapLast("the reminder's button", is(questionnaires.CallbackStart))
		}); err != nil {
			return err
		}
	}
	for tp := range rates {
		if err := p.rateDue(tp, 0); err != nil {
			return err
		}
	}
	return nil
}

// ownTask is the task a reminder's start button stands for: the person's
// own questionnaires, or a coordinator's ratings of their site, at the
// timepoint open now.
func (p *person) ownTask() (string, bool) {
	role := questionnaires.Role(p.Role)
	if tp, ok := p.sim.openTimepoint(p.Consented, role, questionnaires.SubjectSelf); ok && !p.Consented.IsZero() {
		return selfTask(tp), true
	}
	if tp, ok := p.sim.openTimepoint(time.Time{}, role, questionnaires.SubjectSite); ok {
		return siteTask(tp), true
	}
	return "", false
}

// nextPending is the earliest time a pending reminder is due.
func (s *sim) nextPending() (time.Time, bool, error) {
	var next time.Time
	seen := map[int64]bool{}
	for _, p := range s.people {
		rows, err := s.reminders(p)
		if err != nil {
			return next, false, err
		}
		for _, r := range rows {
			if seen[r.ID] || r.Status != store.ReminderPending {
				continue
			}
			seen[r.ID] = true
			at := r.SendAt
			if !at.After(s.clock.Now()) {
				at = s.clock.Now().Add(time.Minute) // a retry or a deferral: soon
			}
			if next.IsZero() || at.Before(next) {
				next = at
			}
		}
	}
	return next, !next.IsZero(), nil
}

// reminders are the reminders' rows of p, as recipient or subject.
func (s *sim) reminders(p *person) ([]store.Reminder, error) {
	sp, err := s.o.Store.ParticipantByCode(s.ctx, p.Code)
	if err != nil {
		return nil, err
	}
	return s.o.Store.RemindersOf(s.ctx, sp.ID)
}

// lastClose is the day the last window of anyone in the cohort closes.
func (s *sim) lastClose() time.Time {
	last := s.clock.Now()
	for _, p := range s.people {
		for _, tp := range s.o.Catalog.Protocol.Timepoints {
			if p.Consented.IsZero() {
				continue
			}
			c := tp.Window(p.Consented).Closes
			at := time.Date(c.Year(), c.Month(), c.Day(), 12, 0, 0, 0, questionnaires.Location(""))
			if at.After(last) {
				last = at
			}
		}
	}
	return last
}
