package questionnaires

import (
	"slices"
	"time"
)

// Timepoint returns the protocol's timepoint with id.
func (p Protocol) Timepoint(id string) (Timepoint, bool) {
	for _, tp := range p.Timepoints {
		if tp.ID == id {
			return tp, true
		}
	}
	return Timepoint{}, false
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

// Window is the first and the last day the timepoint may be answered, both
// dates at midnight in baseline's location: a timepoint at month 0 (the
// baseline) opens on the baseline date, others OpensBeforeDays before the
// due date; each closes ClosesAfterDays after its due date.
func (tp Timepoint) Window(baseline time.Time) (opens, closes time.Time) {
	due := tp.Due(baseline)
	opens = due
	if tp.Months > 0 {
		opens = due.AddDate(0, 0, -tp.OpensBeforeDays)
	}
	return opens, due.AddDate(0, 0, tp.ClosesAfterDays)
}

// BatteryFor lists the questionnaire ids role answers about subject at
// timepoint, in the order they are asked; nil when there are none.
func (p Protocol) BatteryFor(role Role, subject Subject, timepoint string) []string {
	var ids []string
	for _, b := range p.Batteries {
		if b.Role != role || b.Subject != subject || !slices.Contains(b.Timepoints, timepoint) {
			continue
		}
		for _, id := range b.Questionnaires {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
