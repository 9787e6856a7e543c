package reminders

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Follow-up statuses, as `imrbot due` prints them.
const (
	StatusOpen        = "open"        // the window is open and the due date not passed
	StatusOverdue     = "overdue"     // past the due date, window still open
	StatusUnreachable = "unreachable" // whoever still owes answers has no linked chat, or blocked the bot
)

// FollowUp is a subject's timepoint that is open and not complete.
type FollowUp struct {
	SubjectID int64
	Code      string // the subject's participant code
	Site      string
	Timepoint string
	Due       time.Time // civil date
	Status    string
	// Overdue: past the due date, whoever owes the answers and whether or
	// not they can be reminded (Status says unreachable first).
	Overdue bool
	// SelfMissing are the subject's own questionnaires still missing (a
	// coordinator's site ratings only while they are still asked for
	// them); RatingsMissing their clinician's ratings of them
	// (ClinicianID); AssessorsMissing what some assessor in the study has
	// not rated of them (a site, through its first coordinator, or a
	// clinician).
	SelfMissing, RatingsMissing, AssessorsMissing []string
	ClinicianID                                   int64
	// SubjectReachable, ClinicianReachable: active with a linked chat;
	// AssessorsReachable: so is an assessor who still owes a rating.
	SubjectReachable, ClinicianReachable, AssessorsReachable bool
	Sent                                                     []string // reminder steps already sent about it
}

// FollowUps lists the open and overdue follow-ups at now of the given sites
// (all sites when sites is empty), by site, code and protocol order.
func FollowUps(ctx context.Context, st *store.Store, c *questionnaires.Catalog, sites []string, now time.Time) ([]FollowUp, error) {
	var ranges []store.DateRange
	for _, tp := range c.Protocol.Timepoints {
		ranges = append(ranges, baselineRange(tp, now))
	}
	subjects, err := st.FollowUpParticipants(ctx, store.FollowUpFilter{Sites: sites, Baselines: ranges})
	if err != nil {
		return nil, fmt.Errorf("reminders.FollowUps: %w", err)
	}
	out, err := followUpsOf(ctx, st, c, subjects, now)
	if err != nil {
		return nil, fmt.Errorf("reminders.FollowUps: %w", err)
	}
	return out, nil
}

// baselineRange bounds the baseline dates whose tp window can be open at
// now at some site: every zone's date is within a day of UTC's. The exact
// test, in the subject's zone, follows in Go.
func baselineRange(tp questionnaires.Timepoint, now time.Time) store.DateRange {
	today := questionnaires.Today(now, time.UTC)
	from, to := tp.Baselines(today.AddDate(0, 0, -1), today.AddDate(0, 0, 1))
	return store.DateRange{From: from, To: to}
}

