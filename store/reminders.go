package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// Reminder is one row of the reminder schedule: a step of a timepoint that
// goes to a recipient (ParticipantID) about a subject, once.
type Reminder struct {
	ID            int64          `db:"id"`
	ParticipantID int64          `db:"participant_id"`
	SubjectID     int64          `db:"subject_id"`
	Timepoint     string         `db:"timepoint"`
	Step          string         `db:"step"`
	Status        string         `db:"status"`
	SendAt        time.Time      `db:"send_at"`
	Attempts      int            `db:"attempts"`
	ClaimedAt     sql.NullTime   `db:"claimed_at"`
	ClaimedBy     sql.NullString `db:"claimed_by"`
	SentAt        sql.NullTime   `db:"sent_at"`
	LastError     sql.NullString `db:"last_error"`
	Note          sql.NullString `db:"note"`
}

// Reminder statuses.
const (
	ReminderPending = "pending"
	ReminderSent    = "sent"
	ReminderFailed  = "failed"
	ReminderSkipped = "skipped"
)

const reminderColumns = `id, participant_id, subject_id, timepoint, step, status, send_at,
	attempts, claimed_at, claimed_by, sent_at, last_error, note`

// PlannedReminder is a step to write into the schedule. A non-empty Skipped
// records it as skipped with that note.
type PlannedReminder struct {
	ParticipantID int64
	SubjectID     int64
	Timepoint     string
	Step          string
	SendAt        time.Time
	Skipped       string
}

// ErrClaimLost is returned when a claimed reminder was taken over by
// another dispatcher (it found the claim stalled) before this one finished.
var ErrClaimLost = errors.New("reminder claim lost to another dispatcher")

// PlanReminders writes planned steps. A step not yet in the schedule is
// inserted; one that already is keeps its row when it was sent, failed or is
// being sent, and otherwise (pending, skipped, cancelled) takes the new plan,
// so that a corrected baseline date moves what has not happened yet and
// nothing else. Running it twice with one plan changes nothing.
func (tx *Tx) PlanReminders(ctx context.Context, rows []PlannedReminder) (err error) {
	defer wrap(&err, "Tx.PlanReminders")
	rows = uniqueReminders(rows)
	if len(rows) == 0 {
		return nil
	}
	var (
		participants, subjects             = make([]int64, len(rows)), make([]int64, len(rows))
		timepoints, steps, statuses, notes = make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows)), make([]sql.NullString, len(rows))
		sendAt                             = make([]time.Time, len(rows))
	)
	for i, r := range rows {
		participants[i], subjects[i] = r.ParticipantID, r.SubjectID
		timepoints[i], steps[i], sendAt[i] = r.Timepoint, r.Step, r.SendAt
		statuses[i] = ReminderPending
		if r.Skipped != "" {
			statuses[i], notes[i] = ReminderSkipped, sql.NullString{String: r.Skipped, Valid: true}
		}
	}
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO reminders (participant_id, subject_id, timepoint, step, status, send_at, note)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
			$6::timestamptz[], $7::text[])
		ON CONFLICT (participant_id, subject_id, timepoint, step) DO UPDATE SET
			status = EXCLUDED.status, send_at = EXCLUDED.send_at, note = EXCLUDED.note,
			attempts = 0, last_error = NULL
		WHERE reminders.status IN ('pending', 'skipped', 'cancelled')
		  AND (reminders.status, reminders.send_at, reminders.note)
		      IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.send_at, EXCLUDED.note)`,
		pq.Array(participants), pq.Array(subjects), pq.Array(timepoints), pq.Array(steps),
		pq.Array(statuses), pq.Array(sendAt), pq.Array(notes))
	return err
}

// uniqueReminders keeps the last of rows with one key, as if each had been
// written in turn: one INSERT ... ON CONFLICT DO UPDATE may not touch a row
// twice.
func uniqueReminders(rows []PlannedReminder) []PlannedReminder {
	type key struct {
		to, subject     int64
		timepoint, step string
	}
	at := make(map[key]int, len(rows))
	out := rows[:0:0]
	for _, r := range rows {
		k := key{r.ParticipantID, r.SubjectID, r.Timepoint, r.Step}
		if i, seen := at[k]; seen {
			out[i] = r
			continue
		}
		at[k] = len(out)
		out = append(out, r)
	}
	return out
}

// AddReminders inserts steps that must not change once written (manual
// reminders, notices to coordinators) and returns how many were new.
func (s *Store) AddReminders(ctx context.Context, rows []PlannedReminder) (n int, err error) {
	defer wrap(&err, "Store.AddReminders")
	err = s.InTx(ctx, func(tx *Tx) error {
		n, err = tx.AddReminders(ctx, rows)
		return err
	})
	return n, err
}

// AddReminders inserts steps inside the transaction; see Store.AddReminders.
func (tx *Tx) AddReminders(ctx context.Context, rows []PlannedReminder) (n int, err error) {
	defer wrap(&err, "Tx.AddReminders")
	for _, r := range rows {
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO reminders (participant_id, subject_id, timepoint, step, send_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (participant_id, subject_id, timepoint, step) DO NOTHING`,
			r.ParticipantID, r.SubjectID, r.Timepoint, r.Step, r.SendAt)
		if err != nil {
			return n, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(k)
	}
	return n, nil
}

