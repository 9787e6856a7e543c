package desk

import (
	"net/http"
	"time"
)

// rosterPageSize is how many participants one roster page shows.
const rosterPageSize = 100

// rosterBatch is how many rows a filtered roster page reads at a time
// while it looks for its participants: the status is decided in Go
// (rosterStatus), so a page of a rare status may read further.
const rosterBatch = 1000

// rosterPage is one page of the roster: up to rosterPageSize participants
// of the coordinator's sites (site's only, when not "") with status (any,
// when ""), by code, after the code after; next is the code to continue
// after, "" on the last page.
func (s *Server) rosterPage(r *http.Request, sess *session, site, status, after string) (lines []rosterLine, next string, err error) {
	now := s.opt.Now()
	batch := rosterPageSize + 1 // one more tells whether a next page exists
	if status != "" {
		batch = rosterBatch
	}
	for {
		rows, err := s.opt.Store.DeskRosterPage(r.Context(), sess.sites, site, after, batch)
		if err != nil {
			return nil, "", err
		}
		for i := range rows {
			p := &rows[i]
			st := rosterStatus(p, now)
			if status != "" && st != status {
				continue
			}
			if len(lines) == rosterPageSize {
				return lines, lines[len(lines)-1].Code, nil
			}
			l := rosterLine{Code: p.Code, Site: p.Site, Role: p.Role, Status: st, Linked: p.Linked}
			if p.BaselineDate.Valid {
				l.Baseline = p.BaselineDate.Time.Format(time.DateOnly)
			}
			lines = append(lines, l)
		}
		if len(rows) < batch {
			return lines, "", nil
		}
		after = rows[len(rows)-1].Code
	}
}
