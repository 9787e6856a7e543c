package desk

import (
	"net/http"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
)

// siteOverview is one site on the overview: its participants by roster
// status, and its timepoints.
type siteOverview struct {
	Site       string
	Statuses   map[string]int
	Timepoints []timepointOverview
}

// timepointOverview counts a site's participants at one timepoint.
type timepointOverview struct {
	Timepoint string
	reminders.SiteCompletion
	// Unreachable: open or overdue, and whoever owes answers cannot be
	// reminded.
	Unreachable int
	// Expected by today: their window has opened (so they are due,
	// overdue, missed or complete); Done: complete.
	Expected, Done int
}

// overview shows each site by timepoint. It reads the coordinator's
// sites once, as groups of participants alike in every fact the rules
// read (reminders.Cohort), so that its cost follows the number of groups
// rather than of participants.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx, now := r.Context(), s.opt.Now()
	cohort, err := reminders.LoadCohort(ctx, s.opt.Store, s.opt.Catalog, sess.sites, now)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	unreachable := map[[2]string]int{}
	for _, f := range cohort.FollowUps() {
		if f.Status == reminders.StatusUnreachable {
			unreachable[[2]string{f.Site, f.Timepoint}] += f.N
		}
	}
	bySite := map[string]*siteOverview{}
	sites := make([]*siteOverview, 0, len(sess.sites))
	for _, code := range sess.sites {
		so := &siteOverview{Site: code, Statuses: map[string]int{}}
		bySite[code] = so
		sites = append(sites, so)
	}
	for i := range cohort.Groups {
		g := &cohort.Groups[i]
		if so, ok := bySite[g.Site]; ok {
			so.Statuses[questionnaires.RosterStatus(g.RosterFacts(), now)] += g.N
		}
	}
	for _, c := range cohort.Completion() {
		so, ok := bySite[c.Site]
		if !ok {
			continue
		}
		so.Timepoints = append(so.Timepoints, timepointOverview{
			Timepoint: c.Timepoint, SiteCompletion: c,
			Unreachable: unreachable[[2]string{c.Site, c.Timepoint}],
			Expected:    c.Total - c.Upcoming, Done: c.Complete,
		})
	}
	s.render(w, r, http.StatusOK, "overview", page{Title: "Overview", Nav: "overview", Data: map[string]any{
		"Sites": sites, "Statuses": questionnaires.RosterStatuses,
	}})
}
