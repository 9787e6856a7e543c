package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// Coordinator answers coordinators' chat commands (/due, /remind CODE,
// /remind due, /status, /desk) for their own sites, with the reminders
// package's follow-ups, manual reminders and completion figures, and a
// login link to the desk. Anyone who is not an active coordinator is
// refused.
type Coordinator struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
	Now     func() time.Time
	// Wake makes the dispatcher send queued manual reminders now; nil:
	// they go at its next tick.
	Wake func()
	// DeskLink makes a single-use login link to the desk for /desk (see
	// Options.DeskLink); nil: /desk says the desk is not available.
	DeskLink func(ctx context.Context, coordinatorID int64, actor string) (string, error)
}

// confirmWord confirms /remind due: "/remind due yes".
const confirmWord = "yes"

// Handle runs one command and returns its reply's text, plain, in lang;
// Reply gives the whole reply, with /desk's link button.
func (c *Coordinator) Handle(ctx context.Context, coordinatorID int64, lang, command, arg string) (string, error) {
	r, err := c.Reply(ctx, coordinatorID, lang, command, arg)
	return r.Text, err
}

// Reply runs one command and returns its reply to send: plain text in
// lang, and for /desk a button with the login link.
func (c *Coordinator) Reply(ctx context.Context, coordinatorID int64, lang, command, arg string) (flows.Reply, error) {
	text := func(s string, err error) (flows.Reply, error) {
		return flows.Reply{Kind: flows.ReplySend, Text: s}, err
	}
	sites, err := c.Store.CoordinatorSites(ctx, coordinatorID)
	if err != nil {
		return text("", fmt.Errorf("conversation.Coordinator.Reply: %w", err))
	}
	if len(sites) == 0 {
		return text(flows.Say(lang, flows.MsgCoordinatorCommandsOnly), nil)
	}
	actor, err := c.actor(ctx, coordinatorID)
	if err != nil {
		return text("", err)
	}
	if command == "desk" {
		return c.desk(ctx, lang, coordinatorID, actor)
	}
	return text(c.handle(ctx, coordinatorID, lang, command, arg, sites, actor))
}

// handle runs a command whose reply is text alone.
func (c *Coordinator) handle(ctx context.Context, coordinatorID int64, lang, command, arg string, sites []string, actor string) (string, error) {
	now := c.Now()
	args := strings.Fields(arg)
	switch {
	case command == "due":
		return c.due(ctx, lang, coordinatorID, sites, now)
	case command == "status":
		return c.status(ctx, lang, sites, now)
	case command == "remind" && len(args) == 0:
		return flows.Say(lang, flows.MsgRemindUsage), nil
	case command == "remind" && strings.EqualFold(args[0], "due"):
		return c.remindDue(ctx, lang, sites, now, actor, len(args) > 1 && strings.EqualFold(args[1], confirmWord))
	case command == "remind":
		return c.remindOne(ctx, lang, strings.ToUpper(args[0]), sites, now, actor)
	}
	return flows.Say(lang, flows.MsgCoordinatorUnknownCommand), nil
}

// desk answers /desk with a login link to the desk on a URL button. The
// link is made anew each time: it logs in once, within 10 minutes.
func (c *Coordinator) desk(ctx context.Context, lang string, coordinatorID int64, actor string) (flows.Reply, error) {
	reply := flows.Reply{Kind: flows.ReplySend}
	if c.DeskLink == nil {
		reply.Text = flows.Say(lang, flows.MsgDeskUnavailable)
		return reply, nil
	}
	link, err := c.DeskLink(ctx, coordinatorID, actor)
	if errors.Is(err, store.ErrNotCoordinator) {
		reply.Text = flows.Say(lang, flows.MsgCoordinatorCommandsOnly)
		return reply, nil
	} else if err != nil {
		return reply, fmt.Errorf("conversation.Coordinator.desk: %w", err)
	}
	reply.Text = flows.Say(lang, flows.MsgDeskLink)
	reply.Buttons = [][]flows.Button{{{Text: flows.Say(lang, flows.MsgDeskButton), URL: link}}}
	return reply, nil
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

// due lists the follow-ups of the coordinator's sites, leaving out their
// own site ratings (they are asking about the others) but not the
// assessors' ratings of their site, which are about them as its subject.
func (c *Coordinator) due(ctx context.Context, lang string, coordinatorID int64, sites []string, now time.Time) (string, error) {
	all, err := reminders.FollowUps(ctx, c.Store, c.Catalog, sites, now)
	if err != nil {
		return "", err
	}
	fs := slices.DeleteFunc(all, func(f reminders.FollowUp) bool {
		return f.SubjectID == coordinatorID && len(f.AssessorsMissing) == 0
	})
	if len(fs) == 0 {
		return flows.Say(lang, flows.MsgNoFollowUps), nil
	}
	var b strings.Builder
	b.WriteString(flows.Say(lang, flows.MsgFollowUps))
	for _, f := range fs {
		sent := flows.Say(lang, flows.MsgNoneReminded)
		if len(f.Sent) > 0 {
			sent = strings.Join(stepWords(lang, f.Sent), ", ")
		}
		b.WriteString("\n")
		b.WriteString(flows.Say(lang, flows.MsgFollowUp, f.Code, f.Timepoint, f.Due.Format(time.DateOnly), statusWord(lang, f.Status), sent))
	}
	return b.String(), nil
}

// stepWords says when each reminder went, in words ("7 days after the due
// date", not "due+7"); a step it does not know is shown as it is.
func stepWords(lang string, steps []string) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		switch st := reminders.Step(s); {
		case st.IsManual():
			s = flows.Say(lang, flows.MsgRemindedManual)
		case st == reminders.StepOpen:
			s = flows.Say(lang, flows.MsgRemindedOpen)
		case st == reminders.StepDue:
			s = flows.Say(lang, flows.MsgRemindedDue)
		case st == reminders.StepDue7:
			s = flows.Say(lang, flows.MsgRemindedAfterDue, 7)
		case st == reminders.StepDue14:
			s = flows.Say(lang, flows.MsgRemindedAfterDue, 14)
		}
		out[i] = s
	}
	return out
}

