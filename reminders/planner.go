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
// schedule, and the site's coordinators (through the subject's escalation
// step) of anything still missing at due+21.
type Planner struct {
	Catalog *questionnaires.Catalog
	Hours   SendHours
	// Location resolves a site's time zone; nil uses time.LoadLocation with
	// Europe/Oslo as the fallback for an unknown name.
	Location func(name string) *time.Location
}

func (p *Planner) loc(name string) *time.Location {
	if p.Location != nil {
		return p.Location(name)
	}
	return loadLocation(name)
}

// Rows plans every timepoint of one participant at now. offered says the
// chat has just offered what is open (a linked chat or consent), so steps
// already past are recorded as reminded. A participant who is not active,
// has no baseline date or (consumers and clinicians) has not consented gets
// nothing: the trigger that queues replans fires again when that changes.
func (p *Planner) Rows(sp *store.ScheduleParticipant, now time.Time, offered bool) []store.PlannedReminder {
	if sp.Status != store.StatusActive || !sp.BaselineDate.Valid || (needsConsent(sp.Role) && !sp.Consented) {
		return nil
	}
	sched := Schedule{Hours: p.Hours, Loc: p.loc(sp.Timezone)}
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
		ratings = ratings && sp.ClinicianID.Valid
		if !self && !ratings {
			continue
		}
		w := WindowOf(tp, sp.BaselineDate.Time)
		if self {
			add(sp.ID, tp.ID, sched.Participant(w, now, offered))
		}
		if ratings {
			// The consumer's consent offers the clinician nothing: steps
			// already past collapse into one reminder for them.
			add(sp.ClinicianID.Int64, tp.ID, sched.Participant(w, now, false))
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

// PlanQueued drains the replans that the database's triggers queued
// (consent, a corrected baseline, a new clinician, a participant reachable
// again), planning each participant once per batch. It returns how many
// participants it planned.
func (p *Planner) PlanQueued(ctx context.Context, st *store.Store, now time.Time) (planned int, err error) {
	for {
		var n int
		err := st.InTx(ctx, func(tx *store.Tx) error {
			n = 0
			replans, err := tx.TakeReplans(ctx, planBatch)
			if err != nil {
				return err
			}
			offered := map[int64]bool{}
			var ids []int64
			for _, r := range replans {
				if _, seen := offered[r.ParticipantID]; !seen {
					ids = append(ids, r.ParticipantID)
				}
				offered[r.ParticipantID] = offered[r.ParticipantID] || r.Reason == store.ReplanStart
			}
			n = len(replans)
			return p.planTx(ctx, tx, ids, now, func(id int64) bool { return offered[id] })
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

// PlanNow plans the given participants inside tx, collapsing steps already
// past (a corrected baseline: the schedule follows at once).
func (p *Planner) PlanNow(ctx context.Context, tx *store.Tx, ids []int64, now time.Time) error {
	return p.planTx(ctx, tx, ids, now, func(int64) bool { return false })
}

func (p *Planner) planTx(ctx context.Context, tx *store.Tx, ids []int64, now time.Time, offered func(int64) bool) error {
	if len(ids) == 0 {
		return nil
	}
	participants, err := tx.LockScheduleParticipants(ctx, ids)
	if err != nil {
		return err
	}
	var rows []store.PlannedReminder
	for _, id := range ids {
		sp, ok := participants[id]
		if !ok {
			continue
		}
		rows = append(rows, p.Rows(sp, now, offered(id))...)
		if sp.Role == string(questionnaires.RoleClinician) && sp.Status == store.StatusActive {
			consumers, err := tx.ConsumersOf(ctx, sp.ID)
			if err != nil {
				return err
			}
			for _, c := range consumers {
				rows = append(rows, p.RatingRows(c, now)...)
			}
		}
	}
	return tx.PlanReminders(ctx, rows)
}
