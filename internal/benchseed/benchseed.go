// Package benchseed fills a database with a synthetic study of any size
// for bench/reminders, and probes the dispatcher's claim query in it. It
// is a test helper: nothing in imrbot itself imports it, so none of it is
// in the binary.
package benchseed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/imrbot/imrbot/store"
)

// Site is the site the benchmark seeds.
const Site = "BENCH"

// seededKey is the settings key that records which seed the database holds.
const seededKey = "bench_reminders_seeded"

// ErrStale is returned when the database holds another seed: drop it and
// seed afresh.
var ErrStale = errors.New("database holds another benchmark seed")

// DB is a benchmark database, migrated by store.
type DB struct {
	db *sql.DB
}

// Open connects to the benchmark database at url.
func Open(ctx context.Context, url string) (*DB, error) {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("benchseed.Open: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("benchseed.Open: %w", err)
	}
	return &DB{db: db}, nil
}

// Close releases the connections.
func (d *DB) Close() error { return d.db.Close() }

// SeedReminders fills an empty database with participants active
// consumers of Site, linked (chat id = participant id) and consented, each
// with the eight reminder rows of the default schedule. Rows due at or
// before now are sent, later ones pending, except that the first due
// participants have their m12 due-date reminder pending and due within the
// last hour: exactly due reminders are due at now. Triggers and
// foreign-key checks are off while seeding (session_replication_role),
// which needs a superuser. It does nothing when the same seed is already
// there.
func (d *DB) SeedReminders(ctx context.Context, participants, due int, now time.Time) (seeded bool, err error) {
	defer wrap(&err, "benchseed.SeedReminders(%d, %d)", participants, due)
	want := fmt.Sprintf("%d/%d/%s", participants, due, now.Format(time.DateOnly))
	var got string
	err = d.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, seededKey).Scan(&got)
	if err == nil && got == want {
		return false, nil
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM participants`).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, fmt.Errorf("%w (%d participants)", ErrStale, n)
	}
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		oslo = time.UTC
	}
	today := now.In(oslo).Format(time.DateOnly)
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`SET LOCAL session_replication_role = replica`, nil},
			{`INSERT INTO sites (code, name) VALUES ('` + Site + `', 'Benchmark')`, nil},
			{`INSERT INTO participants (id, code, site, role, number, lang, status, baseline_date)
			 SELECT g, '` + Site + `-C-' || lpad(g::text, 7, '0'), '` + Site + `', 'consumer', g, 'en', 'active',
			        CASE WHEN g <= $2 THEN ($3::date - interval '12 months')::date
			             ELSE $3::date - 1 - (g % 700) END
			 FROM generate_series(1, $1) g`, []any{participants, due, today}},
			{`SELECT setval('participants_id_seq', $1)`, []any{participants}},
			{`INSERT INTO telegram_links (participant_id, user_id, chat_id) SELECT g, g, g FROM generate_series(1, $1) g`, []any{participants}},
			{`INSERT INTO consents (participant_id, version, agreed, decided_at)
			 SELECT g, '1', true, $2 FROM generate_series(1, $1) g`, []any{participants, now}},
			{`INSERT INTO reminders (participant_id, subject_id, timepoint, step, status, send_at, sent_at)
			 SELECT p.id, p.id, s.tp, s.step,
			        CASE WHEN t.at <= $1 THEN 'sent' ELSE 'pending' END, t.at,
			        CASE WHEN t.at <= $1 THEN t.at END
			 FROM participants p
			 CROSS JOIN (VALUES ('baseline', 'due+7', 0, 7), ('baseline', 'due+14', 0, 14),
			                    ('baseline', 'escalate', 0, 21), ('m12', 'open', 12, -14),
			                    ('m12', 'due', 12, 0), ('m12', 'due+7', 12, 7),
			                    ('m12', 'due+14', 12, 14), ('m12', 'escalate', 12, 21)) s(tp, step, months, days)
			 CROSS JOIN LATERAL (SELECT ((p.baseline_date + make_interval(months => s.months))::date
			                             + s.days + time '09:00') AT TIME ZONE 'Europe/Oslo' AS at) t`, []any{now}},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("%.60s: %w", strings.TrimSpace(st.q), err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if err := d.ResetDue(ctx, due, now); err != nil {
		return false, err
	}
	if _, err := d.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return false, err
	}
	_, err = d.db.ExecContext(ctx, `
		INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, seededKey, want)
	return err == nil, err
}

