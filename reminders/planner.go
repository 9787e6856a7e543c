package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// planBatch is how many queued replans one transaction takes.
const planBatch = 200

// Planner turns participants into reminder rows. It is the one place that
// knows which respondent is reminded of what: a participant of their own
// battery, a consumer's clinician of their ratings on the consumer's
// schedule, an assessor of their ratings of each site and clinician on the
// subject's schedule (assessor.go), and the site's coordinators (through the subject's escalation
// step) of anything still missing at due+21.
type Planner struct {
	Catalog *questionnaires.Catalog
	Hours   SendHours
}

// Rows plans every timepoint of one participant at now. offered says the
// chat has just offered what is open (a linked chat or consent), so steps
// already past are recorded as reminded. A participant with no baseline
// date, or withdrawn, gets nothing. Their own steps (and the escalation)
// need them active and (consumers and clinicians) consented in the chat; a
// consumer in the study who cannot be written to (consent on paper, never
// linked) is still rated, so their clinician's steps are planned and they
// themselves get nothing. The trigger that queues replans fires again when
// any of that changes.
func (p *Planner) Rows(sp *store.ScheduleParticipant, now time.Time, offered bool) []store.PlannedReminder {
	if sp.Status == questionnaires.StatusWithdrawn || !sp.BaselineDate.Valid {
		return nil
	}
	reachable := sp.Status == questionnaires.StatusActive && (!needsConsent(sp.Role) || sp.Consented)
	if !reachable && !(needsConsent(sp.Role) && sp.InStudy) {
		return nil
	}
	sched := Schedule{Hours: p.Hours, Loc: questionnaires.Location(sp.Timezone)}
	var out []store.PlannedReminder
	add := func(to int64, tp string, ps []Planned) {
		for _, pl := range ps {
			out = append(out, store.PlannedReminder{
				ParticipantID: to, SubjectID: sp.ID, Timepoint: tp,
				Step: string(pl.Step), SendAt: pl.SendAt, Skipped: pl.Skipped,
			})
		}
	}
	for _, tp := range p.Catalog.Protocol.Timepoints {
		self, ratings := hasBattery(&p.Catalog.Protocol, sp.Role, tp.ID)
		self = self && reachable
		ratings = ratings && sp.ClinicianID.Valid
		if !self && !ratings {
			continue
		}
		w := tp.Window(sp.BaselineDate.Time)
		if self {
			add(sp.ID, tp.ID, sched.Participant(w, now, offered))
		}
		if ratings {
			// The consumer's consent offers the clinician nothing: steps
			// already past collapse into one reminder for them.
			add(sp.ClinicianID.Int64, tp.ID, sched.Participant(w, now, false))
		}
		if !reachable {
			continue
		}
		if esc, ok := sched.Escalation(w, now, offered); ok {
			add(sp.ID, tp.ID, []Planned{esc})
		}
	}
	return out
}

// RatingRows plans only a consumer's clinician's ratings of them: when the
// clinician joins or becomes reachable after the consumer, the rating
// steps cancelled meanwhile come back, past ones collapsed into one.
func (p *Planner) RatingRows(consumer *store.ScheduleParticipant, now time.Time) []store.PlannedReminder {
	var out []store.PlannedReminder
	for _, r := range p.Rows(consumer, now, false) {
		if r.ParticipantID != consumer.ID {
			out = append(out, r)
		}
	}
	return out
}

// PlanQueued drains the schedule outbox, where the database's triggers
// record every change (consent, a corrected baseline, a new clinician, a
// participant reachable again), and returns how many changes it took. Each replan is planned in turn,
// from the baseline date and clinician it was queued with, as if the
// planner had run right after it: an offer made at consent counts for the
// timepoints open under the baseline date of that moment, and a correction
// queued after it is planned from the corrected date, so a follow-up it
// opens is reminded.
func (p *Planner) PlanQueued(ctx context.Context, st *store.Store, now time.Time) (planned int, err error) {
	for {
		var n int
		err := st.InTx(ctx, func(tx *store.Tx) error {
			changes, err := tx.TakeScheduleChanges(ctx, planBatch)
			if err != nil {
				return err
			}
			n = len(changes)
			return p.planReplans(ctx, tx, replans(changes), now)
		})
		if err != nil {
			return planned, fmt.Errorf("reminders.PlanQueued: %w", err)
		}
		planned += n
		if n < planBatch {
			return planned, nil
		}
	}
}

// planReplans plans each replan in the order given, inside tx. Rows a later replan
// plans again replace those of an earlier one, as a later run would.
func (p *Planner) planReplans(ctx context.Context, tx *store.Tx, replans []replan, now time.Time) error {
	if len(replans) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(replans))
	for _, r := range replans {
		ids = append(ids, r.change.ParticipantID)
	}
	participants, err := tx.LockScheduleParticipants(ctx, ids)
	if err != nil {
		return err
	}
	var rows []store.PlannedReminder
	for _, r := range replans {
		sp, ok := participants[r.change.ParticipantID]
		if !ok {
			continue
		}
		then := *sp
		then.BaselineDate, then.ClinicianID = r.change.BaselineDate, r.change.ClinicianID
		more, err := p.participantRows(ctx, tx, &then, now, r.reason == replanStart)
		if err != nil {
			return err
		}
		rows = append(rows, more...)
	}
	return tx.PlanReminders(ctx, rows)
}

// participantRows plans sp's own schedule, the assessors' part that sp
// touches (see assessorRows) and, for an active clinician, their ratings of
// each of their consumers on the consumers' schedules.
func (p *Planner) participantRows(ctx context.Context, tx *store.Tx, sp *store.ScheduleParticipant, now time.Time, offered bool) ([]store.PlannedReminder, error) {
	rows := p.Rows(sp, now, offered)
	assessed, err := p.assessorRows(ctx, tx, sp, now)
	if err != nil {
		return nil, err
	}
	rows = append(rows, assessed...)
	if sp.Role != string(questionnaires.RoleClinician) || sp.Status != questionnaires.StatusActive {
		return rows, nil
	}
	consumers, err := tx.ConsumersOf(ctx, sp.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range consumers {
		rows = append(rows, p.RatingRows(c, now)...)
	}
	return rows, nil
}
