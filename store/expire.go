package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ClosedThrough tells ExpireClosed which windows have closed at one site:
// the subjects of Site whose baseline date is on or before Through (a
// civil date) are past Timepoint's window. The caller computes it with the
// study's calendar (questionnaires.Timepoint.ClosedThrough, today in the
// site's zone), so this package holds no calendar of its own.
type ClosedThrough struct {
	Site, Timepoint string
	Through         time.Time
}

// windowClosedSQL: assessment a, whose subject is participants row p, is
// of a timepoint whose window has closed at p's site, as the ClosedThrough
// list unnested from the three array parameters numbered n, n+1, n+2 says.
func windowClosedSQL(n int) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM unnest($%d::text[], $%d::text[], $%d::date[]) AS c(site, timepoint, through)
		WHERE c.site = p.site AND c.timepoint = a.timepoint AND p.baseline_date <= c.through)`, n, n+1, n+2)
}

// expirableSQL: assessment a is not finished, so a closed window expires it.
const expirableSQL = `a.status IN ('open', 'in_progress')`

// closedArgs are a ClosedThrough list as windowClosedSQL's three array
// parameters.
func closedArgs(closed []ClosedThrough) []any {
	sites := make([]string, len(closed))
	timepoints := make([]string, len(closed))
	through := make([]string, len(closed))
	for i, c := range closed {
		sites[i], timepoints[i], through[i] = c.Site, c.Timepoint, c.Through.Format(time.DateOnly)
	}
	return []any{pq.Array(sites), pq.Array(timepoints), pq.Array(through)}
}

// expireClosedSQL marks expired, and audits, in one statement, so that an
// expiry is never recorded without its audit row nor twice: a concurrent
// run waits on the row lock and then finds the status no longer open.
// Answers are never touched.
var expireClosedSQL = `
	WITH expired AS (
		UPDATE assessments a SET status = 'expired'
		FROM participants p
		WHERE p.id = a.subject_id AND ` + expirableSQL + ` AND ` + windowClosedSQL(1) + `
		RETURNING a.id, a.subject_id, a.questionnaire, a.timepoint
	)
	INSERT INTO audit_log (actor, action, participant_id, detail)
	SELECT 'system', 'assessment.expired', subject_id,
	       jsonb_build_object('assessment', id, 'questionnaire', questionnaire, 'timepoint', timepoint)
	FROM expired`

// ExpireClosed marks expired every assessment that is not completed and
// whose subject's window closed, as closed says per site and timepoint,
// with one audit row each, and returns how many it expired. The contract:
// a timepoint whose window closes while it is half-answered expires, and
// the answers are kept. A subject without a baseline date has no window
// and is never expired.
func (s *Store) ExpireClosed(ctx context.Context, closed []ClosedThrough) (n int, err error) {
	defer wrap(&err, "Store.ExpireClosed")
	if len(closed) == 0 {
		return 0, nil
	}
	res, err := s.db.ExecContext(ctx, expireClosedSQL, closedArgs(closed)...)
	if err != nil {
		return 0, err
	}
	rows, err := res.RowsAffected()
	return int(rows), err
}
