package reminders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Defaults of the Dispatcher's tuning fields.
const (
	DefaultInterval     = time.Minute
	DefaultStallTimeout = 5 * time.Minute
	DefaultSendTimeout  = time.Minute
	DefaultWorkers      = 32
	DefaultBatch        = 200
	DefaultMaxAttempts  = 24 // with the backoff capped at an hour, about a day
	maxBackoff          = time.Hour
)

// Dispatcher sends due reminders exactly once per (recipient, subject,
// timepoint, step), however many serve processes run one against one
// database. Each tick it plans the schedules that changed (and brings the
// cohort's counts up to date, store.RefreshCohortFacts), then claims due
// rows with FOR UPDATE SKIP LOCKED (and rows whose claimer stalled), checks
// each again, and sends it or cancels it.
//
// A claim is renewed right before the send, and a send is bounded by
// SendTimeout, well under StallTimeout, so a live dispatcher's claim is
// never taken over mid-send. If a process dies after Telegram accepted a
// message but before the one-statement commit that follows, the row is
// claimed again after StallTimeout and sent a second time: a duplicate is
// possible in that window of one database round trip, a lost reminder is
// not (see the README).
type Dispatcher struct {
	Store     *store.Store
	Messenger Messenger
	Catalog   *questionnaires.Catalog
	Now       func() time.Time
	Interval  time.Duration
	Logger    *slog.Logger
	// Hours are the send hours (REMINDER_QUIET_HOURS).
	Hours SendHours
	// Unreachable recognises a Messenger error meaning 403 beyond
	// ErrUnreachable (the bot's own sentinel, say); nil: ErrUnreachable only.
	Unreachable func(error) bool
	// Rejected recognises a Messenger error meaning Telegram refused the
	// message itself (a 400): it fails at once, as it would every time.
	Rejected func(error) bool
	// Owner names this dispatcher in claimed_by; "" makes one up.
	Owner        string
	Workers      int
	Batch        int
	StallTimeout time.Duration
	SendTimeout  time.Duration
	MaxAttempts  int

	once sync.Once
	wake chan struct{}
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.wake = make(chan struct{}, 1)
		if d.Owner == "" {
			var b [4]byte
			_, _ = rand.Read(b[:])
			host, _ := os.Hostname()
			d.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
		}
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		d.Interval = orDefault(d.Interval, DefaultInterval)
		d.StallTimeout = orDefault(d.StallTimeout, DefaultStallTimeout)
		d.SendTimeout = orDefault(d.SendTimeout, DefaultSendTimeout)
		d.Workers = orDefault(d.Workers, DefaultWorkers)
		d.Batch = orDefault(d.Batch, DefaultBatch)
		d.MaxAttempts = orDefault(d.MaxAttempts, DefaultMaxAttempts)
	})
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (d *Dispatcher) planner() *Planner {
	return &Planner{Catalog: d.Catalog, Hours: d.Hours}
}

// Run ticks every Interval, and at once after Wake, until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	for {
		if _, err := d.Tick(ctx, d.Now()); err != nil && ctx.Err() == nil {
			d.Logger.Error("reminder tick failed", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
		}
	}
}

// Wake makes Run tick now, for reminders a coordinator just asked for.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// TickStats says what one tick did; Deferred were put off while their
// recipient was answering.
type TickStats struct {
	Planned, Sent, Cancelled, Escalated, Retried, Failed, Lost, Deferred int
}

