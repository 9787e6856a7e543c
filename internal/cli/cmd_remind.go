package cli

import (
	"errors"
	"fmt"

	"github.com/imrbot/imrbot/reminders"
)

// RemindCmd is `imrbot remind --participant CODE | --all-due`.
type RemindCmd struct {
	Participant string `placeholder:"CODE" xor:"who" required:"" help:"Remind this participant of what they still owe."`
	AllDue      bool   `name:"all-due" xor:"who" required:"" help:"Remind everyone with an open or overdue follow-up."`
}

// Run queues manual reminders and, with TELEGRAM_BOT_TOKEN set, sends
// them at once through the same bot Sender and dispatcher serve uses, so
// the contract's "sent at once" holds with or without a running serve.
// Each line is RECIPIENT, SUBJECT, TIMEPOINT and, when sending, what
// happened (sent, or not sent and why), tab-separated. Without a token
// the reminders stay queued for a running serve's next tick.
func (c *RemindCmd) Run(app *App) error {
	// The settings are checked before the database is opened (and perhaps
	// migrated), so that a bad one changes nothing.
	rcfg, err := reminderConfig(app)
	if err != nil {
		return err
	}
	tg, err := readTelegramSettings(app.Getenv)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	ctx := app.Context
	st, err := app.Store(ctx)
	if err != nil {
		return err
	}
	// Built before anything is queued, so that a failure queues nothing.
	var dispatcher *reminders.Dispatcher
	if tg.token != "" {
		if _, dispatcher, err = newSending(app, st, catalog, rcfg, tg, nil, nil); err != nil {
			return err
		}
	}
	m := &reminders.Manual{Store: st, Catalog: catalog}
	var queued []reminders.Queued
	if c.AllDue {
		queued, err = m.AllDue(ctx, nil, reminders.ScopeDue, app.Now(), "cli")
	} else {
		queued, err = m.Participant(ctx, c.Participant, nil, app.Now(), "cli")
	}
	switch {
	case errors.Is(err, reminders.ErrUnknownParticipant):
		return Usagef("unknown participant %q", c.Participant)
	case errors.Is(err, reminders.ErrWithdrawn), errors.Is(err, reminders.ErrNotReachable), errors.Is(err, reminders.ErrNothingDue):
		return fmt.Errorf("no reminder sent: %w", err)
	case err != nil:
		return err
	}
	if dispatcher == nil {
		for _, q := range queued {
			fmt.Fprintf(app.Stdout, "%s\t%s\t%s\n", q.Recipient, q.Subject, q.Timepoint)
		}
		if len(queued) > 0 {
			fmt.Fprintln(app.Stderr, "imrbot: TELEGRAM_BOT_TOKEN is not set: reminders queued; a running `imrbot serve` sends them")
		}
		return nil
	}
	return sendQueued(app, dispatcher, queued)
}

// sendQueued sends what Run queued and prints what became of each. It
// fails, in one line, only when nothing was sent because of an error.
func sendQueued(app *App, dispatcher *reminders.Dispatcher, queued []reminders.Queued) error {
	if len(queued) == 0 {
		return nil
	}
	done, err := dispatcher.SendNow(app.Context, queued)
	sent := 0
	for _, d := range done {
		what := "sent"
		if !d.Sent {
			what = "not sent: " + oneLine(d.Why)
		} else {
			sent++
		}
		if err == nil && d.Err != nil {
			err = d.Err
		}
		fmt.Fprintf(app.Stdout, "%s\t%s\t%s\t%s\n", d.Recipient, d.Subject, d.Timepoint, what)
	}
	if sent == 0 && err != nil {
		return fmt.Errorf("no reminder sent: %w", err)
	}
	return nil
}

// reminderConfig reads REMINDER_INTERVAL and REMINDER_QUIET_HOURS.
func reminderConfig(app *App) (reminders.Config, error) {
	cfg, err := reminders.ReadConfig(app.lookupEnv)
	if err != nil {
		return cfg, UsageError{Err: err}
	}
	return cfg, nil
}
