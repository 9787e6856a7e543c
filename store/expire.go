package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// TimepointWindow is what ExpireClosed needs of a protocol timepoint: when
// its window closes relative to the subject's baseline date.
type TimepointWindow struct {
	ID              string
	Months          int
	ClosesAfterDays int
}

// expireClosedSQL marks expired, and audits, in one statement, so that an
// expiry is never recorded without its audit row nor twice: a concurrent
// run waits on the row lock and then finds the status no longer open.
// PostgreSQL's date + interval clamps a day the target month lacks (29
// February + 12 months is 28 February), as questionnaires.Timepoint.Due
// does. Answers are never touched.
const expireClosedSQL = `
	WITH tp AS (
		SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS t(id, months, closes_after_days)
	), expired AS (
		UPDATE assessments a SET status = 'expired'
		FROM tp, participants p
		WHERE a.timepoint = tp.id AND p.id = a.subject_id
		  AND a.status IN ('open', 'in_progress')
		  AND p.baseline_date IS NOT NULL
		  AND (p.baseline_date + make_interval(months => tp.months))::date + tp.closes_after_days < $4::date
		RETURNING a.id, a.subject_id, a.questionnaire, a.timepoint
	)
	INSERT INTO audit_log (actor, action, participant_id, detail)
	SELECT 'system', 'assessment.expired', subject_id,
	       jsonb_build_object('assessment', id, 'questionnaire', questionnaire, 'timepoint', timepoint)
	FROM expired`

// ExpireClosed marks expired every assessment at one of timepoints that is
// not completed and whose subject's window closed before today (a calendar
// date; its clock and zone are ignored), with one audit row each, and
// returns how many it expired. The contract: a timepoint whose window
// closes while it is half-answered expires, and the answers are kept.
func (s *Store) ExpireClosed(ctx context.Context, timepoints []TimepointWindow, today time.Time) (n int, err error) {
	defer wrap(&err, "Store.ExpireClosed(%s)", today.Format(time.DateOnly))
	if len(timepoints) == 0 {
		return 0, nil
	}
	ids := make([]string, len(timepoints))
	months := make([]int64, len(timepoints))
	days := make([]int64, len(timepoints))
	for i, tp := range timepoints {
		ids[i], months[i], days[i] = tp.ID, int64(tp.Months), int64(tp.ClosesAfterDays)
	}
	res, err := s.db.ExecContext(ctx, expireClosedSQL,
		pq.Array(ids), pq.Array(months), pq.Array(days), today.Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	rows, err := res.RowsAffected()
	return int(rows), err
}