// Tick plans what changed and handles every reminder due at now. Tests
// call it with an injected clock.
//
// One goroutine claims batches while Workers goroutines send, so that the
// Messenger's rate, not the claim round trips, sets the pace; at most two
// batches wait claimed at a time, far less than StallTimeout's worth.
func (d *Dispatcher) Tick(ctx context.Context, now time.Time) (TickStats, error) {
	d.init()
	var st TickStats
	n, err := d.planner().PlanQueued(ctx, d.Store, now)
	st.Planned = n
	if err != nil {
		return st, err
	}
	// Expiry failing must not hold up sending: decide re-checks each
	// window, and the idle rule reads closed windows itself (load).
	closed, err := d.closedThrough(ctx, now)
	if err == nil {
		var n int
		if n, err = d.expireClosed(ctx, closed); n > 0 {
			d.Logger.Info("closed assessments expired", slog.Int("assessments", n))
		}
	}
	if err != nil {
		d.Logger.Error("cannot expire closed assessments", slog.Any("err", err))
	}
	// Nor must the cohort's counts, which every count refreshes anyway:
	// done here, between counts, a page seldom finds much to do (at
	// start, after an upgrade, everyone's).
	d.refreshCohort(ctx)
	var (
		mu       sync.Mutex
		workers  sync.WaitGroup
		inflight sync.WaitGroup
		work     = make(chan store.Reminder, d.Batch)
	)
	for range d.Workers {
		workers.Go(func() {
			for r := range work {
				out, _ := d.process(ctx, r, now, closed)
				mu.Lock()
				out.add(&st)
				mu.Unlock()
				inflight.Done()
			}
		})
	}
	var claimErr error
	for idle := false; ctx.Err() == nil; {
		claimed, err := d.Store.ClaimReminders(ctx, d.Owner, d.Now(), d.Now().Add(-d.StallTimeout), d.Batch)
		if err != nil {
			claimErr = fmt.Errorf("reminders.Tick: %w", err)
			break
		}
		if len(claimed) == 0 {
			if idle {
				break
			}
			// What is being sent may queue more that is due now (an
			// escalation's notices): claim once more when it is done.
			inflight.Wait()
			idle = true
			continue
		}
		idle = false
		inflight.Add(len(claimed))
		for _, r := range claimed {
			work <- r
		}
	}
	close(work)
	workers.Wait()
	if claimErr != nil {
		return st, claimErr
	}
	return st, ctx.Err()
}

type outcome int

const (
	outSent outcome = iota
	outCancelled
	outEscalated
	outRetried
	outFailed
	outLost
	// outUnreachable: Telegram refused the chat (403); counted as failed.
	outUnreachable
	// outDeferred: the recipient answered in the last IdleAfter.
	outDeferred
)

func (o outcome) add(st *TickStats) {
	switch o {
	case outSent:
		st.Sent++
	case outCancelled:
		st.Cancelled++
	case outEscalated:
		st.Escalated++
	case outRetried:
		st.Retried++
	case outFailed, outUnreachable:
		st.Failed++
	case outLost:
		st.Lost++
	case outDeferred:
		st.Deferred++
	}
}

// refreshCohort brings the cohort's counts up to date; counts that have
// drifted from the facts (a fault) are logged and counted afresh.
func (d *Dispatcher) refreshCohort(ctx context.Context) {
	n, err := d.Store.RefreshCohortFacts(ctx)
	switch {
	case errors.Is(err, store.ErrCohortDrift):
		d.Logger.Error("the cohort's counts had drifted from its facts; counting everyone afresh", slog.Any("err", err))
		if err := d.Store.RebuildCohortFacts(ctx); err != nil {
			d.Logger.Error("cannot count the cohort afresh", slog.Any("err", err))
		}
	case err != nil:
		d.Logger.Error("cannot refresh the cohort's counts", slog.Any("err", err))
	case n > 0:
		d.Logger.Debug("cohort's counts refreshed", slog.Int("changes", n))
	}
}