func followUpsOf(ctx context.Context, st *store.Store, c *questionnaires.Catalog, subjects []*store.ScheduleParticipant, now time.Time) ([]FollowUp, error) {
	if len(subjects) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(subjects))
	var clinicianIDs []int64
	for _, s := range subjects {
		ids = append(ids, s.ID)
		if s.ClinicianID.Valid {
			clinicianIDs = append(clinicianIDs, s.ClinicianID.Int64)
		}
	}
	states, err := st.AssessmentStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	bySubject := map[int64][]store.AssessmentState{}
	for _, a := range states {
		bySubject[a.SubjectID] = append(bySubject[a.SubjectID], a)
	}
	clinicians, err := st.ScheduleParticipants(ctx, clinicianIDs)
	if err != nil {
		return nil, err
	}
	sent, err := st.SentSteps(ctx, ids)
	if err != nil {
		return nil, err
	}
	a, err := loadAssessing(ctx, st)
	if err != nil {
		return nil, err
	}
	var out []FollowUp
	for _, s := range subjects {
		today := questionnaires.Today(now, questionnaires.Location(s.Timezone))
		for _, tp := range c.Protocol.Timepoints {
			f, ok := followUpAt(&c.Protocol, a, s, clinicians[s.ClinicianID.Int64], bySubject[s.ID], today, tp)
			if !ok {
				continue
			}
			for _, r := range sent {
				if r.SubjectID == s.ID && r.Timepoint == tp.ID && Step(r.Step) != StepEscalate {
					f.Sent = append(f.Sent, r.Step)
				}
			}
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int {
		return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}

// followUpAt is subject s's timepoint tp on today when it is open and not
// complete (ok), given the assessors, their clinician (nil: none) and the
// assessments about them; Sent is left to the caller.
func followUpAt(proto *questionnaires.Protocol, a *assessing, s, clinician *store.ScheduleParticipant, states []store.AssessmentState, today time.Time, tp questionnaires.Timepoint) (f FollowUp, ok bool) {
	w := tp.Window(s.BaselineDate.Time)
	// Someone who declined in the chat is not in the study, whatever
	// their baseline date.
	if !w.OpenOn(today) || (w.AtConsent && !begun(s)) || (needsConsent(s.Role) && !s.InStudy) {
		return f, false
	}
	m := a.owed(proto, s, tp.ID, states)
	if m.none() {
		return f, false
	}
	f = FollowUp{
		SubjectID: s.ID, Code: s.Code, Site: s.Site, Timepoint: tp.ID, Due: w.Due,
		SelfMissing: m.self, RatingsMissing: m.ratings, AssessorsMissing: m.assessors,
		ClinicianID:        s.ClinicianID.Int64,
		SubjectReachable:   reachable(s),
		ClinicianReachable: reachable(clinician),
		AssessorsReachable: m.assessorsReachable,
	}
	// The status is that of whoever is reminded first: the subject while
	// their own part is open, else their clinician, else the assessors.
	var owes bool
	switch {
	case len(m.self) > 0:
		owes = f.SubjectReachable
	case len(m.ratings) > 0:
		owes = f.ClinicianReachable
	default:
		owes = f.AssessorsReachable
	}
	f.Overdue = today.After(w.Due)
	switch {
	case !owes:
		f.Status = StatusUnreachable
	case f.Overdue:
		f.Status = StatusOverdue
	default:
		f.Status = StatusOpen
	}
	return f, true
}

// FollowUpCount is how many follow-ups of one site and timepoint have
// one status (StatusOpen ...).
type FollowUpCount struct {
	Site, Timepoint, Status string
	N                       int
}

// FollowUps counts the cohort's open and overdue follow-ups as FollowUps
// lists them, by site, timepoint and status, in no particular order.
func (co *Cohort) FollowUps() []FollowUpCount {
	counts := map[FollowUpCount]int{}
	add := func(a *assessing, s, clinician *store.ScheduleParticipant, states []store.AssessmentState, n int) {
		today := questionnaires.Today(co.now, questionnaires.Location(s.Timezone))
		for _, tp := range co.catalog.Protocol.Timepoints {
			if f, ok := followUpAt(&co.catalog.Protocol, a, s, clinician, states, today, tp); ok {
				counts[FollowUpCount{Site: f.Site, Timepoint: f.Timepoint, Status: f.Status}] += n
			}
		}
	}
	for i := range co.Groups {
		if g := &co.Groups[i]; g.FollowedUp() && !countedOneByOne(g.Role) {
			s, clinician, states := co.member(g)
			add(&assessing{}, s, clinician, states, g.N)
		}
	}
	for _, s := range co.rated.people {
		add(co.rated.assessing, s, nil, co.rated.states[s.ID], 1)
	}
	out := make([]FollowUpCount, 0, len(counts))
	for k, n := range counts {
		k.N = n
		out = append(out, k)
	}
	return out
}

// reachable: a reminder can be written to them now.
func reachable(p *store.ScheduleParticipant) bool {
	return p != nil && p.Status == questionnaires.StatusActive && p.ChatID.Valid && (!needsConsent(p.Role) || p.Consented)
}

// begun: a baseline opens at consent, in the chat or on paper (a baseline
// date given at invitation), linked or not; a coordinator's when their
// chat is linked.
func begun(s *store.ScheduleParticipant) bool {
	if needsConsent(s.Role) {
		return s.InStudy
	}
	return s.ChatID.Valid
}
