package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Cohort is the participants of some sites at one moment, read as groups
// alike in every fact the completion and follow-up rules read
// (store.CohortGroups): its counts apply each rule once per group, to a
// member standing for all of its participants, and multiply by their
// number; coordinators and clinicians, whom assessors rate, are counted
// one by one (rated). The per-participant FollowUps lists people; both
// share the rules (completionAt, followUpAt).
type Cohort struct {
	// Groups are the participants, every one of sites (withdrawn and
	// never linked ones too, for the roster's counts).
	Groups  []store.CohortGroup
	catalog *questionnaires.Catalog
	keys    []store.BatteryItem
	now     time.Time
	rated   *ratedOneByOne
}

// LoadCohort reads the participants of sites as groups at now.
func LoadCohort(ctx context.Context, st *store.Store, c *questionnaires.Catalog, sites []string, now time.Time) (*Cohort, error) {
	keys := assessmentKeys(&c.Protocol)
	groups, err := st.CohortGroups(ctx, sites, keys, now)
	if err != nil {
		return nil, fmt.Errorf("reminders.LoadCohort: %w", err)
	}
	rated, err := loadRatedOneByOne(ctx, st, sites)
	if err != nil {
		return nil, fmt.Errorf("reminders.LoadCohort: %w", err)
	}
	return &Cohort{Groups: groups, catalog: c, keys: keys, now: now, rated: rated}, nil
}

// assessmentKeys are every questionnaire of every timepoint of the
// protocol's batteries: the assessments the rules look for.
func assessmentKeys(p *questionnaires.Protocol) []store.BatteryItem {
	var out []store.BatteryItem
	seen := map[store.BatteryItem]bool{}
	for _, b := range p.Batteries {
		for _, tp := range b.Timepoints {
			for _, q := range b.Questionnaires {
				if k := (store.BatteryItem{Timepoint: tp, Questionnaire: q}); !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// Ids of the participants standing for a group: any would do, as long as
// the subject's and the clinician's differ.
const (
	memberID    = 1
	memberRater = 2
)

// member is a participant standing for g, their clinician (nil when they
// have none) and the completed assessments about them, as the store's
// per-participant reads would give them.
func (co *Cohort) member(g *store.CohortGroup) (subject, clinician *store.ScheduleParticipant, states []store.AssessmentState) {
	subject, clinician = g.Members(memberID, memberRater)
	for i, k := range co.keys {
		for _, by := range []struct {
			bits       int64
			respondent int64
		}{{g.SelfDone, memberID}, {g.RatedDone, memberRater}} {
			if by.bits&(1<<i) != 0 {
				states = append(states, store.AssessmentState{SubjectID: memberID, RespondentID: by.respondent,
					Questionnaire: k.Questionnaire, Timepoint: k.Timepoint, Status: "completed"})
			}
		}
	}
	return subject, clinician, states
}
