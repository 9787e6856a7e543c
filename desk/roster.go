package desk

import (
	"net/http"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// rosterStatus is where a participant stands on the roster at now, as
// `imrbot participants` says.
func rosterStatus(r *store.RosterEntry, now time.Time) string {
	return questionnaires.RosterStatus(r.Facts(), now)
}

// rosterLine is one participant on the roster page.
type rosterLine struct {
	Code, Site, Role, Status, Baseline string
	Linked                             bool
}

// roster lists the participants of the coordinator's sites a page at a
// time (rosterPage), filtered by site and status with a GET form.
func (s *Server) roster(w http.ResponseWriter, r *http.Request, sess *session) {
	site, status := r.URL.Query().Get("site"), r.URL.Query().Get("status")
	if site != "" && !sess.sees(site) {
		s.fail(w, r, http.StatusNotFound, "You have no site with that code.")
		return
	}
	if status != "" && !slices.Contains(questionnaires.RosterStatuses, status) {
		s.fail(w, r, http.StatusBadRequest, "There is no such status; choose one from the list.")
		return
	}
	shown, next, err := s.rosterPage(r, sess, site, status, r.URL.Query().Get("after"))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "roster", page{Title: "Roster", Nav: "roster", Data: map[string]any{
		"Lines": shown, "Site": site, "Status": status, "Statuses": questionnaires.RosterStatuses, "Next": next,
	}})
}
