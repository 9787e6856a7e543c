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
	Complete        int // every questionnaire about them done (theirs and their clinician's)
	Open, Overdue   int // window open, before or after the due date
	Missed          int // window closed incomplete
	Upcoming        int // window not open yet (baseline: no consent yet)
}

// Completion is /status: completion per site and timepoint at now, for the
// participants (not withdrawn, with a baseline date) of sites.
func Completion(ctx context.Context, st *store.Store, c *questionnaires.Catalog, sites []string, now time.Time) ([]SiteCompletion, error) {
	ps, err := st.FollowUpParticipants(ctx, store.FollowUpFilter{Sites: sites})
	if err != nil {
		return nil, fmt.Errorf("reminders.Completion: %w", err)
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	states, err := st.AssessmentStates(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("reminders.Completion: %w", err)
	}
	bySubject := map[int64][]store.AssessmentState{}
	for _, a := range states {
		bySubject[a.SubjectID] = append(bySubject[a.SubjectID], a)
	}
	type key struct{ site, tp string }
	counts := map[key]*SiteCompletion{}
	var order []key
	for _, p := range ps {
		today := questionnaires.Today(now, questionnaires.Location(p.Timezone))
		for _, tp := range c.Protocol.Timepoints {
			self, ratings := hasBattery(&c.Protocol, p.Role, tp.ID)
			if !self && !(ratings && p.ClinicianID.Valid) {
				continue
			}
			k := key{p.Site, tp.ID}
			sc, ok := counts[k]
			if !ok {
				sc = &SiteCompletion{Site: p.Site, Timepoint: tp.ID}
				counts[k] = sc
				order = append(order, k)
			}
			sc.Total++
			w := tp.Window(p.BaselineDate.Time)
			switch {
			case missingFor(&c.Protocol, p, tp.ID, bySubject[p.ID]).none():
				sc.Complete++
			case today.After(w.Closes):
				sc.Missed++
			case (w.AtConsent && !begun(p)) || (!w.AtConsent && today.Before(w.Opens)):
				sc.Upcoming++
			case today.After(w.Due):
				sc.Overdue++
			default:
				sc.Open++
			}
		}
	}
	out := make([]SiteCompletion, 0, len(order))
	for _, site := range uniqueSites(order, func(k key) string { return k.site }) {
		for _, tp := range c.Protocol.Timepoints {
			if sc, ok := counts[key{site, tp.ID}]; ok {
				out = append(out, *sc)
			}
		}
	}
	return out, nil
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