// ClaimReminders takes up to limit reminders due at now for owner: pending
// ones, and claimed ones whose claim is older than stalledBefore (their
// dispatcher died). SKIP LOCKED lets any number of dispatchers claim at once
// without waiting for or taking each other's rows. The partial index
// reminders_due (send_at) WHERE status IN ('pending', 'claimed') finds the
// rows; = ANY(ARRAY(...)) makes the update fetch them by primary key rather
// than join a scan of the whole table.
func (s *Store) ClaimReminders(ctx context.Context, owner string, now, stalledBefore time.Time, limit int) (_ []Reminder, err error) {
	defer wrap(&err, "Store.ClaimReminders")
	var out []Reminder
	err = s.db.SelectContext(ctx, &out, ClaimRemindersSQL, now, stalledBefore, limit, owner)
	return out, err
}

// DueRemindersSQL is the dispatcher's statement that finds and locks what
// is due: $1 now, $2 stalled before, $3 limit. It and ClaimRemindersSQL
// are exported only so that bench/reminders times and explains exactly
// what the dispatcher runs; nothing else may run them.
const DueRemindersSQL = `
		SELECT id FROM reminders
		WHERE status IN ('pending', 'claimed') AND send_at <= $1
		  AND (status = 'pending' OR claimed_at < $2)
		ORDER BY send_at
		LIMIT $3
		FOR UPDATE SKIP LOCKED`

// ClaimRemindersSQL claims what DueRemindersSQL finds, for owner $4.
const ClaimRemindersSQL = `
	UPDATE reminders r SET status = 'claimed', claimed_at = $1, claimed_by = $4,
		attempts = r.attempts + 1
	WHERE r.id = ANY (ARRAY(` + DueRemindersSQL + `))
	RETURNING r.id, r.participant_id, r.subject_id, r.timepoint, r.step, r.status, r.send_at,
		r.attempts, r.claimed_at, r.claimed_by, r.sent_at, r.last_error, r.note`

// RenewClaim confirms that owner still holds the reminder's claim and
// restarts its stall clock at now; the dispatcher calls it right before
// sending, so no other dispatcher can take the row over during the send.
// ErrClaimLost: someone else holds it now.
func (s *Store) RenewClaim(ctx context.Context, id int64, owner string, now time.Time) (err error) {
	defer wrap(&err, "Store.RenewClaim(%d)", id)
	return oneRow(s.db.ExecContext(ctx, `
		UPDATE reminders SET claimed_at = $3
		WHERE id = $1 AND status = 'claimed' AND claimed_by = $2`, id, owner, now))
}

// MarkReminderSent records that Telegram accepted the reminder, with its
// audit entry, in one statement: the only work between Telegram's answer
// and the commit.
func (s *Store) MarkReminderSent(ctx context.Context, id int64, owner string, now time.Time, note string) (err error) {
	defer wrap(&err, "Store.MarkReminderSent(%d)", id)
	return oneRow(s.db.ExecContext(ctx, `
		WITH r AS (
			UPDATE reminders SET status = 'sent', sent_at = $3, last_error = NULL,
				note = nullif($4, '')
			WHERE id = $1 AND status = 'claimed' AND claimed_by = $2
			RETURNING id, participant_id, subject_id, timepoint, step, attempts)
		INSERT INTO audit_log (at, actor, action, participant_id, detail)
		SELECT $3, 'system', 'reminder_sent', r.participant_id,
			jsonb_build_object('reminder', r.id, 'subject', r.subject_id,
				'timepoint', r.timepoint, 'step', r.step, 'attempts', r.attempts, 'note', $4)
		FROM r`, id, owner, now, note))
}

