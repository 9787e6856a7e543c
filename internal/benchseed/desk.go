package benchseed

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// This file seeds the desk's benchmark: a cohort over several sites as
// the overview and the roster see it, and the bare count of its rows the
// pages are measured against.

// DeskSite is the code of the desk seed's site i (1, 2, ...).
func DeskSite(i int) string { return fmt.Sprintf("DSK%d", i) }

// Done is a questionnaire of a timepoint that the desk seed records as
// completed by half of the consumers in the study (their own), or by the
// clinicians of a quarter of them (ratings).
type Done struct{ Questionnaire, Timepoint string }

// DeskClinicians is how many clinicians the desk seed gives each site.
const DeskClinicians = 20

// SeedDesk fills an empty database with participants consumers spread
// round-robin over sites sites (DeskSite(1) ...), in the mix a study
// has: a tenth still invited (an open invitation, no chat), a tenth
// withdrawn, the others linked and consented with baseline dates over the
// last two years, half of whom completed done; one in ten of those
// later declined a new consent. Each site has DeskClinicians clinicians
// (half of them linked) rating two thirds of its consumers; the
// clinicians of a quarter of the consumers in the study completed rated.
// Triggers and foreign-key
// checks are off while seeding (session_replication_role), which needs a
// superuser; the seed records every participant in cohort_changes as the
// triggers would have. The ids it uses begin after the largest there. The tables
// are vacuumed afterwards, as autovacuum would before anyone reads them:
// index-only scans then skip the heap, and the first page shown does not
// pay for setting the new rows' hint bits.
func (d *DB) SeedDesk(ctx context.Context, participants, sites int, now time.Time, done, rated []Done) (err error) {
	defer wrap(&err, "benchseed.SeedDesk(%d, %d)", participants, sites)
	today := now.UTC().Format(time.DateOnly)
	var qs, tps, rqs, rtps []string
	for _, x := range done {
		qs, tps = append(qs, x.Questionnaire), append(tps, x.Timepoint)
	}
	for _, x := range rated {
		rqs, rtps = append(rqs, x.Questionnaire), append(rtps, x.Timepoint)
	}
	// clinician is the id of the clinician of consumer g (one in three
	// has none); clinicians follow the consumers, DeskClinicians a site.
	clinician := fmt.Sprintf(`CASE WHEN g %% 3 <> 0 THEN $4::bigint + $1::int + ((g - 1) %% $2) * %d + (g / $2) %% %d + 1 END`,
		DeskClinicians, DeskClinicians)
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		var base int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM participants`).Scan(&base); err != nil {
			return err
		}
		// g numbers the seed's participants; id = base + g.
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`SET LOCAL session_replication_role = replica`, nil},
			{`INSERT INTO sites (code, name) SELECT 'DSK' || i, 'Desk benchmark ' || i FROM generate_series(1, $1) i
			  ON CONFLICT (code) DO NOTHING`, []any{sites}},
			{`INSERT INTO participants (id, code, site, role, number, lang, status, created_at)
			  SELECT $4::bigint + $1::int + (s - 1) * $5::int + j, 'DSK' || s || '-K-' || lpad(j::text, 3, '0'), 'DSK' || s, 'clinician', j, 'nb',
			         'active', $3
			  FROM generate_series(1, $2::int) s, generate_series(1, $5::int) j`,
				[]any{participants, sites, now, base, DeskClinicians}},
			{`INSERT INTO participants (id, code, site, role, number, lang, status, baseline_date, clinician_id, created_at)
			  SELECT $4 + g, 'DSK' || s || '-C-' || lpad(g::text, 6, '0'), 'DSK' || s, 'consumer', g, 'nb',
			         CASE g % 10 WHEN 0 THEN 'invited' WHEN 1 THEN 'withdrawn' ELSE 'active' END,
			         CASE WHEN g % 10 <> 0 THEN $3::date - (g % 730) END, ` + clinician + `, $5
			  FROM generate_series(1, $1) g, LATERAL (SELECT (g - 1) % $2 + 1 AS s) x`,
				[]any{participants, sites, today, base, now}},
			{`INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at)
			  SELECT id, id, id, $2 FROM participants
			  WHERE role = 'clinician' AND site LIKE 'DSK%' AND id > $1 AND id % 2 = 0`, []any{base, now}},
			{`INSERT INTO consents (participant_id, version, agreed, decided_at)
			  SELECT id, '1', true, $2 FROM participants WHERE role = 'clinician' AND site LIKE 'DSK%' AND id > $1`,
				[]any{base, now}},
			{`SELECT setval('participants_id_seq', (SELECT max(id) FROM participants))`, nil},
			{`INSERT INTO invites (code_hash, participant_id, expires_at, redeemed_at, created_at)
			  SELECT sha256(('desk-bench-' || ($2 + g))::bytea), $2 + g, $3::timestamptz + interval '30 days',
			         CASE WHEN g % 10 <> 0 THEN $3::timestamptz END, $3
			  FROM generate_series(1, $1) g`, []any{participants, base, now}},
			{`INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at)
			  SELECT $2 + g, $2 + g, $2 + g, $3 FROM generate_series(1, $1) g WHERE g % 10 > 1`,
				[]any{participants, base, now}},
			{`INSERT INTO consents (participant_id, version, agreed, decided_at)
			  SELECT $2 + g, '1', true, $3 FROM generate_series(1, $1) g WHERE g % 10 <> 0`,
				[]any{participants, base, now}},
			{`INSERT INTO consents (participant_id, version, agreed, decided_at)
			  SELECT $2 + g, '2', false, $3::timestamptz + interval '1 hour'
			  FROM generate_series(1, $1) g WHERE g % 10 > 1 AND g % 20 = 5`,
				[]any{participants, base, now}},
			{`INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at, completed_at)
			  SELECT $2 + g, $2 + g, d.q, '1', d.tp, 'completed', $3, $3, $3
			  FROM generate_series(1, $1) g, unnest($4::text[], $5::text[]) d(q, tp)
			  WHERE g % 10 > 1 AND g % 2 = 0`,
				[]any{participants, base, now, pq.Array(qs), pq.Array(tps)}},
			{`INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at, completed_at)
			  SELECT p.id, p.clinician_id, d.q, '1', d.tp, 'completed', $2, $2, $2
			  FROM participants p, unnest($3::text[], $4::text[]) d(q, tp)
			  WHERE p.id > $1 AND p.role = 'consumer' AND p.site LIKE 'DSK%' AND p.clinician_id IS NOT NULL
			    AND (p.id - $1) % 10 > 1 AND (p.id - $1) % 4 = 0`,
				[]any{base, now, pq.Array(rqs), pq.Array(rtps)}},
			// The triggers that record cohort changes were off.
			{`INSERT INTO cohort_changes (participant_id) SELECT id FROM participants WHERE id > $1`, []any{base}},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("%.60s: %w", strings.TrimSpace(st.q), err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = d.db.ExecContext(ctx, `VACUUM (ANALYZE) sites, participants, telegram_links, consents, invites, assessments, cohort_changes`)
	return err
}

// CountDesk is the bare count of the participants of sites: the floor a
// page listing or summing them is measured against.
func (d *DB) CountDesk(ctx context.Context, sites []string) (n int, err error) {
	defer wrap(&err, "benchseed.CountDesk")
	err = d.db.QueryRowContext(ctx, `SELECT count(*) FROM participants WHERE site = ANY($1)`, pq.Array(sites)).Scan(&n)
	return n, err
}

// ChangeCohort records n of the desk seed's participants as changed, as
// the triggers would after an answer each: the next count recomputes
// their facts.
func (d *DB) ChangeCohort(ctx context.Context, n int) (err error) {
	defer wrap(&err, "benchseed.ChangeCohort(%d)", n)
	_, err = d.db.ExecContext(ctx, `
		INSERT INTO cohort_changes (participant_id)
		SELECT id FROM participants WHERE site LIKE 'DSK%' ORDER BY random() LIMIT $1`, n)
	return err
}
