package reminders

import (
	"slices"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// missing is what a subject still lacks at a timepoint: their own
// questionnaires (self-reports, or a coordinator's site ratings) and their
// clinician's ratings of them. Each respondent is reminded of their part
// only; coordinators hear of both.
type missing struct {
	self    []string
	ratings []string
}

func (m missing) none() bool { return len(m.self) == 0 && len(m.ratings) == 0 }

// subjectKind is what a participant's own battery is about.
func subjectKind(role string) questionnaires.Subject {
	if role == string(questionnaires.RoleCoordinator) {
		return questionnaires.SubjectSite
	}
	return questionnaires.SubjectSelf
}

// missingFor compares the protocol's batteries with the completed
// assessments about subject at timepoint tp.
func missingFor(p *questionnaires.Protocol, subject *store.ScheduleParticipant, tp string, states []store.AssessmentState) missing {
	done := func(respondent int64, q string) bool {
		return slices.ContainsFunc(states, func(a store.AssessmentState) bool {
			return a.SubjectID == subject.ID && a.RespondentID == respondent && a.Questionnaire == q &&
				a.Timepoint == tp && a.Status == "completed"
		})
	}
	var m missing
	for _, q := range p.BatteryFor(questionnaires.Role(subject.Role), subjectKind(subject.Role), tp) {
		if !done(subject.ID, q) {
			m.self = append(m.self, q)
		}
	}
	if subject.Role == string(questionnaires.RoleConsumer) && subject.ClinicianID.Valid {
		for _, q := range p.BatteryFor(questionnaires.RoleClinician, questionnaires.SubjectConsumer, tp) {
			if !done(subject.ClinicianID.Int64, q) {
				m.ratings = append(m.ratings, q)
			}
		}
	}
	return m
}

// hasBattery reports whether anyone answers anything about a participant
// of role at tp: their own battery, or (consumers) their clinician's ratings.
func hasBattery(p *questionnaires.Protocol, role string, tp string) (self, ratings bool) {
	self = len(p.BatteryFor(questionnaires.Role(role), subjectKind(role), tp)) > 0
	ratings = role == string(questionnaires.RoleConsumer) &&
		len(p.BatteryFor(questionnaires.RoleClinician, questionnaires.SubjectConsumer, tp)) > 0
	return self, ratings
}

// needsConsent: coordinators take part without the participants' consent.
func needsConsent(role string) bool { return role != string(questionnaires.RoleCoordinator) }

// sendCheck is everything known at send time about one claimed reminder.
type sendCheck struct {
	r         store.Reminder
	recipient *store.ScheduleParticipant
	subject   *store.ScheduleParticipant
	clinician *store.ScheduleParticipant // the subject's, when they have one
	states    []store.AssessmentState
	// lastAnswer is when the recipient last answered (zero: never);
	// notified, whether they were already told of this timepoint.
	lastAnswer time.Time
	notified   bool
	// assessors: an assessor takes part, so a coordinator subject is asked
	// only for site ratings they had started (read for coordinators only).
	assessors bool
}

// IdleAfter is how long after a person's last answer a scheduled reminder
// waits, so that it never lands in the middle of a questionnaire.
const IdleAfter = 30 * time.Minute

// verdict is what to do with a claimed reminder: cancel it (cancel says
// why), turn it into coordinator notices (escalate), put it off until
// deferTo (the recipient is answering), or send msg.
type verdict struct {
	cancel   string
	escalate bool
	deferTo  time.Time
	chatID   int64
	msg      flows.Message
}

// idle puts a scheduled reminder off while its recipient answered in the
// last IdleAfter; a coordinator's manual reminder goes at once.
func idle(in sendCheck, v verdict, now time.Time) verdict {
	if Step(in.r.Step).IsManual() || in.lastAnswer.IsZero() {
		return v
	}
	if until := in.lastAnswer.Add(IdleAfter); now.Before(until) {
		return verdict{deferTo: until}
	}
	return v
}

func cancelled(why string) verdict { return verdict{cancel: why} }

// decide checks, at send time, that a reminder is still wanted: never after
// completion, withdrawal or window close, never to someone who cannot be
// written to, and a rating reminder only to the subject's clinician or
// an assessor.
func decide(c *questionnaires.Catalog, in sendCheck, now time.Time) verdict {
	r, to, subject := in.r, in.recipient, in.subject
	if to == nil || subject == nil {
		return cancelled("participant gone")
	}
	step := Step(r.Step)
	fanOut := step == StepEscalate && r.ParticipantID == r.SubjectID
	if !fanOut {
		switch {
		case to.Status != questionnaires.StatusActive:
			return cancelled("recipient " + to.Status)
		case !to.ChatID.Valid:
			return cancelled("no linked chat")
		case needsConsent(to.Role) && !to.Consented:
			return cancelled("no consent")
		}
	}
	if r.Timepoint == store.UnreachableTimepoint {
		return verdict{chatID: to.ChatID.Int64, msg: flows.UnreachableNotice(to.Lang.String, subject.Code)}
	}
	if subject.Status == questionnaires.StatusWithdrawn {
		return cancelled("withdrawn")
	}
	if needsConsent(subject.Role) && !subject.InStudy {
		// They declined (a new version of) the consent: no longer rated.
		return cancelled("subject not in the study")
	}
	tp, ok := c.Protocol.Timepoint(r.Timepoint)
	if !ok {
		return cancelled("timepoint not in the protocol")
	}
	if !subject.BaselineDate.Valid {
		return cancelled("no baseline date")
	}
	w := tp.Window(subject.BaselineDate.Time)
	if !w.OpenOn(questionnaires.Today(now, questionnaires.Location(subject.Timezone))) {
		return cancelled("window not open")
	}
	m := missingFor(&c.Protocol, subject, tp.ID, in.states)
	if subject.Role == string(questionnaires.RoleCoordinator) {
		m.self = coordinatorStillRates(subject, tp.ID, m.self, in.states, in.assessors)
	}
	label := tp.Label.In(to.Lang.String)
	switch {
	case step == StepEscalate:
		if m.none() {
			return cancelled("completed")
		}
		if fanOut {
			return verdict{escalate: true}
		}
		clinician := ""
		if in.clinician != nil {
			clinician = in.clinician.Code
		}
		return verdict{chatID: to.ChatID.Int64, msg: flows.Escalation(to.Lang.String, label, subject.Code, w.Due, m.self, m.ratings, clinician)}
	case to.ID == subject.ID:
		if len(m.self) == 0 {
			return cancelled("completed")
		}
		first := step == StepOpen || !step.IsManual() && !in.notified
		return idle(in, verdict{chatID: to.ChatID.Int64, msg: flows.Reminder(to.Lang.String, label, first, w.Closes)}, now)
	case to.Role == string(questionnaires.RoleAssessor):
		if len(assessorMissing(&c.Protocol, to, subject, tp.ID, in.states)) == 0 {
			return cancelled("completed")
		}
		first := step == StepOpen || !step.IsManual() && !in.notified
		return idle(in, verdict{chatID: to.ChatID.Int64, msg: flows.RatingReminder(to.Lang.String, label, assessorCode(subject), first, w.Closes)}, now)
	default:
		if !subject.ClinicianID.Valid || subject.ClinicianID.Int64 != to.ID {
			return cancelled("not the subject's clinician")
		}
		if len(m.ratings) == 0 {
			return cancelled("completed")
		}
		first := step == StepOpen || !step.IsManual() && !in.notified
		return idle(in, verdict{chatID: to.ChatID.Int64, msg: flows.RatingReminder(to.Lang.String, label, subject.Code, first, w.Closes)}, now)
	}
}