// CancelReminder records that a claimed reminder will never be sent, and
// why, with its audit entry.
func (s *Store) CancelReminder(ctx context.Context, id int64, owner string, now time.Time, reason string) (err error) {
	defer wrap(&err, "Store.CancelReminder(%d)", id)
	return oneRow(s.db.ExecContext(ctx, `
		WITH r AS (
			UPDATE reminders SET status = 'cancelled', note = $4
			WHERE id = $1 AND status = 'claimed' AND claimed_by = $2
			RETURNING id, participant_id, subject_id, timepoint, step)
		INSERT INTO audit_log (at, actor, action, participant_id, detail)
		SELECT $3, 'system', 'reminder_cancelled', r.participant_id,
			jsonb_build_object('reminder', r.id, 'subject', r.subject_id,
				'timepoint', r.timepoint, 'step', r.step, 'reason', $4)
		FROM r`, id, owner, now, reason))
}

// RetryReminder gives a claimed reminder back to the schedule for another
// attempt at at, remembering the error.
func (s *Store) RetryReminder(ctx context.Context, id int64, owner string, at time.Time, lastError string) (err error) {
	defer wrap(&err, "Store.RetryReminder(%d)", id)
	return oneRow(s.db.ExecContext(ctx, `
		UPDATE reminders SET status = 'pending', send_at = $3, last_error = $4,
			claimed_at = NULL, claimed_by = NULL
		WHERE id = $1 AND status = 'claimed' AND claimed_by = $2`, id, owner, at, lastError))
}

// FailReminder gives up on a claimed reminder, with its audit entry.
func (s *Store) FailReminder(ctx context.Context, id int64, owner string, now time.Time, note, lastError string) (err error) {
	defer wrap(&err, "Store.FailReminder(%d)", id)
	return s.InTx(ctx, func(tx *Tx) error { return tx.failReminder(ctx, id, owner, now, note, lastError) })
}

func (tx *Tx) failReminder(ctx context.Context, id int64, owner string, now time.Time, note, lastError string) error {
	return oneRow(tx.tx.ExecContext(ctx, `
		WITH r AS (
			UPDATE reminders SET status = 'failed', note = $4, last_error = $5
			WHERE id = $1 AND status = 'claimed' AND claimed_by = $2
			RETURNING id, participant_id, subject_id, timepoint, step, attempts)
		INSERT INTO audit_log (at, actor, action, participant_id, detail)
		SELECT $3, 'system', 'reminder_failed', r.participant_id,
			jsonb_build_object('reminder', r.id, 'subject', r.subject_id, 'timepoint', r.timepoint,
				'step', r.step, 'attempts', r.attempts, 'note', $4, 'error', $5)
		FROM r`, id, owner, now, note, lastError))
}

// ReminderUnreachable records that Telegram refused the reminder with 403:
// the reminder failed, its recipient becomes unreachable (if they were
// active), and notices to the site's coordinators are queued, all in one
// transaction. It reports whether the recipient's status changed.
func (s *Store) ReminderUnreachable(ctx context.Context, r Reminder, owner string, now, noticeAt time.Time, lastError string) (changed bool, err error) {
	defer wrap(&err, "Store.ReminderUnreachable(%d)", r.ID)
	err = s.InTx(ctx, func(tx *Tx) error {
		if err := tx.failReminder(ctx, r.ID, owner, now, "unreachable", lastError); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `
			UPDATE participants SET status = 'unreachable' WHERE id = $1 AND status = 'active'`, r.ParticipantID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if changed = n == 1; changed {
			if err := tx.Audit(ctx, "system", "unreachable", &r.ParticipantID, map[string]any{"reason": lastError}); err != nil {
				return err
			}
		}
		_, err = tx.QueueCoordinatorNotices(ctx, r.ParticipantID, UnreachableTimepoint, UnreachableStep(now), noticeAt)
		return err
	})
	return changed, err
}

