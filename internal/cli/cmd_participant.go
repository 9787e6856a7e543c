package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// ParticipantCmd is `imrbot participant ...`.
type ParticipantCmd struct {
	SetBaseline SetBaselineCmd `cmd:"" name:"set-baseline" help:"Correct a participant's baseline date; the schedule follows at once."`
	Withdraw    WithdrawCmd    `cmd:"" help:"Withdraw a participant who told the study team: reminders stop, the Telegram link is deleted."`
}

// SetBaselineCmd is `imrbot participant set-baseline CODE --date YYYY-MM-DD`.
type SetBaselineCmd struct {
	Code string `arg:"" placeholder:"PARTICIPANT_CODE" help:"The participant."`
	Date string `required:"" placeholder:"YYYY-MM-DD" help:"The baseline date."`
}

// Run corrects the date, replans the reminders in the same transaction
// (steps already past collapse into one reminder) and audits the change. It
// prints each timepoint's new due date: TIMEPOINT<TAB>DUE_DATE.
func (c *SetBaselineCmd) Run(app *App) error {
	date, err := time.Parse(time.DateOnly, c.Date)
	if err != nil {
		return Usagef("--date %q: want a date as YYYY-MM-DD", c.Date)
	}
	if date.After(app.Now()) {
		return Usagef("--date %s is in the future", c.Date)
	}
	cfg, err := reminderConfig(app)
	if err != nil {
		return err
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	p := &reminders.Planner{Catalog: catalog, Hours: cfg.Hours}
	if err := p.SetBaseline(app.Context, st, c.Code, date, app.Now(), "cli"); err != nil {
		switch {
		case errors.Is(err, reminders.ErrUnknownParticipant):
			return Usagef("unknown participant %q", c.Code)
		case errors.Is(err, store.ErrErased):
			return fmt.Errorf("participant %s withdrew and their answers were erased: there is no baseline to correct", c.Code)
		}
		return err
	}
	for _, tp := range catalog.Protocol.Timepoints {
		fmt.Fprintf(app.Stdout, "%s\t%s\n", tp.ID, tp.Due(date).Format(time.DateOnly))
	}
	return nil
}

// WithdrawCmd is `imrbot participant withdraw CODE [--erase]`.
type WithdrawCmd struct {
	Code  string `arg:"" placeholder:"PARTICIPANT_CODE" help:"The participant."`
	Erase bool   `help:"Erase their answers too."`
}

// Run withdraws the participant as /withdraw does in the chat (reminders
// stop, the Telegram link is deleted, with --erase the answers too), audited
// with actor "cli", and prints one line saying what it did.
func (c *WithdrawCmd) Run(app *App) error {
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	switch err := st.WithdrawByCode(app.Context, c.Code, c.Erase, "cli", app.Now()); {
	case errors.Is(err, store.ErrNotFound):
		return Usagef("unknown participant %q", c.Code)
	case errors.Is(err, store.ErrAlreadyWithdrawn):
		return fmt.Errorf("participant %s has already withdrawn", c.Code)
	case err != nil:
		return err
	}
	answers := "answers kept"
	if c.Erase {
		answers = "answers erased"
	}
	fmt.Fprintf(app.Stdout, "withdrew %s: reminders stopped, Telegram link deleted, %s\n", c.Code, answers)
	return nil
}
