package reminders

import (
	"context"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// This file holds the assessors' part of the reminders: an assessor (an
// external fidelity rater) is reminded of their ratings of each site and
// each clinician on the subject's schedule, as a clinician is of their
// consumers' (a site's schedule is its first coordinator's baseline, see
// store.AssessorRatees); and a coordinator is no longer reminded of site
// ratings an assessor now makes (questionnaires.CoordinatorRatesSite).

// assessedAs is what an assessor rates a participant as: a coordinator
// stands for their site, a clinician for themself; "" for anyone else.
func assessedAs(role string) questionnaires.Subject {
	switch questionnaires.Role(role) {
	case questionnaires.RoleCoordinator:
		return questionnaires.SubjectSite
	case questionnaires.RoleClinician:
		return questionnaires.SubjectClinician
	}
	return ""
}

// assessorCode is how an assessor knows subject: a site by its code, a
// clinician by theirs (what /rate CODE and the reminder's button take).
func assessorCode(subject *store.ScheduleParticipant) string {
	if assessedAs(subject.Role) == questionnaires.SubjectSite {
		return subject.Site
	}
	return subject.Code
}

// assessorMissing lists what assessor has not completed about subject at
// tp.
func assessorMissing(p *questionnaires.Protocol, assessor, subject *store.ScheduleParticipant, tp string, states []store.AssessmentState) []string {
	var out []string
	for _, q := range p.BatteryFor(questionnaires.RoleAssessor, assessedAs(subject.Role), tp) {
		if !slices.ContainsFunc(states, func(a store.AssessmentState) bool {
			return a.SubjectID == subject.ID && a.RespondentID == assessor.ID && a.Questionnaire == q &&
				a.Timepoint == tp && a.Status == "completed"
		}) {
			out = append(out, q)
		}
	}
	return out
}

// coordinatorStillRates keeps of a coordinator's missing site ratings at
// tp those they are still asked for: all without assessors, else those
// they had started.
func coordinatorStillRates(coordinator *store.ScheduleParticipant, tp string, self []string, states []store.AssessmentState, assessors bool) []string {
	var out []string
	for _, q := range self {
		started := slices.ContainsFunc(states, func(a store.AssessmentState) bool {
			return a.SubjectID == coordinator.ID && a.RespondentID == coordinator.ID && a.Questionnaire == q &&
				a.Timepoint == tp && a.Status != "open"
		})
		if questionnaires.CoordinatorRatesSite(assessors, started) {
			out = append(out, q)
		}
	}
	return out
}

// AssessorRows plans assessor's ratings of subject (a site's subject or a
// clinician) on the subject's schedule; steps already past collapse into
// one reminder. Nothing for a subject without a baseline date, withdrawn,
// or (a clinician) not in the study.
func (p *Planner) AssessorRows(assessor, subject *store.ScheduleParticipant, now time.Time) []store.PlannedReminder {
	kind := assessedAs(subject.Role)
	if kind == "" || subject.Status == questionnaires.StatusWithdrawn || !subject.BaselineDate.Valid ||
		kind == questionnaires.SubjectClinician && !subject.InStudy {
		return nil
	}
	sched := Schedule{Hours: p.Hours, Loc: questionnaires.Location(subject.Timezone)}
	var out []store.PlannedReminder
	for _, tp := range p.Catalog.Protocol.Timepoints {
		if len(p.Catalog.Protocol.BatteryFor(questionnaires.RoleAssessor, kind, tp.ID)) == 0 {
			continue
		}
		for _, pl := range sched.Participant(tp.Window(subject.BaselineDate.Time), now, false) {
			out = append(out, store.PlannedReminder{
				ParticipantID: assessor.ID, SubjectID: subject.ID, Timepoint: tp.ID,
				Step: string(pl.Step), SendAt: pl.SendAt, Skipped: pl.Skipped,
			})
		}
	}
	return out
}

// assessorRows plans, for a replanned participant sp, the assessors' part:
// an assessor's ratings of every site and clinician once they take part;
// every assessor's ratings of sp when sp is a clinician or their site's
// subject.
func (p *Planner) assessorRows(ctx context.Context, tx *store.Tx, sp *store.ScheduleParticipant, now time.Time) ([]store.PlannedReminder, error) {
	var rows []store.PlannedReminder
	switch questionnaires.Role(sp.Role) {
	case questionnaires.RoleAssessor:
		if sp.Status != questionnaires.StatusActive || !sp.Consented {
			return nil, nil
		}
		subjects, err := tx.AssessorSubjects(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range subjects {
			rows = append(rows, p.AssessorRows(sp, s, now)...)
		}
		return rows, nil
	case questionnaires.RoleCoordinator:
		if ok, err := tx.IsSiteSubject(ctx, sp.ID); err != nil || !ok {
			return nil, err
		}
	case questionnaires.RoleClinician:
	default:
		return nil, nil
	}
	assessors, err := tx.ActiveAssessors(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range assessors {
		rows = append(rows, p.AssessorRows(a, sp, now)...)
	}
	return rows, nil
}
