package store

import (
	"context"

	"github.com/lib/pq"
)

// This file holds the desk's paged roster: one page of participants at a
// time by code, so that a page costs the same for ten participants or a
// hundred thousand.

// DeskRosterPage lists up to limit participants of sites (only site's
// when site is not ""), by code, from the first whose code follows after
// ("" for the start). A site's participants are together: every code
// begins with its site's code and a dash.
func (s *Store) DeskRosterPage(ctx context.Context, sites []string, site, after string, limit int) (_ []RosterEntry, err error) {
	defer wrap(&err, "Store.DeskRosterPage(%q, %q, %d)", site, after, limit)
	var out []RosterEntry
	err = s.db.SelectContext(ctx, &out, rosterQuery+`
		WHERE p.site = ANY($1) AND ($2 = '' OR p.site = $2) AND p.code > $3
		ORDER BY p.code LIMIT $4`, pq.Array(sites), site, after, limit)
	return out, err
}
