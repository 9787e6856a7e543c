package reminders

import (
	"context"
	"fmt"
	"sync"

	"github.com/imrbot/imrbot/store"
)

// Delivery says what SendNow did with one queued manual reminder.
type Delivery struct {
	Queued
	Sent bool
	// Why it was not sent: the send-time check's reason, or Err's text.
	Why string
	// Err is the error that kept it from being sent, if one did; the row
	// is then left to a running serve to retry.
	Err error
}

// whyTaken: another dispatcher holds or already handled the row.
const whyTaken = "already taken by another dispatcher (a running serve sends it)"

// SendNow sends the manual reminders Manual just queued at once, for
// `imrbot remind`, which cannot wait for a serve's next tick. It claims
// exactly those rows, with the same SKIP LOCKED claim as Tick, so a serve
// running beside it never sends one of them a second time, and checks and
// sends each as Tick would. Deliveries come back in the order of queued.
func (d *Dispatcher) SendNow(ctx context.Context, queued []Queued) ([]Delivery, error) {
	d.init()
	out := make([]Delivery, len(queued))
	rows := make([]store.PlannedReminder, len(queued))
	at := make(map[store.PlannedReminder]int, len(queued))
	for i, q := range queued {
		out[i] = Delivery{Queued: q, Why: whyTaken}
		rows[i] = q.row
		at[key(q.row.ParticipantID, q.row.SubjectID, q.row.Timepoint, q.row.Step)] = i
	}
	now := d.Now()
	claimed, err := d.Store.ClaimRemindersOf(ctx, d.Owner, rows, now, now.Add(-d.StallTimeout))
	if err != nil {
		return out, fmt.Errorf("reminders.Dispatcher.SendNow: %w", err)
	}
	var (
		wg   sync.WaitGroup
		slot = make(chan struct{}, d.Workers)
	)
	for _, r := range claimed {
		i, ok := at[key(r.ParticipantID, r.SubjectID, r.Timepoint, r.Step)]
		if !ok {
			continue // cannot happen: the claim is narrowed to rows
		}
		slot <- struct{}{}
		wg.Go(func() {
			defer func() { <-slot }()
			// Manual reminders are not put off while one answers, so the
			// idle rule's closed windows are not needed.
			o, why := d.process(ctx, r, now, nil)
			out[i].Sent, out[i].Why = o == outSent, why
			switch o { // an unreachable participant is an answer, not an error
			case outRetried, outFailed, outLost:
				out[i].Err = fmt.Errorf("reminders.Dispatcher.SendNow: %s", why)
			}
		})
	}
	wg.Wait()
	return out, ctx.Err()
}

// key identifies a reminder row by its unique columns.
func key(participant, subject int64, timepoint, step string) store.PlannedReminder {
	return store.PlannedReminder{ParticipantID: participant, SubjectID: subject, Timepoint: timepoint, Step: step}
}
