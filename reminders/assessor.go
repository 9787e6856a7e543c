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

// assessing is what the follow-up and completion rules need to know of
// the assessors at one moment: whether any takes part (then a coordinator
// rates only the site ratings they had started), who they are (each owes
// their ratings) and whom they rate (each site's subject and each
// clinician in the study).
type assessing struct {
	inStudy   bool
	assessors []*store.ScheduleParticipant
	rated     map[int64]bool
}

// loadAssessing reads the assessors and whom they rate.
func loadAssessing(ctx context.Context, st *store.Store) (*assessing, error) {
	a := &assessing{rated: map[int64]bool{}}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if a.inStudy, err = tx.AssessorsInStudy(ctx); err != nil || !a.inStudy {
			return err
		}
		subjects, err := tx.AssessorSubjects(ctx)
		for _, s := range subjects {
			a.rated[s.ID] = true
		}
		return err
	})
	if err != nil || !a.inStudy {
		return a, err
	}
	ps, err := st.FollowUpParticipants(ctx, store.FollowUpFilter{Roles: []string{string(questionnaires.RoleAssessor)}})
	for _, p := range ps {
		// Those taking part, as store.AssessorsInStudy counts them: agreed
		// in the chat and not withdrawn.
		if p.Consented {
			a.assessors = append(a.assessors, p)
		}
	}
	return a, err
}

// owed is what is still owed about a subject at a timepoint: missing
// (their own part, a coordinator's as far as the rule still asks it, and
// their clinician's ratings) and what some assessor in the study has not
// completed about them.
type owed struct {
	missing
	assessors []string
	// assessorsReachable: an assessor who owes them can be written to.
	assessorsReachable bool
}

func (o owed) none() bool { return o.missing.none() && len(o.assessors) == 0 }

// owed is what is still owed about s at tp, given the assessments about
// them.
func (a *assessing) owed(p *questionnaires.Protocol, s *store.ScheduleParticipant, tp string, states []store.AssessmentState) owed {
	o := owed{missing: missingFor(p, s, tp, states)}
	if s.Role == string(questionnaires.RoleCoordinator) {
		o.self = coordinatorStillRates(s, tp, o.self, states, a.inStudy)
	}
	if !a.rated[s.ID] {
		return o
	}
	for _, as := range a.assessors {
		m := assessorMissing(p, as, s, tp, states)
		if len(m) > 0 && reachable(as) {
			o.assessorsReachable = true
		}
		for _, q := range m {
			if !slices.Contains(o.assessors, q) {
				o.assessors = append(o.assessors, q)
			}
		}
	}
	return o
}

// answered reports whether anyone answers anything about s at tp: their
// own battery (a coordinator's only as far as the rule still asks it),
// their clinician's ratings, or the assessors'.
func (a *assessing) answered(p *questionnaires.Protocol, s *store.ScheduleParticipant, tp string, states []store.AssessmentState) bool {
	self, ratings := hasBattery(p, s.Role, tp)
	if self && s.Role == string(questionnaires.RoleCoordinator) {
		own := p.BatteryFor(questionnaires.RoleCoordinator, questionnaires.SubjectSite, tp)
		self = len(coordinatorStillRates(s, tp, own, states, a.inStudy)) > 0
	}
	return self || (ratings && s.ClinicianID.Valid) ||
		(a.rated[s.ID] && len(a.assessors) > 0 && len(p.BatteryFor(questionnaires.RoleAssessor, assessedAs(s.Role), tp)) > 0)
}

// ratedOneByOne is the part of a cohort read one participant at a time
// rather than by groups: coordinators and clinicians, whom assessors rate
// and whose counts depend on who rated what (few, beside the consumers).
type ratedOneByOne struct {
	*assessing
	people []*store.ScheduleParticipant // followed up (not withdrawn, with a baseline date)
	states map[int64][]store.AssessmentState
}

// countedOneByOne reports whether participants of role are counted one
// by one (ratedOneByOne) rather than by groups.
func countedOneByOne(role string) bool { return assessedAs(role) != "" }

// loadRatedOneByOne reads the coordinators and clinicians of sites one by
// one, with the assessments about them, and the assessors.
func loadRatedOneByOne(ctx context.Context, st *store.Store, sites []string) (*ratedOneByOne, error) {
	a, err := loadAssessing(ctx, st)
	if err != nil {
		return nil, err
	}
	r := &ratedOneByOne{assessing: a, states: map[int64][]store.AssessmentState{}}
	if len(sites) == 0 {
		return r, nil
	}
	r.people, err = st.FollowUpParticipants(ctx, store.FollowUpFilter{Sites: sites,
		Roles: []string{string(questionnaires.RoleCoordinator), string(questionnaires.RoleClinician)}})
	if err != nil || len(r.people) == 0 {
		return r, err
	}
	ids := make([]int64, len(r.people))
	for i, p := range r.people {
		ids[i] = p.ID
	}
	states, err := st.AssessmentStates(ctx, ids)
	for _, s := range states {
		r.states[s.SubjectID] = append(r.states[s.SubjectID], s)
	}
	return r, err
}
