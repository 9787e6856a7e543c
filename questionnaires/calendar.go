package questionnaires

import (
	"sync"
	"time"
)

// The study's one calendar: which day it is at a site, and when a
// timepoint can be answered. The chat, the reminders and the expiry of
// closed assessments all ask here, so that "a timepoint is open today"
// has one answer everywhere.

// DefaultTimezone is the study's time zone, used for a site whose zone
// this machine does not know.
const DefaultTimezone = "Europe/Oslo"

// Civil keeps t's calendar date, as read in t's location, at midnight UTC:
// the form every date of the calendar is compared in.
func Civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the civil date at now in loc.
func Today(now time.Time, loc *time.Location) time.Time { return Civil(now.In(loc)) }

var locations sync.Map // zone name -> *time.Location

// Location is a site's time zone by its tz database name, loaded once. An
// empty or unknown name falls back to DefaultTimezone, and that to UTC on
// a machine without time zone data, so that a misspelt zone shifts a date
// by hours instead of stopping the study.
func Location(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		if loc, err = time.LoadLocation(DefaultTimezone); err != nil {
			loc = time.UTC
		}
	}
	locations.Store(name, loc)
	return loc
}

// Due is the timepoint's due date: Months calendar months after the
// baseline date, at midnight in baseline's location. A day the target month
// lacks is clamped to its last day (29 February + 12 months is 28 February;
// 31 January + 1 month is 28 or 29 February), never spilling into the next.
func (tp Timepoint) Due(baseline time.Time) time.Time {
	y, m, d := baseline.Date()
	first := time.Date(y, m+time.Month(tp.Months), 1, 0, 0, 0, 0, baseline.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Window is when a timepoint can be answered: civil dates, all three
// inclusive.
type Window struct {
	Opens, Due, Closes time.Time
	// AtConsent: the window opens when the participant consents (a
	// timepoint at month 0, the baseline), so Opens, the baseline date,
	// bounds nothing and there is no window-open reminder.
	AtConsent bool
}

// Window is tp's window for a participant with the given baseline date
// (its calendar date is used, its clock and zone are not): a timepoint at
// month 0 opens at consent, others OpensBeforeDays before the due date;
// each closes ClosesAfterDays after its due date.
func (tp Timepoint) Window(baseline time.Time) Window {
	due := tp.Due(Civil(baseline))
	w := Window{Opens: due, Due: due, Closes: due.AddDate(0, 0, tp.ClosesAfterDays), AtConsent: tp.Months == 0}
	if !w.AtConsent {
		w.Opens = due.AddDate(0, 0, -tp.OpensBeforeDays)
	}
	return w
}

// OpenOn reports whether the timepoint can be answered on day (its
// calendar date).
func (w Window) OpenOn(day time.Time) bool {
	day = Civil(day)
	return (w.AtConsent || !day.Before(w.Opens)) && !day.After(w.Closes)
}

// ClosedThrough is the latest baseline date whose tp window closed before
// today (a calendar date): every earlier baseline's window closed too, for
// the due date never moves back as the baseline moves forward. The store
// expires assessments by it, so that SQL needs no calendar of its own.
func (tp Timepoint) ClosedThrough(today time.Time) time.Time {
	today = Civil(today)
	return latest(today.AddDate(0, -tp.Months, -tp.ClosesAfterDays-1), func(b time.Time) bool {
		return tp.Window(b).Closes.Before(today)
	})
}

// Baselines bounds the baseline dates whose tp window is open on some day
// from first to last, for a query to select the participants who may be
// due. A month-0 window opens at consent, which is never before the
// baseline date, so it counts as opening on the baseline date.
func (tp Timepoint) Baselines(first, last time.Time) (from, to time.Time) {
	last = Civil(last)
	to = latest(last.AddDate(0, -tp.Months, tp.OpensBeforeDays), func(b time.Time) bool {
		return !tp.Window(b).Opens.After(last)
	})
	return tp.ClosedThrough(first).AddDate(0, 0, 1), to
}

// latest is the last day for which ok holds, given that it holds for
// every day before one and for none after, and a guess within days of it
// (month ends and leap days move a due date by at most three days).
func latest(guess time.Time, ok func(time.Time) bool) time.Time {
	b := guess
	for !ok(b) {
		b = b.AddDate(0, 0, -1)
	}
	for ok(b.AddDate(0, 0, 1)) {
		b = b.AddDate(0, 0, 1)
	}
	return b
}
