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

// Run queues manual reminders and prints RECIPIENT, SUBJECT and TIMEPOINT
// of each, tab-separated. A running `imrbot serve` sends them at its next
// dispatcher tick (REMINDER_INTERVAL), within Telegram's limits.
func (c *RemindCmd) Run(app *App) error {
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	m := &reminders.Manual{Store: st, Catalog: catalog}
	var queued []reminders.Queued
	if c.AllDue {
		queued, err = m.AllDue(app.Context, nil, app.Now(), "cli")
	} else {
		queued, err = m.Participant(app.Context, c.Participant, nil, app.Now(), "cli")
	}
	switch {
	case errors.Is(err, reminders.ErrUnknownParticipant):
		return Usagef("unknown participant %q", c.Participant)
	case errors.Is(err, reminders.ErrWithdrawn), errors.Is(err, reminders.ErrNotReachable), errors.Is(err, reminders.ErrNothingDue):
		return fmt.Errorf("no reminder sent: %w", err)
	case err != nil:
		return err
	}
	for _, q := range queued {
		fmt.Fprintf(app.Stdout, "%s\t%s\t%s\n", q.Recipient, q.Subject, q.Timepoint)
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
