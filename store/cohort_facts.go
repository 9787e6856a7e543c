package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file keeps cohort_facts and cohort_counts (migration 00007): one
// row per participant with what the cohort's counts group them by, and
// how many participants share each such group (desk_counts.go reads
// them). The triggers record which participants changed;
// RefreshCohortFacts recomputes their facts from the tables themselves
// with the rules of participants.go and roster.go, so that a fact has no
// second definition.

// cohortFactsLock is the advisory lock key that lets one refresh at a
// time take the changes (the bytes of "imrbfact"): a count waiting for it
// then reads the rows the other refresh wrote.
const cohortFactsLock = 0x696d726266616374

// cohortRefreshBatch is how many recorded changes one refresh transaction
// takes.
const cohortRefreshBatch = 10000

// doneKeysSQL are the keys ('timepoint/questionnaire', as doneKey writes
// them), sorted and space-separated, of the assessments completed by
// respondent about participant p.
func doneKeysSQL(respondent string) string {
	return `coalesce((SELECT string_agg(a.timepoint || '/' || a.questionnaire, ' '
		ORDER BY a.timepoint || '/' || a.questionnaire) FROM assessments a
		WHERE a.subject_id = p.id AND a.respondent_id = ` + respondent + ` AND a.status = 'completed'), '')`
}

// doneKey is the key doneKeysSQL gives a questionnaire of a timepoint.
// Neither id holds a space or a slash (questionnaires' id rule).
func doneKey(k BatteryItem) string { return k.Timepoint + "/" + k.Questionnaire }

// cohortFactColumns are cohort_facts' columns but the participant's id:
// cohort_counts' key.
const cohortFactColumns = `site, role, status, baseline_date, clinician_id, linked, agreed, invite_until, self_done, rated_done`

// excludedSQL sets each of the columns (a comma-separated list) from an
// upsert's EXCLUDED row.
func excludedSQL(columns string) string {
	var set []string
	for c := range strings.SplitSeq(columns, ",") {
		c = strings.TrimSpace(c)
		set = append(set, c+" = EXCLUDED."+c)
	}
	return strings.Join(set, ", ")
}

// refreshCohortFactsQuery takes up to $1 recorded changes, rewrites the
// facts of the participants they name (fresh; stale is what they were),
// and moves each between the groups of cohort_counts: minus one for their
// old facts, plus one for their new. It returns how many changes it took.
// Every part of the statement sees one snapshot, taken before any part
// writes: stale is read before written replaces it, and the snapshot
// holds every change whose marker taken removes (a marker commits with
// its change). PostgreSQL runs each data-modifying part whether or not
// the query reads it.
var refreshCohortFactsQuery = `
	WITH taken AS (
		DELETE FROM cohort_changes
		WHERE id IN (SELECT id FROM cohort_changes ORDER BY id LIMIT $1)
		RETURNING participant_id),
	fresh AS (
		SELECT p.id AS participant_id, p.site, p.role, p.status, p.baseline_date, p.clinician_id,
		       ` + linkedSQL + ` AS linked, ` + latestDecisionSQL + ` AS agreed,
		       ` + inviteOpenUntilSQL + ` AS invite_until,
		       ` + doneKeysSQL("p.id") + ` AS self_done,
		       ` + doneKeysSQL("p.clinician_id") + ` AS rated_done
		FROM participants p
		WHERE p.id IN (SELECT participant_id FROM taken)),
	stale AS (
		SELECT * FROM cohort_facts WHERE participant_id IN (SELECT participant_id FROM taken)),
	written AS (
		INSERT INTO cohort_facts (participant_id, ` + cohortFactColumns + `)
		SELECT participant_id, ` + cohortFactColumns + ` FROM fresh
		ON CONFLICT (participant_id) DO UPDATE SET ` + excludedSQL(cohortFactColumns) + `),
	gone AS (
		DELETE FROM cohort_facts
		WHERE participant_id IN (SELECT participant_id FROM stale EXCEPT SELECT participant_id FROM fresh)),
	moved AS (
		INSERT INTO cohort_counts AS c (` + cohortFactColumns + `, n)
		SELECT ` + cohortFactColumns + `, sum(d)
		FROM (SELECT ` + cohortFactColumns + `, 1 AS d FROM fresh
		      UNION ALL SELECT ` + cohortFactColumns + `, -1 FROM stale) x
		GROUP BY ` + cohortFactColumns + `
		HAVING sum(d) <> 0
		ON CONFLICT (` + cohortFactColumns + `) DO UPDATE SET n = c.n + EXCLUDED.n)
	SELECT count(*) FROM taken`

// ErrCohortDrift: a refresh found the cohort's counts out of step with
// its facts (a group below zero), which only a fault can cause. The
// refresh changed nothing; RebuildCohortFacts counts everyone afresh.
var ErrCohortDrift = errors.New("the cohort's counts are out of step with its facts")

// RefreshCohortFacts brings cohort_facts and cohort_counts up to date
// with every change committed before it began, and returns how many
// recorded changes it applied. Counts call it first; serve's reminder
// tick calls it too, so that a count seldom finds much to do.
// ErrCohortDrift: see there.
func (s *Store) RefreshCohortFacts(ctx context.Context) (changes int, err error) {
	defer wrap(&err, "Store.RefreshCohortFacts")
	for {
		var n int
		err := s.inCohortLock(ctx, func(tx *Tx) error {
			if err := tx.tx.GetContext(ctx, &n, refreshCohortFactsQuery, cohortRefreshBatch); err != nil {
				return err
			}
			return tx.dropEmptyCohortGroups(ctx)
		})
		if err != nil {
			return changes, fmt.Errorf("after %d changes: %w", changes, err)
		}
		changes += n
		if n < cohortRefreshBatch {
			return changes, nil
		}
	}
}

// RebuildCohortFacts forgets the cohort's facts and counts and computes
// everyone's afresh: the repair after ErrCohortDrift.
func (s *Store) RebuildCohortFacts(ctx context.Context) (err error) {
	defer wrap(&err, "Store.RebuildCohortFacts")
	err = s.inCohortLock(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `
			DELETE FROM cohort_facts;
			DELETE FROM cohort_counts;
			INSERT INTO cohort_changes (participant_id) SELECT id FROM participants`)
		return err
	})
	if err != nil {
		return err
	}
	_, err = s.RefreshCohortFacts(ctx)
	return err
}

// inCohortLock runs fn in a transaction holding the cohort's lock
// (cohortFactsLock), at READ COMMITTED whatever the server's default:
// each statement after the lock then sees what the previous holder
// committed.
func (s *Store) inCohortLock(ctx context.Context, fn func(*Tx) error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `SET TRANSACTION ISOLATION LEVEL READ COMMITTED`); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(cohortFactsLock)); err != nil {
			return err
		}
		return fn(tx)
	})
}

// dropEmptyCohortGroups deletes the groups a refresh left empty; a group
// below zero is ErrCohortDrift.
func (tx *Tx) dropEmptyCohortGroups(ctx context.Context) error {
	var ns []int
	if err := tx.tx.SelectContext(ctx, &ns, `DELETE FROM cohort_counts WHERE n <= 0 RETURNING n`); err != nil {
		return err
	}
	if slices.ContainsFunc(ns, func(n int) bool { return n < 0 }) {
		return ErrCohortDrift
	}
	return nil
}
