package reminders

import (
	"testing"
	"time"

	"github.com/imrbot/imrbot/store"
)

// change is a participant row's change, written briefly: statuses ("" for
// an insert's old one), baseline days of January 2026 (0: none) and
// clinician ids (0: none), before and after.
type change struct {
	oldStatus, status string
	oldDay, day       int
	oldClinician      int64
	clinician         int64
}

func (c change) scheduleChange() store.ScheduleChange {
	var sc store.ScheduleChange
	sc.Change = store.ChangeParticipant
	sc.OldStatus.String, sc.OldStatus.Valid = c.oldStatus, c.oldStatus != ""
	sc.NewStatus.String, sc.NewStatus.Valid = c.status, c.status != ""
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	sc.OldBaselineDate.Time, sc.OldBaselineDate.Valid = day(c.oldDay), c.oldDay != 0
	sc.BaselineDate.Time, sc.BaselineDate.Valid = day(c.day), c.day != 0
	sc.OldClinicianID.Int64, sc.OldClinicianID.Valid = c.oldClinician, c.oldClinician != 0
	sc.ClinicianID.Int64, sc.ClinicianID.Valid = c.clinician, c.clinician != 0
	return sc
}

func consent(agreed bool) store.ScheduleChange {
	var sc store.ScheduleChange
	sc.Change = store.ChangeConsent
	sc.Agreed.Bool, sc.Agreed.Valid = agreed, true
	return sc
}

func TestReplanReason(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change store.ScheduleChange
		want   string
	}{
		{"agreed", consent(true), replanStart},
		{"declined", consent(false), ""},
		{"invited", change{status: "invited"}.scheduleChange(), ""},
		{"invited with a baseline (on paper)", change{status: "invited", day: 1}.scheduleChange(), replanStart},
		{"paper baseline corrected", change{oldStatus: "invited", status: "invited", oldDay: 1, day: 2}.scheduleChange(), replanStart},
		{"inserted active", change{status: "active", day: 1}.scheduleChange(), replanStart},
		{"inserted active without baseline", change{status: "active"}.scheduleChange(), ""},
		{"linked", change{oldStatus: "invited", status: "active", oldDay: 1, day: 1}.scheduleChange(), replanStart},
		{"first baseline", change{oldStatus: "active", status: "active", day: 1}.scheduleChange(), replanStart},
		{"reachable again", change{oldStatus: "unreachable", status: "active", oldDay: 1, day: 1}.scheduleChange(), replanReachable},
		{"reachable with a new baseline", change{oldStatus: "unreachable", status: "active", oldDay: 1, day: 2}.scheduleChange(), replanReachable},
		{"baseline corrected", change{oldStatus: "active", status: "active", oldDay: 1, day: 2}.scheduleChange(), replanBaseline},
		{"baseline and clinician", change{oldStatus: "active", status: "active", oldDay: 1, day: 2, oldClinician: 1, clinician: 2}.scheduleChange(), replanBaseline},
		{"clinician changed", change{oldStatus: "active", status: "active", oldDay: 1, day: 1, oldClinician: 1, clinician: 2}.scheduleChange(), replanClinician},
		{"clinician given", change{oldStatus: "active", status: "active", oldDay: 1, day: 1, clinician: 2}.scheduleChange(), replanClinician},
		{"clinician removed", change{oldStatus: "active", status: "active", oldDay: 1, day: 1, oldClinician: 1}.scheduleChange(), replanClinician},
		{"nothing that matters", change{oldStatus: "active", status: "active", oldDay: 1, day: 1, oldClinician: 1, clinician: 1}.scheduleChange(), ""},
		{"withdrawn", change{oldStatus: "active", status: "withdrawn", oldDay: 1, day: 1}.scheduleChange(), ""},
		{"unreachable", change{oldStatus: "active", status: "unreachable", oldDay: 1, day: 1}.scheduleChange(), ""},
		{"baseline removed", change{oldStatus: "active", status: "active", oldDay: 1}.scheduleChange(), ""},
	} {
		if got := replanReason(tc.change); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