// process checks one claimed reminder and sends, cancels or escalates it,
// and says why when it did not send. A database error leaves the row
// claimed; it is taken up again once its claim stalls.
func (d *Dispatcher) process(ctx context.Context, r store.Reminder, now time.Time, closed []store.ClosedThrough) (outcome, string) {
	log := d.Logger.With(slog.Int64("reminder", r.ID), slog.String("timepoint", r.Timepoint), slog.String("step", r.Step))
	in, err := d.load(ctx, r, closed)
	if err != nil {
		log.Error("cannot load reminder", slog.Any("err", err))
		return outLost, err.Error()
	}
	v := decide(d.Catalog, in, now)
	switch {
	case v.cancel != "":
		if err := d.Store.CancelReminder(ctx, r.ID, d.Owner, d.Now(), v.cancel); err != nil {
			log.Error("cannot cancel reminder", slog.Any("err", err))
			return outLost, err.Error()
		}
		log.Debug("reminder cancelled", slog.String("reason", v.cancel))
		return outCancelled, v.cancel
	case v.escalate:
		n, err := d.Store.EscalateReminder(ctx, r, d.Owner, d.Now(), d.Hours.Next(d.Now(), questionnaires.Location(in.subject.Timezone)))
		if err != nil {
			log.Error("cannot escalate reminder", slog.Any("err", err))
			return outLost, err.Error()
		}
		log.Info("follow-up escalated to coordinators", slog.Int("coordinators", n))
		return outEscalated, "escalated to coordinators"
	case !v.deferTo.IsZero():
		at := d.Hours.Next(v.deferTo, questionnaires.Location(in.recipient.Timezone))
		if err := d.Store.DeferReminder(ctx, r.ID, d.Owner, at); err != nil {
			log.Error("cannot defer reminder", slog.Any("err", err))
			return outLost, err.Error()
		}
		return outDeferred, "deferred until idle" // the recipient is answering
	}
	if err := d.renew(ctx, r); err != nil {
		log.Warn("reminder claim lost before sending", slog.Any("err", err))
		return outLost, err.Error()
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	_, sendErr := d.Messenger.SendMessage(sendCtx, v.chatID, v.msg)
	cancel()
	if sendErr == nil {
		// The window that can duplicate a message: keep it one statement.
		if err := d.Store.MarkReminderSent(context.WithoutCancel(ctx), r.ID, d.Owner, d.Now(), ""); err != nil {
			log.Error("reminder sent but not recorded", slog.Any("err", err))
			return outLost, "sent but not recorded: " + err.Error()
		}
		return outSent, ""
	}
	return d.failed(ctx, r, in, sendErr, log), sendErr.Error()
}

// renew makes sure no other dispatcher can take the row over during the
// send: a claim young enough to outlast the send timeout with room to spare
// is left as it is (the usual case, as batches are claimed just before they
// are sent), an older one is renewed in the database first.
func (d *Dispatcher) renew(ctx context.Context, r store.Reminder) error {
	now := d.Now()
	if r.ClaimedAt.Valid && now.Add(2*d.SendTimeout).Before(r.ClaimedAt.Time.Add(d.StallTimeout)) {
		return nil
	}
	return d.Store.RenewClaim(ctx, r.ID, d.Owner, now)
}

// load reads what decide needs about a claimed reminder; closed says
// which windows have closed (closedThrough), for the idle rule.
func (d *Dispatcher) load(ctx context.Context, r store.Reminder, closed []store.ClosedThrough) (sendCheck, error) {
	in := sendCheck{r: r}
	ps, err := d.Store.ScheduleParticipants(ctx, []int64{r.ParticipantID, r.SubjectID})
	if err != nil {
		return in, err
	}
	in.recipient, in.subject = ps[r.ParticipantID], ps[r.SubjectID]
	if in.subject == nil {
		return in, nil
	}
	if in.subject.ClinicianID.Valid {
		if c, ok := ps[in.subject.ClinicianID.Int64]; ok {
			in.clinician = c
		} else if cs, err := d.Store.ScheduleParticipants(ctx, []int64{in.subject.ClinicianID.Int64}); err != nil {
			return in, err
		} else {
			in.clinician = cs[in.subject.ClinicianID.Int64]
		}
	}
	if r.Timepoint == store.UnreachableTimepoint {
		return in, nil
	}
	if in.states, err = d.Store.AssessmentStatesAt(ctx, r.SubjectID, r.Timepoint); err != nil {
		return in, err
	}
	if in.subject.Role == string(questionnaires.RoleCoordinator) {
		if in.assessors, err = d.Store.AssessorsInStudy(ctx); err != nil {
			return in, err
		}
	}
	if Step(r.Step) == StepEscalate {
		return in, nil
	}
	if in.lastAnswer, _, err = d.Store.LastAnswerAt(ctx, r.ParticipantID, closed); err != nil {
		return in, err
	}
	in.notified, err = d.Store.Notified(ctx, r.ParticipantID, r.SubjectID, r.Timepoint)
	return in, err
}
