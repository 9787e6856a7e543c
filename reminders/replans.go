package reminders

import (
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// replan asks for a participant's schedule to be made again, from the
// baseline date and clinician they had when it was asked (the change's):
// an offer covers what was open under that date, not under a correction
// made after it.
type replan struct {
	reason string
	change store.ScheduleChange
}

// Why a schedule is made again.
const (
	replanStart     = "start"     // chat linked or consent given: what is open is offered now
	replanBaseline  = "baseline"  // baseline date corrected
	replanClinician = "clinician" // the consumer's clinician changed
	replanReachable = "reachable" // an unreachable participant can be written to again
)

// replanReason is the reminder policy's answer to a change the outbox
// recorded: why it moves the participant's schedule, or "" when it does
// not. Only a participant with a baseline date, not withdrawn, has a
// schedule (one not active: only their clinician's ratings). It
// starts (what is open is offered at once, so steps already past count as
// reminded) when they consent, are enrolled or linked, or first get a
// baseline date; any other change collapses the steps already past into
// one reminder.
func replanReason(c store.ScheduleChange) string {
	if c.Change == store.ChangeConsent {
		// Consumers and clinicians are reminded only once they consented,
		// which may come after the chat was linked.
		if c.Agreed.Bool {
			return replanStart
		}
		return ""
	}
	switch {
	case c.NewStatus.String == questionnaires.StatusWithdrawn || !c.BaselineDate.Valid:
		// An invited participant with a baseline date (consent on paper) is
		// rated before they link a chat: their clinician's steps are planned.
		return ""
	case !c.OldStatus.Valid || c.OldStatus.String == questionnaires.StatusInvited || !c.OldBaselineDate.Valid:
		return replanStart
	case c.OldStatus.String != questionnaires.StatusActive:
		return replanReachable
	case !c.OldBaselineDate.Time.Equal(c.BaselineDate.Time):
		return replanBaseline
	case c.OldClinicianID != c.ClinicianID:
		return replanClinician
	}
	return ""
}

// replans are the changes that move a schedule, in the order they were
// made.
func replans(changes []store.ScheduleChange) []replan {
	var out []replan
	for _, c := range changes {
		if why := replanReason(c); why != "" {
			out = append(out, replan{reason: why, change: c})
		}
	}
	return out
}

// corrected is the replan of correcting sp's baseline date to date.
func corrected(sp *store.ScheduleParticipant, date time.Time) replan {
	r := replan{reason: replanBaseline}
	r.change.ParticipantID, r.change.ClinicianID = sp.ID, sp.ClinicianID
	r.change.BaselineDate.Time, r.change.BaselineDate.Valid = date, true
	return r
}