// ResetDue makes the seed's due reminders due again at now, pending and
// unclaimed, spread over the hour before it, so that each benchmark run
// dispatches the same work.
func (d *DB) ResetDue(ctx context.Context, due int, now time.Time) (err error) {
	defer wrap(&err, "benchseed.ResetDue")
	_, err = d.db.ExecContext(ctx, `
		UPDATE reminders SET status = 'pending', sent_at = NULL, claimed_at = NULL,
			claimed_by = NULL, attempts = 0, last_error = NULL, note = NULL,
			send_at = $2::timestamptz - (participant_id % 60) * interval '1 minute'
		WHERE participant_id <= $1 AND timepoint = 'm12' AND step = 'due'`, due, now)
	return err
}

// Vacuum vacuums and analyses tables, as autovacuum would between a
// seed's runs or after a bulk write.
func (d *DB) Vacuum(ctx context.Context, tables ...string) (err error) {
	defer wrap(&err, "benchseed.Vacuum(%v)", tables)
	quoted := make([]string, len(tables))
	for i, t := range tables {
		quoted[i] = pq.QuoteIdentifier(t)
	}
	_, err = d.db.ExecContext(ctx, `VACUUM (ANALYZE) `+strings.Join(quoted, ", "))
	return err
}

// LinkChats points the chats of the seed's participants 1, 2, ... at
// chatIDs, in order (the fake Telegram's users).
func (d *DB) LinkChats(ctx context.Context, chatIDs []int64) (err error) {
	defer wrap(&err, "benchseed.LinkChats")
	_, err = d.db.ExecContext(ctx, `
		UPDATE telegram_links l SET user_id = c.chat, chat_id = c.chat
		FROM unnest($1::bigint[]) WITH ORDINALITY c(chat, n)
		WHERE l.participant_id = c.n`, pq.Array(chatIDs))
	return err
}

// ProbeFind runs the dispatcher's query that finds and locks what is due
// (store.DueRemindersSQL, without claiming) for up to limit reminders at
// now, rolled back, and returns how many it found. Without index, the
// planner may not use indexes: the baseline to compare with.
func (d *DB) ProbeFind(ctx context.Context, now time.Time, limit int, withoutIndex bool) (found int, err error) {
	defer wrap(&err, "benchseed.ProbeFind")
	err = d.rolledBack(ctx, withoutIndex, func(tx *sql.Tx) error {
		found, err = countRows(tx.QueryContext(ctx, store.DueRemindersSQL, now, now.Add(-5*time.Minute), limit))
		return err
	})
	return found, err
}

// ProbeClaim runs the dispatcher's claim query (store.ClaimRemindersSQL)
// for up to limit reminders due at now and rolls it back, returning how
// many it claimed and, with explain, PostgreSQL's EXPLAIN (ANALYZE,
// BUFFERS) of it (run in a transaction of its own, also rolled back).
// Without index, the planner may not use indexes.
func (d *DB) ProbeClaim(ctx context.Context, now time.Time, limit int, explain, withoutIndex bool) (found int, plan string, err error) {
	defer wrap(&err, "benchseed.ProbeClaim")
	args := []any{now, now.Add(-5 * time.Minute), limit, "probe"}
	err = d.rolledBack(ctx, withoutIndex, func(tx *sql.Tx) error {
		found, err = countRows(tx.QueryContext(ctx, store.ClaimRemindersSQL, args...))
		return err
	})
	if err != nil || !explain {
		return found, "", err
	}
	err = d.rolledBack(ctx, withoutIndex, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `EXPLAIN (ANALYZE, BUFFERS) `+store.ClaimRemindersSQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			lines = append(lines, line)
		}
		plan = strings.Join(lines, "\n")
		return rows.Err()
	})
	return found, plan, err
}

// countRows reads a query's rows to the end and counts them.
func countRows(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// rolledBack runs fn in a transaction that it then rolls back; without
// index, the planner may not use indexes in it.
func (d *DB) rolledBack(ctx context.Context, withoutIndex bool, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // rolling back is the point
	if withoutIndex {
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
			return err
		}
	}
	return fn(tx)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// wrap prefixes a non-nil *errp with its call site.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