// statusWord names a follow-up's status in lang.
func statusWord(lang, status string) string {
	switch status {
	case reminders.StatusOpen:
		return flows.Say(lang, flows.MsgFollowUpOpen)
	case reminders.StatusOverdue:
		return flows.Say(lang, flows.MsgFollowUpOverdue)
	}
	return flows.Say(lang, flows.MsgFollowUpUnreachable)
}

func (c *Coordinator) remindOne(ctx context.Context, lang, code string, sites []string, now time.Time, actor string) (string, error) {
	m := &reminders.Manual{Store: c.Store, Catalog: c.Catalog}
	queued, err := m.Participant(ctx, code, sites, now, actor)
	switch {
	case errors.Is(err, reminders.ErrUnknownParticipant):
		return flows.Say(lang, flows.MsgRemindUnknown, code), nil
	case errors.Is(err, reminders.ErrWithdrawn):
		return flows.Say(lang, flows.MsgRemindWithdrawn, code), nil
	case errors.Is(err, reminders.ErrNotReachable):
		return flows.Say(lang, flows.MsgRemindUnreachable, code), nil
	case errors.Is(err, reminders.ErrNothingDue):
		return flows.Say(lang, flows.MsgRemindNothingDue, code), nil
	case err != nil:
		return "", err
	}
	c.wake()
	return flows.Say(lang, flows.MsgRemindSending, len(queued), code), nil
}

func (c *Coordinator) remindDue(ctx context.Context, lang string, sites []string, now time.Time, actor string, confirmed bool) (string, error) {
	m := &reminders.Manual{Store: c.Store, Catalog: c.Catalog}
	if !confirmed {
		preview, err := m.Preview(ctx, sites, reminders.ScopeDue, now)
		if err != nil {
			return "", err
		}
		if len(preview) == 0 {
			return flows.Say(lang, flows.MsgRemindDueNobody), nil
		}
		return flows.Say(lang, flows.MsgRemindDuePreview, len(preview), recipients(preview), confirmWord), nil
	}
	queued, err := m.AllDue(ctx, sites, reminders.ScopeDue, now, actor)
	if err != nil {
		return "", err
	}
	c.wake()
	return flows.Say(lang, flows.MsgRemindDueSending, len(queued)), nil
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

// status is every participant counted by how far they came (the flow, so
// that no denominator hides who declined or never started), then
// completion per site and timepoint of those with a baseline date.
func (c *Coordinator) status(ctx context.Context, lang string, sites []string, now time.Time) (string, error) {
	flow, err := reminders.Flow(ctx, c.Store, c.Catalog, sites)
	if err != nil {
		return "", err
	}
	rows, err := reminders.Completion(ctx, c.Store, c.Catalog, sites, now)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if len(flow) > 0 {
		b.WriteString(flows.Say(lang, flows.MsgFlow))
		for _, f := range flow {
			b.WriteString("\n")
			role := flows.Say(lang, flows.MsgFlowConsumers)
			if f.Role == string(questionnaires.RoleClinician) {
				role = flows.Say(lang, flows.MsgFlowClinicians)
			}
			b.WriteString(flows.Say(lang, flows.MsgFlowRow, f.Site, role, f.Invited, f.Linked, f.Consented, f.Declined, f.Withdrawn))
			for _, tp := range c.Catalog.Protocol.Timepoints {
				b.WriteString(flows.Say(lang, flows.MsgFlowDone, tp.ID, f.Done[tp.ID]))
			}
		}
		b.WriteString("\n\n")
	}
	if len(rows) == 0 {
		b.WriteString(flows.Say(lang, flows.MsgNoBaselines))
		return b.String(), nil
	}
	b.WriteString(flows.Say(lang, flows.MsgCompletion))
	for _, r := range rows {
		b.WriteString("\n")
		b.WriteString(flows.Say(lang, flows.MsgCompletionRow, r.Site, r.Timepoint, r.Complete, r.Total))
		if r.Open+r.Overdue+r.Missed+r.Upcoming > 0 {
			b.WriteString(" ")
			b.WriteString(flows.Say(lang, flows.MsgCompletionOpen, r.Open, r.Overdue, r.Missed, r.Upcoming))
		}
	}
	return b.String(), nil
}
