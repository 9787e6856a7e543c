package reminders

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// This file is what the dispatcher does when Telegram refuses a reminder
// (see README.md, "Failures"): a 403 makes the participant unreachable and
// tells the site's coordinators, a 400 fails the reminder at once, and
// anything else is retried with backoff.

// failed handles a send that Telegram did not accept.
func (d *Dispatcher) failed(ctx context.Context, r store.Reminder, in sendCheck, sendErr error, log *slog.Logger) outcome {
	ctx = context.WithoutCancel(ctx)
	now := d.Now()
	if errors.Is(sendErr, ErrUnreachable) || (d.Unreachable != nil && d.Unreachable(sendErr)) {
		changed, err := d.Store.ReminderUnreachable(ctx, r, d.Owner, now, d.Hours.Next(now, questionnaires.Location(in.recipient.Timezone)), sendErr.Error())
		if err != nil {
			log.Error("cannot record unreachable participant", slog.Any("err", err))
			return outLost
		}
		log.Info("participant unreachable", slog.String("participant", in.recipient.Code), slog.Bool("changed", changed))
		return outUnreachable
	}
	if rejected := d.Rejected != nil && d.Rejected(sendErr); rejected || r.Attempts >= d.MaxAttempts {
		why := "gave up"
		if rejected {
			why = "rejected"
		}
		if err := d.Store.FailReminder(ctx, r.ID, d.Owner, now, why, sendErr.Error()); err != nil {
			log.Error("cannot record failed reminder", slog.Any("err", err))
			return outLost
		}
		log.Error("reminder failed for good", slog.Int("attempts", r.Attempts), slog.Any("err", sendErr))
		return outFailed
	}
	at := d.Hours.Next(now.Add(Backoff(r.Attempts)), questionnaires.Location(in.recipient.Timezone))
	if err := d.Store.RetryReminder(ctx, r.ID, d.Owner, at, sendErr.Error()); err != nil {
		log.Error("cannot reschedule reminder", slog.Any("err", err))
		return outLost
	}
	log.Warn("reminder will be retried", slog.Time("at", at), slog.Any("err", sendErr))
	return outRetried
}

// Backoff is the wait after the attempts-th failed attempt: one minute,
// doubling, at most an hour.
func Backoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// NotifyUnreachable queues notices to the coordinators of a participant
// who became unreachable while the chat answered them (the bot's Sender
// calls it through its OnUnreachable hook); a reminder's own 403 does the
// same in its transaction. Each coordinator is told once a day at most.
func (d *Dispatcher) NotifyUnreachable(ctx context.Context, u *store.Unreachable) {
	d.init()
	now := d.Now()
	sites, err := d.Store.ScheduleParticipants(ctx, []int64{u.ParticipantID})
	loc := questionnaires.Location(questionnaires.DefaultTimezone)
	if err == nil {
		if p, ok := sites[u.ParticipantID]; ok {
			loc = questionnaires.Location(p.Timezone)
		}
	}
	if _, err := d.Store.QueueCoordinatorNotices(ctx, u.ParticipantID, store.UnreachableTimepoint, store.UnreachableStep(now), d.Hours.Next(now, loc)); err != nil {
		d.Logger.Error("cannot queue unreachable notices", slog.String("participant", u.Code), slog.Any("err", err))
		return
	}
	d.Wake()
}
