package store

import (
	"context"
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

// expireClosedSQL marks expired, and audits, in one statement, so that an
// expiry is never recorded without its audit row nor twice: a concurrent
// run waits on the row lock and then finds the status no longer open.
// Answers are never touched.
const expireClosedSQL = `
	WITH closed AS (
		SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) AS c(site, timepoint, through)
	), expired AS (
		UPDATE assessments a SET status = 'expired'
		FROM closed c, participants p
		WHERE a.timepoint = c.timepoint AND p.id = a.subject_id AND p.site = c.site
		  AND a.status IN ('open', 'in_progress')
		  AND p.baseline_date <= c.through
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
	sites := make([]string, len(closed))
	timepoints := make([]string, len(closed))
	through := make([]string, len(closed))
	for i, c := range closed {
		sites[i], timepoints[i], through[i] = c.Site, c.Timepoint, c.Through.Format(time.DateOnly)
	}
	res, err := s.db.ExecContext(ctx, expireClosedSQL, pq.Array(sites), pq.Array(timepoints), pq.Array(through))
	if err != nil {
		return 0, err
	}
	rows, err := res.RowsAffected()
	return int(rows), err
}