// UnreachableTimepoint is the timepoint column of notices that are about a
// participant rather than one of their timepoints.
const UnreachableTimepoint = ""

// UnreachableStep keys the notice that a participant became unreachable:
// one per day at most, however many messages bounced.
func UnreachableStep(now time.Time) string {
	return "unreachable:" + now.UTC().Format(time.DateOnly)
}

// QueueCoordinatorNotices queues, for each active coordinator of subject's
// site whose chat is linked, a notice (step) about subject, sent at sendAt.
// A coordinator already told is not told again. It returns how many were new.
func (tx *Tx) QueueCoordinatorNotices(ctx context.Context, subjectID int64, timepoint, step string, sendAt time.Time) (n int, err error) {
	defer wrap(&err, "Tx.QueueCoordinatorNotices(%d)", subjectID)
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO reminders (participant_id, subject_id, timepoint, step, send_at)
		SELECT c.id, s.id, $2, $3, $4
		FROM participants s
		JOIN participants c ON c.site = s.site AND c.role = 'coordinator' AND c.status = 'active'
		JOIN telegram_links l ON l.participant_id = c.id
		WHERE s.id = $1 AND c.id <> s.id
		ON CONFLICT (participant_id, subject_id, timepoint, step) DO NOTHING`,
		subjectID, timepoint, step, sendAt)
	if err != nil {
		return 0, err
	}
	k, err := res.RowsAffected()
	return int(k), err
}

// QueueCoordinatorNotices queues notices in a transaction of its own; see
// Tx.QueueCoordinatorNotices.
func (s *Store) QueueCoordinatorNotices(ctx context.Context, subjectID int64, timepoint, step string, sendAt time.Time) (n int, err error) {
	defer wrap(&err, "Store.QueueCoordinatorNotices(%d)", subjectID)
	err = s.InTx(ctx, func(tx *Tx) error {
		n, err = tx.QueueCoordinatorNotices(ctx, subjectID, timepoint, step, sendAt)
		return err
	})
	return n, err
}

// EscalateReminder turns a claimed escalation step into notices to the
// site's coordinators, sent at sendAt, and marks it sent, in one
// transaction. It returns how many coordinators will be told.
func (s *Store) EscalateReminder(ctx context.Context, r Reminder, owner string, now, sendAt time.Time) (n int, err error) {
	defer wrap(&err, "Store.EscalateReminder(%d)", r.ID)
	err = s.InTx(ctx, func(tx *Tx) error {
		n, err = tx.QueueCoordinatorNotices(ctx, r.SubjectID, r.Timepoint, r.Step, sendAt)
		if err != nil {
			return err
		}
		return oneRow(tx.tx.ExecContext(ctx, `
			WITH r AS (
				UPDATE reminders SET status = 'sent', sent_at = $3, note = $4
				WHERE id = $1 AND status = 'claimed' AND claimed_by = $2
				RETURNING id, participant_id, subject_id, timepoint, step)
			INSERT INTO audit_log (at, actor, action, participant_id, detail)
			SELECT $3, 'system', 'reminder_escalated', r.participant_id,
				jsonb_build_object('reminder', r.id, 'timepoint', r.timepoint, 'note', $4)
			FROM r`, r.ID, owner, now, "coordinators told: "+strconv.Itoa(n)))
	})
	return n, err
}

// oneRow turns an Exec result into ErrClaimLost unless exactly one row
// changed: every claimed-row update names its owner, so zero rows means the
// claim went to someone else.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrClaimLost
	}
	return nil
}

// RemindersOf lists every reminder row with the participant as recipient or
// subject, oldest step first; for coordinators' views and tests.
func (s *Store) RemindersOf(ctx context.Context, participantID int64) (_ []Reminder, err error) {
	defer wrap(&err, "Store.RemindersOf(%d)", participantID)
	var out []Reminder
	err = s.db.SelectContext(ctx, &out, `
		SELECT `+reminderColumns+` FROM reminders
		WHERE participant_id = $1 OR subject_id = $1
		ORDER BY send_at, id`, participantID)
	return out, err
}
