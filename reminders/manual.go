package reminders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Why a manual reminder is refused.
var (
	ErrWithdrawn    = errors.New("has withdrawn")
	ErrNotReachable = errors.New("cannot be reached (no linked chat, no consent, or the bot is blocked)")
	ErrNothingDue   = errors.New("has nothing open to answer")
)

// Queued is a manual reminder waiting for the dispatcher.
type Queued struct {
	Recipient, Subject, Timepoint string

	// row is the step written, which Dispatcher.SendNow claims.
	row store.PlannedReminder
}

// Manual queues reminders that coordinators ask for. They are sent at the
// dispatcher's next tick (at once in serve, which wakes it), whatever the
// time of day: a coordinator asked for them now. Each is its own step
// (manual:<time>), so it never takes a scheduled step's place.
type Manual struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
}

// Participant queues reminders to the participant with code for each open
// timepoint where they still owe answers: their own battery and, for a
// clinician, their ratings of their consumers. sites limits whom the
// caller may remind (nil: anyone). Nothing is queued, and an error says
// why, when the participant withdrew, cannot be reached or owes nothing.
func (m *Manual) Participant(ctx context.Context, code string, sites []string, now time.Time, actor string) ([]Queued, error) {
	sp, err := m.Store.ScheduleParticipantByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sites != nil && !slices.Contains(sites, sp.Site)) {
		return nil, fmt.Errorf("%w %q", ErrUnknownParticipant, code)
	} else if err != nil {
		return nil, fmt.Errorf("reminders.Manual.Participant: %w", err)
	}
	switch {
	case sp.Status == questionnaires.StatusWithdrawn:
		return nil, fmt.Errorf("%s %w", code, ErrWithdrawn)
	case !reachable(sp):
		return nil, fmt.Errorf("%s %w", code, ErrNotReachable)
	}
	own, err := followUpsOf(ctx, m.Store, m.Catalog, []*store.ScheduleParticipant{sp}, now)
	if err != nil {
		return nil, fmt.Errorf("reminders.Manual.Participant: %w", err)
	}
	var rows []store.PlannedReminder
	var queued []Queued
	for _, f := range own {
		if len(f.SelfMissing) > 0 && sp.BaselineDate.Valid {
			rows = append(rows, manualRow(sp.ID, sp.ID, f.Timepoint, now))
			queued = append(queued, Queued{Recipient: code, Subject: code, Timepoint: f.Timepoint})
		}
	}
	if sp.Role == string(questionnaires.RoleClinician) {
		ranges := make([]store.DateRange, 0, len(m.Catalog.Protocol.Timepoints))
		for _, tp := range m.Catalog.Protocol.Timepoints {
			ranges = append(ranges, baselineRange(tp, now))
		}
		consumers, err := m.Store.FollowUpParticipants(ctx, store.FollowUpFilter{ClinicianID: sp.ID, Baselines: ranges})
		if err != nil {
			return nil, fmt.Errorf("reminders.Manual.Participant: %w", err)
		}
		fs, err := followUpsOf(ctx, m.Store, m.Catalog, consumers, now)
		if err != nil {
			return nil, fmt.Errorf("reminders.Manual.Participant: %w", err)
		}
		for _, f := range fs {
			if len(f.RatingsMissing) > 0 {
				rows = append(rows, manualRow(sp.ID, f.SubjectID, f.Timepoint, now))
				queued = append(queued, Queued{Recipient: code, Subject: f.Code, Timepoint: f.Timepoint})
			}
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s %w", code, ErrNothingDue)
	}
	if err := m.queue(ctx, rows, queued, now, actor); err != nil {
		return nil, err
	}
	return queued, nil
}

// Scope is whom a reminder to everyone is for.
type Scope int

const (
	// ScopeDue: every open or overdue follow-up (the chat's /remind due,
	// `imrbot remind --all-due`).
	ScopeDue Scope = iota
	// ScopeOverdue: only the follow-ups past their due date (the desk's
	// first offer).
	ScopeOverdue
)

// AllDue queues a reminder to everyone who owes answers to a follow-up of
// sites (nil: every site) in scope and can be reached: the subject for
// their own battery, the clinician for their ratings.
func (m *Manual) AllDue(ctx context.Context, sites []string, scope Scope, now time.Time, actor string) ([]Queued, error) {
	fs, err := FollowUps(ctx, m.Store, m.Catalog, sites, now)
	if err != nil {
		return nil, err
	}
	rows, queued, err := m.allDue(ctx, fs, scope, now)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	if err := m.queue(ctx, rows, queued, now, actor); err != nil {
		return nil, err
	}
	return queued, nil
}

// Preview lists who AllDue would remind, queueing nothing.
func (m *Manual) Preview(ctx context.Context, sites []string, scope Scope, now time.Time) ([]Queued, error) {
	fs, err := FollowUps(ctx, m.Store, m.Catalog, sites, now)
	if err != nil {
		return nil, err
	}
	_, queued, err := m.allDue(ctx, fs, scope, now)
	return queued, err
}

func (m *Manual) allDue(ctx context.Context, fs []FollowUp, scope Scope, now time.Time) ([]store.PlannedReminder, []Queued, error) {
	if scope == ScopeOverdue {
		fs = slices.DeleteFunc(fs, func(f FollowUp) bool { return !f.Overdue })
	}
	var clinicianIDs []int64
	for _, f := range fs {
		if f.ClinicianID != 0 {
			clinicianIDs = append(clinicianIDs, f.ClinicianID)
		}
	}
	clinicians, err := m.Store.ScheduleParticipants(ctx, clinicianIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("reminders.Manual.AllDue: %w", err)
	}
	var rows []store.PlannedReminder
	var queued []Queued
	for _, f := range fs {
		if len(f.SelfMissing) > 0 && f.SubjectReachable {
			rows = append(rows, manualRow(f.SubjectID, f.SubjectID, f.Timepoint, now))
			queued = append(queued, Queued{Recipient: f.Code, Subject: f.Code, Timepoint: f.Timepoint})
		}
		if c, ok := clinicians[f.ClinicianID]; ok && len(f.RatingsMissing) > 0 && f.ClinicianReachable {
			rows = append(rows, manualRow(f.ClinicianID, f.SubjectID, f.Timepoint, now))
			queued = append(queued, Queued{Recipient: c.Code, Subject: f.Code, Timepoint: f.Timepoint})
		}
	}
	return rows, queued, nil
}

func manualRow(to, subject int64, timepoint string, now time.Time) store.PlannedReminder {
	return store.PlannedReminder{ParticipantID: to, SubjectID: subject, Timepoint: timepoint,
		Step: string(ManualStep(now)), SendAt: now}
}

// queue writes the manual steps and audits the request, together.
func (m *Manual) queue(ctx context.Context, rows []store.PlannedReminder, queued []Queued, now time.Time, actor string) error {
	err := m.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddReminders(ctx, rows); err != nil {
			return err
		}
		for i, r := range rows {
			id := r.ParticipantID
			if err := tx.Audit(ctx, actor, "reminder_requested", &id, map[string]any{
				"subject": queued[i].Subject, "timepoint": r.Timepoint, "step": r.Step,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reminders.Manual.queue: %w", err)
	}
	for i := range queued {
		queued[i].row = rows[i]
	}
	return nil
}
