package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// Coordinator answers coordinators' chat commands (/due, /remind CODE,
// /remind due, /status) for their own sites, with the reminders package's
// follow-ups, manual reminders and completion figures. Anyone who is not
// an active coordinator is refused.
type Coordinator struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
	Now     func() time.Time
	// Wake makes the dispatcher send queued manual reminders now; nil:
	// they go at its next tick.
	Wake func()
}

// confirmWord confirms /remind due: "/remind due yes".
const confirmWord = "yes"

// Handle runs one command and returns its reply, plain text in lang.
func (c *Coordinator) Handle(ctx context.Context, coordinatorID int64, lang, command, arg string) (string, error) {
	sites, err := c.Store.CoordinatorSites(ctx, coordinatorID)
	if err != nil {
		return "", fmt.Errorf("conversation.Coordinator.Handle: %w", err)
	}
	if len(sites) == 0 {
		return say(lang, "Only study coordinators can use /due, /remind and /status.",
			"Bare studiekoordinatorer kan bruke /due, /remind og /status."), nil
	}
	actor, err := c.actor(ctx, coordinatorID)
	if err != nil {
		return "", err
	}
	now := c.Now()
	args := strings.Fields(arg)
	switch {
	case command == "due":
		return c.due(ctx, lang, sites, now)
	case command == "status":
		return c.status(ctx, lang, sites, now)
	case command == "remind" && len(args) == 0:
		return say(lang, "Use /remind CODE for one participant, or /remind due for everyone open or overdue.",
			"Bruk /remind KODE for én deltaker, eller /remind due for alle som har åpne eller forsinkede skjemaer."), nil
	case command == "remind" && strings.EqualFold(args[0], "due"):
		return c.remindDue(ctx, lang, sites, now, actor, len(args) > 1 && strings.EqualFold(args[1], confirmWord))
	case command == "remind":
		return c.remindOne(ctx, lang, strings.ToUpper(args[0]), sites, now, actor)
	}
	return say(lang, "Unknown command.", "Ukjent kommando."), nil
}

func (c *Coordinator) actor(ctx context.Context, id int64) (string, error) {
	ps, err := c.Store.ScheduleParticipants(ctx, []int64{id})
	if err != nil {
		return "", fmt.Errorf("conversation.Coordinator: %w", err)
	}
	if p, ok := ps[id]; ok {
		return p.Code, nil
	}
	return "coordinator", nil
}

func say(lang, en, nb string) string {
	if lang == "nb" {
		return nb
	}
	return en
}

func (c *Coordinator) due(ctx context.Context, lang string, sites []string, now time.Time) (string, error) {
	fs, err := reminders.FollowUps(ctx, c.Store, c.Catalog, sites, now)
	if err != nil {
		return "", err
	}
	if len(fs) == 0 {
		return say(lang, "No follow-ups are open or overdue.", "Ingen oppfølginger er åpne eller forsinket."), nil
	}
	var b strings.Builder
	b.WriteString(say(lang, "Open and overdue follow-ups:", "Åpne og forsinkede oppfølginger:"))
	for _, f := range fs {
		sent := say(lang, "none", "ingen")
		if len(f.Sent) > 0 {
			sent = strings.Join(shortSteps(f.Sent), ", ")
		}
		fmt.Fprintf(&b, "\n%s %s %s %s %s; %s: %s", f.Code, f.Timepoint, say(lang, "due", "frist"),
			f.Due.Format(time.DateOnly), statusWord(lang, f.Status), say(lang, "reminded", "påminnet"), sent)
	}
	return b.String(), nil
}

// shortSteps shows manual steps without their time stamp.
func shortSteps(steps []string) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		if reminders.Step(s).IsManual() {
			s = "manual"
		}
		out[i] = s
	}
	return out
}

func statusWord(lang, status string) string {
	if lang != "nb" {
		return status
	}
	switch status {
	case reminders.StatusOpen:
		return "åpen"
	case reminders.StatusOverdue:
		return "forsinket"
	}
	return "kan ikke nås"
}

