package reminders

import (
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// Step names one reminder of a timepoint. Together with the recipient, the
// subject and the timepoint it is the unique key that makes a reminder go
// out once.
type Step string

// The scheduled steps, in order, and the notices to coordinators.
const (
	StepOpen  Step = "open"   // the window opens (not for baseline: it opens at consent)
	StepDue   Step = "due"    // the due date
	StepDue7  Step = "due+7"  // a week late
	StepDue14 Step = "due+14" // two weeks late
	// StepEscalate is planned for the subject at due+21; when it comes due
	// the dispatcher turns it into one notice per coordinator of the site.
	StepEscalate Step = "escalate"

	manualPrefix = "manual:"
)

// stepOffsets are the participant reminders' days after the due date.
var stepOffsets = []struct {
	step Step
	days int
}{{StepDue, 0}, {StepDue7, 7}, {StepDue14, 14}}

// escalateDays is when the site's coordinators are told who is missing.
const escalateDays = 21

// ManualStep is the step of a reminder a coordinator sent by hand at at:
// its own key, so it never takes the place of a scheduled step.
func ManualStep(at time.Time) Step {
	return Step(manualPrefix + at.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// IsManual reports whether s was sent by hand.
func (s Step) IsManual() bool { return strings.HasPrefix(string(s), manualPrefix) }

// Why a planned step is recorded without being sent.
const (
	// SkipOffered: the participant consented while the timepoint was open
	// and was offered it at once; that offer is the reminder for the steps
	// already past.
	SkipOffered = "offered"
	// SkipCollapsed: several steps were already past when the schedule was
	// made (late enrolment, corrected baseline); one reminder stands for all.
	SkipCollapsed = "collapsed"
)

// Planned is one step of a schedule: pending until SendAt, or recorded as
// skipped (Skipped says why) so that replanning never brings it back.
type Planned struct {
	Step    Step
	SendAt  time.Time
	Skipped string
}

// Schedule turns a timepoint's window (questionnaires.Window, the study's
// one calendar) into reminder steps. It is pure: the time and the
// place come in as arguments.
type Schedule struct {
	Hours SendHours
	Loc   *time.Location // the participant's time zone
}

// Participant plans the reminders of one respondent for one timepoint,
// made at now. Steps after the window closes are never planned. Steps whose
// date is today or earlier are past: when offered is true (the participant
// has just consented and was offered the timepoint at once) they are all
// skipped; otherwise the latest of them is sent at the next moment the send
// hours allow and the others are skipped, so lateness never causes a burst.
// Future steps go out at the start of the send hours on their date.
func (s Schedule) Participant(w questionnaires.Window, now time.Time, offered bool) []Planned {
	today := questionnaires.Today(now, s.Loc)
	if today.After(w.Closes) {
		return nil
	}
	type dated struct {
		step Step
		day  time.Time
	}
	var steps []dated
	if !w.AtConsent && w.Opens.Before(w.Due) {
		steps = append(steps, dated{StepOpen, w.Opens})
	}
	for _, o := range stepOffsets {
		if day := w.Due.AddDate(0, 0, o.days); !day.After(w.Closes) {
			steps = append(steps, dated{o.step, day})
		}
	}
	lastPast := -1
	for i, st := range steps {
		if !st.day.After(today) {
			lastPast = i
		}
	}
	out := make([]Planned, 0, len(steps))
	for i, st := range steps {
		p := Planned{Step: st.step, SendAt: s.Hours.FirstOn(st.day, s.Loc)}
		switch {
		case i > lastPast:
		case offered:
			p.Skipped = SkipOffered
		case i < lastPast:
			p.Skipped = SkipCollapsed
		default:
			p.SendAt = s.Hours.Next(now, s.Loc)
		}
		out = append(out, p)
	}
	return out
}

// Escalation plans the coordinators' notice that a subject is still missing
// at due+21, or nothing when that is after the window closes. Past at
// planning time, it is sent at the next moment allowed, unless the
// participant was just offered the timepoint at consent.
func (s Schedule) Escalation(w questionnaires.Window, now time.Time, offered bool) (Planned, bool) {
	day := w.Due.AddDate(0, 0, escalateDays)
	if day.After(w.Closes) || questionnaires.Today(now, s.Loc).After(w.Closes) {
		return Planned{}, false
	}
	p := Planned{Step: StepEscalate, SendAt: s.Hours.FirstOn(day, s.Loc)}
	if !day.After(questionnaires.Today(now, s.Loc)) {
		if offered {
			p.Skipped = SkipOffered
		} else {
			p.SendAt = s.Hours.Next(now, s.Loc)
		}
	}
	return p, true
}
