package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// This file serves bench/reminders only: it seeds a synthetic study of any
// size with generate_series and measures the dispatcher's claim query. It
// lives here because all SQL does; nothing in imrbot itself calls it.

// BenchSite is the site the benchmark seeds.
const BenchSite = "BENCH"

const benchSeededKey = "bench_reminders_seeded"

// ErrBenchStale: the database holds another seed; drop it and seed afresh.
var ErrBenchStale = errors.New("database holds another benchmark seed")

// SeedReminderBenchmark fills an empty database with participants active
// consumers of BenchSite, linked (chat id = participant id) and consented,
// each with the eight reminder rows of the default schedule. Rows due at or
// before now are sent, later ones pending, except that the first due
// participants have their m12 due-date reminder pending and due within the
// last hour: exactly due reminders are due at now. Triggers and foreign-key
// checks are off while seeding (session_replication_role), which needs a
// superuser. It does nothing when the same seed is already there.
func (s *Store) SeedReminderBenchmark(ctx context.Context, participants, due int, now time.Time) (seeded bool, err error) {
	defer wrap(&err, "Store.SeedReminderBenchmark(%d, %d)", participants, due)
	want := fmt.Sprintf("%d/%d/%s", participants, due, now.Format(time.DateOnly))
	if got, err := s.Setting(ctx, benchSeededKey); err == nil && got == want {
		return false, nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM participants`); err != nil {
		return false, err
	}
	if n > 0 {
		return false, fmt.Errorf("%w (%d participants)", ErrBenchStale, n)
	}
	today := now.In(mustOslo()).Format(time.DateOnly)
	err = s.InTx(ctx, func(tx *Tx) error {
		n, d := participants, due
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`SET LOCAL session_replication_role = replica`, nil},
			{`INSERT INTO sites (code, name) VALUES ('` + BenchSite + `', 'Benchmark')`, nil},
			{`INSERT INTO participants (id, code, site, role, number, lang, status, baseline_date)
			 SELECT g, 'BENCH-C-' || lpad(g::text, 7, '0'), 'BENCH', 'consumer', g, 'en', 'active',
			        CASE WHEN g <= $2 THEN ($3::date - interval '12 months')::date
			             ELSE $3::date - 1 - (g % 700) END
			 FROM generate_series(1, $1) g`, []any{n, d, today}},
			{`SELECT setval('participants_id_seq', $1)`, []any{n}},
			{`INSERT INTO telegram_links (participant_id, user_id, chat_id) SELECT g, g, g FROM generate_series(1, $1) g`, []any{n}},
			{`INSERT INTO consents (participant_id, version, agreed, decided_at)
			 SELECT g, '1', true, $2 FROM generate_series(1, $1) g`, []any{n, now}},
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
			if _, err := tx.tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("%.60s: %w", strings.TrimSpace(st.q), err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if err := s.ResetBenchmarkDue(ctx, due, now); err != nil {
		return false, err
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return false, err
	}
	return true, s.SetSetting(ctx, benchSeededKey, want)
}

func mustOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return time.UTC
	}
	return loc
}

// ResetBenchmarkDue makes the seed's due reminders due again at now,
// pending and unclaimed, spread over the hour before it, so that each
// benchmark run dispatches the same work.
func (s *Store) ResetBenchmarkDue(ctx context.Context, due int, now time.Time) (err error) {
	defer wrap(&err, "Store.ResetBenchmarkDue")
	_, err = s.db.ExecContext(ctx, `
		UPDATE reminders SET status = 'pending', sent_at = NULL, claimed_at = NULL,
			claimed_by = NULL, attempts = 0, last_error = NULL, note = NULL,
			send_at = $2::timestamptz - (participant_id % 60) * interval '1 minute'
		WHERE participant_id <= $1 AND timepoint = 'm12' AND step = 'due'`, due, now)
	return err
}

// errRollback ends a probe's transaction without keeping its changes.
var errRollback = errors.New("rollback")

// ProbeFind runs the dispatcher's query that finds and locks what is due
// (dueQuery, without claiming) for up to limit reminders at now, rolled
// back, and returns how many it found. Without index, the planner may not
// use indexes: the baseline to compare with.
func (s *Store) ProbeFind(ctx context.Context, now time.Time, limit int, withoutIndex bool) (found int, err error) {
	defer wrap(&err, "Store.ProbeFind")
	err = s.InTx(ctx, func(tx *Tx) error {
		if withoutIndex {
			if _, err := tx.tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
				return err
			}
		}
		var ids []int64
		if err := tx.tx.SelectContext(ctx, &ids, dueQuery, now, now.Add(-5*time.Minute), limit); err != nil {
			return err
		}
		found = len(ids)
		return errRollback
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return found, err
}

// VacuumReminders vacuums and analyses the reminders table, as autovacuum
// would between a seed's runs.
func (s *Store) VacuumReminders(ctx context.Context) (err error) {
	defer wrap(&err, "Store.VacuumReminders")
	_, err = s.db.ExecContext(ctx, `VACUUM (ANALYZE) reminders`)
	return err
}

// LinkBenchmarkChats points the chats of the seed's participants 1, 2, ...
// at chatIDs, in order (the fake Telegram's users).
func (s *Store) LinkBenchmarkChats(ctx context.Context, chatIDs []int64) (err error) {
	defer wrap(&err, "Store.LinkBenchmarkChats")
	_, err = s.db.ExecContext(ctx, `
		UPDATE telegram_links l SET user_id = c.chat, chat_id = c.chat
		FROM unnest($1::bigint[]) WITH ORDINALITY c(chat, n)
		WHERE l.participant_id = c.n`, pq.Array(chatIDs))
	return err
}

// ProbeClaim runs the dispatcher's claim query for up to limit reminders
// due at now and rolls it back, returning how many it found and, with
// explain, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of it (run in a
// transaction of its own, also rolled back). Without index, the planner may
// not use indexes: the baseline to compare with.
func (s *Store) ProbeClaim(ctx context.Context, now time.Time, limit int, explain, withoutIndex bool) (found int, plan string, err error) {
	defer wrap(&err, "Store.ProbeClaim")
	rolledBack := func(fn func(tx *Tx) error) error {
		err := s.InTx(ctx, func(tx *Tx) error {
			if withoutIndex {
				if _, err := tx.tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
					return err
				}
			}
			if err := fn(tx); err != nil {
				return err
			}
			return errRollback
		})
		if errors.Is(err, errRollback) {
			return nil
		}
		return err
	}
	err = rolledBack(func(tx *Tx) error {
		rows, err := claimReminders(ctx, tx.tx, "probe", now, now.Add(-5*time.Minute), limit)
		found = len(rows)
		return err
	})
	if err != nil || !explain {
		return found, "", err
	}
	err = rolledBack(func(tx *Tx) error {
		var lines []string
		err := tx.tx.SelectContext(ctx, &lines, `EXPLAIN (ANALYZE, BUFFERS) `+claimQuery,
			now, now.Add(-5*time.Minute), limit, "probe")
		plan = strings.Join(lines, "\n")
		return err
	})
	return found, plan, err
}