func (c *Coordinator) remindOne(ctx context.Context, lang, code string, sites []string, now time.Time, actor string) (string, error) {
	m := &reminders.Manual{Store: c.Store, Catalog: c.Catalog}
	queued, err := m.Participant(ctx, code, sites, now, actor)
	switch {
	case errors.Is(err, reminders.ErrUnknownParticipant):
		return say(lang, "No participant "+code+" at your sites.", "Ingen deltaker "+code+" ved dine steder."), nil
	case errors.Is(err, reminders.ErrWithdrawn):
		return say(lang, code+" has withdrawn; no reminder sent.", code+" har trukket seg; ingen påminnelse sendt."), nil
	case errors.Is(err, reminders.ErrNotReachable):
		return say(lang, code+" cannot be reached in the chat; no reminder sent.", code+" kan ikke nås i chatten; ingen påminnelse sendt."), nil
	case errors.Is(err, reminders.ErrNothingDue):
		return say(lang, code+" has nothing open to answer; no reminder sent.", code+" har ingenting åpent å svare på; ingen påminnelse sendt."), nil
	case err != nil:
		return "", err
	}
	c.wake()
	return say(lang, fmt.Sprintf("Sending %d reminder(s) to %s now.", len(queued), code),
		fmt.Sprintf("Sender %d påminnelse(r) til %s nå.", len(queued), code)), nil
}

func (c *Coordinator) remindDue(ctx context.Context, lang string, sites []string, now time.Time, actor string, confirmed bool) (string, error) {
	m := &reminders.Manual{Store: c.Store, Catalog: c.Catalog}
	if !confirmed {
		preview, err := m.Preview(ctx, sites, now)
		if err != nil {
			return "", err
		}
		if len(preview) == 0 {
			return say(lang, "Nobody who can be reached has an open or overdue follow-up.",
				"Ingen som kan nås har åpne eller forsinkede oppfølginger."), nil
		}
		return say(lang,
			fmt.Sprintf("This sends %d reminder(s): %s. Send /remind due %s to confirm.", len(preview), recipients(preview), confirmWord),
			fmt.Sprintf("Dette sender %d påminnelse(r): %s. Send /remind due %s for å bekrefte.", len(preview), recipients(preview), confirmWord)), nil
	}
	queued, err := m.AllDue(ctx, sites, now, actor)
	if err != nil {
		return "", err
	}
	c.wake()
	return say(lang, fmt.Sprintf("Sending %d reminder(s) now, within Telegram's rate limits.", len(queued)),
		fmt.Sprintf("Sender %d påminnelse(r) nå, innenfor Telegrams grenser.", len(queued))), nil
}

func recipients(qs []reminders.Queued) string {
	var codes []string
	for _, q := range qs {
		if !slices.Contains(codes, q.Recipient) {
			codes = append(codes, q.Recipient)
		}
	}
	return strings.Join(codes, ", ")
}

func (c *Coordinator) wake() {
	if c.Wake != nil {
		c.Wake()
	}
}

func (c *Coordinator) status(ctx context.Context, lang string, sites []string, now time.Time) (string, error) {
	rows, err := reminders.Completion(ctx, c.Store, c.Catalog, sites, now)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return say(lang, "No participants with a baseline date yet.", "Ingen deltakere med oppstartsdato ennå."), nil
	}
	var b strings.Builder
	b.WriteString(say(lang, "Completion per site and timepoint:", "Fullført per sted og tidspunkt:"))
	for _, r := range rows {
		fmt.Fprintf(&b, "\n%s %s: %d/%d %s", r.Site, r.Timepoint, r.Complete, r.Total, say(lang, "complete", "fullført"))
		if r.Open+r.Overdue+r.Missed+r.Upcoming > 0 {
			fmt.Fprintf(&b, " (%d %s, %d %s, %d %s, %d %s)",
				r.Open, statusWord(lang, reminders.StatusOpen), r.Overdue, statusWord(lang, reminders.StatusOverdue),
				r.Missed, say(lang, "missed", "ikke besvart"), r.Upcoming, say(lang, "not yet open", "ikke åpnet"))
		}
	}
	return b.String(), nil
}
