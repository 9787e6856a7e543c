package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// SiteCompletion counts, for one site and timepoint, the participants who
// answer anything then, by where their timepoint stands.
type SiteCompletion struct {
	Site, Timepoint string
	Total           int
	Complete        int // every questionnaire about them done (theirs, their clinician's and the assessors')
	Open, Overdue   int // window open, before or after the due date
	Missed          int // window closed incomplete
	Upcoming        int // window not open yet (baseline: no consent yet)
}

// Completion is /status: completion per site and timepoint at now, for the
// participants (not withdrawn, with a baseline date) of sites.
func Completion(ctx context.Context, st *store.Store, c *questionnaires.Catalog, sites []string, now time.Time) ([]SiteCompletion, error) {
	co, err := LoadCohort(ctx, st, c, sites, now)
	if err != nil {
		return nil, fmt.Errorf("reminders.Completion: %w", err)
	}
	return co.Completion(), nil
}

// Completion counts the cohort's participants (not withdrawn, with a
// baseline date) per site and timepoint, by site and protocol order.
func (co *Cohort) Completion() []SiteCompletion {
	type key struct{ site, tp string }
	counts := map[key]*SiteCompletion{}
	var order []key
	add := func(a *assessing, p *store.ScheduleParticipant, states []store.AssessmentState, n int) {
		today := questionnaires.Today(co.now, questionnaires.Location(p.Timezone))
		for _, tp := range co.catalog.Protocol.Timepoints {
			where := completionAt(&co.catalog.Protocol, a, p, states, today, tp)
			if where == nil {
				continue
			}
			k := key{p.Site, tp.ID}
			sc, ok := counts[k]
			if !ok {
				sc = &SiteCompletion{Site: p.Site, Timepoint: tp.ID}
				counts[k] = sc
				order = append(order, k)
			}
			sc.Total += n
			*where(sc) += n
		}
	}
	for i := range co.Groups {
		if g := &co.Groups[i]; g.FollowedUp() && !countedOneByOne(g.Role) {
			p, _, states := co.member(g)
			add(&assessing{}, p, states, g.N)
		}
	}
	for _, p := range co.rated.people {
		add(co.rated.assessing, p, co.rated.states[p.ID], 1)
	}
	out := make([]SiteCompletion, 0, len(order))
	for _, site := range uniqueSites(order, func(k key) string { return k.site }) {
		for _, tp := range co.catalog.Protocol.Timepoints {
			if sc, ok := counts[key{site, tp.ID}]; ok {
				out = append(out, *sc)
			}
		}
	}
	return out
}

// completionAt is the count of SiteCompletion that p's timepoint tp adds
// to on today, given the assessors and the assessments about p; nil when
// no one answers anything about p at tp.
func completionAt(proto *questionnaires.Protocol, a *assessing, p *store.ScheduleParticipant, states []store.AssessmentState, today time.Time, tp questionnaires.Timepoint) func(*SiteCompletion) *int {
	if !a.answered(proto, p, tp.ID, states) {
		return nil
	}
	w := tp.Window(p.BaselineDate.Time)
	switch {
	case a.owed(proto, p, tp.ID, states).none():
		return func(sc *SiteCompletion) *int { return &sc.Complete }
	case today.After(w.Closes):
		return func(sc *SiteCompletion) *int { return &sc.Missed }
	case (w.AtConsent && !begun(p)) || (!w.AtConsent && today.Before(w.Opens)):
		return func(sc *SiteCompletion) *int { return &sc.Upcoming }
	case today.After(w.Due):
		return func(sc *SiteCompletion) *int { return &sc.Overdue }
	}
	return func(sc *SiteCompletion) *int { return &sc.Open }
}

func uniqueSites[K any](keys []K, site func(K) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if s := site(k); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// SiteFlow counts one site's participants of one role by how far they
// came, CONSORT-style (questionnaires' CountFlow, the rule the report
// shares).
type SiteFlow = questionnaires.SiteFlow

// Flow is /status's count of every consumer and clinician of sites (all
// when empty) by status, per site and role.
func Flow(ctx context.Context, st *store.Store, c *questionnaires.Catalog, sites []string) ([]SiteFlow, error) {
	members, err := st.FlowMembers(ctx, sites)
	if err != nil {
		return nil, fmt.Errorf("reminders.Flow: %w", err)
	}
	return c.Protocol.CountFlow(members), nil
}
