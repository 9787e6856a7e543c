package reminders

import (
	"database/sql"
	"testing"
	"time"

	"github.com/imrbot/imrbot/store"
)

func TestReplanReason(t *testing.T) {
	day := func(d int) sql.NullTime {
		return sql.NullTime{Time: time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC), Valid: true}
	}
	status := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	clinician := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: true} }
	var none sql.NullString
	var noDate sql.NullTime
	var noClinician sql.NullInt64
	participant := func(oldStatus, newStatus sql.NullString, oldDate, date sql.NullTime, oldC, c sql.NullInt64) store.ScheduleChange {
		return store.ScheduleChange{Change: store.ChangeParticipant, OldStatus: oldStatus, NewStatus: newStatus,
			OldBaselineDate: oldDate, BaselineDate: date, OldClinicianID: oldC, ClinicianID: c}
	}
	for _, tc := range []struct {
		name   string
		change store.ScheduleChange
		want   string
	}{
		{"agreed", store.ScheduleChange{Change: store.ChangeConsent, Agreed: sql.NullBool{Bool: true, Valid: true}, BaselineDate: noDate}, replanStart},
		{"declined", store.ScheduleChange{Change: store.ChangeConsent, Agreed: sql.NullBool{Valid: true}}, ""},
		{"invited", participant(none, status("invited"), noDate, day(1), noClinician, noClinician), ""},
		{"inserted active", participant(none, status("active"), noDate, day(1), noClinician, noClinician), replanStart},
		{"inserted active without baseline", participant(none, status("active"), noDate, noDate, noClinician, noClinician), ""},
		{"linked", participant(status("invited"), status("active"), day(1), day(1), noClinician, noClinician), replanStart},
		{"first baseline", participant(status("active"), status("active"), noDate, day(1), noClinician, noClinician), replanStart},
		{"reachable again", participant(status("unreachable"), status("active"), day(1), day(1), noClinician, noClinician), replanReachable},
		{"reachable with a new baseline", participant(status("unreachable"), status("active"), day(1), day(2), noClinician, noClinician), replanReachable},
		{"baseline corrected", participant(status("active"), status("active"), day(1), day(2), noClinician, noClinician), replanBaseline},
		{"baseline and clinician", participant(status("active"), status("active"), day(1), day(2), clinician(1), clinician(2)), replanBaseline},
		{"clinician changed", participant(status("active"), status("active"), day(1), day(1), clinician(1), clinician(2)), replanClinician},
		{"clinician given", participant(status("active"), status("active"), day(1), day(1), noClinician, clinician(2)), replanClinician},
		{"clinician removed", participant(status("active"), status("active"), day(1), day(1), clinician(1), noClinician), replanClinician},
		{"nothing that matters", participant(status("active"), status("active"), day(1), day(1), clinician(1), clinician(1)), ""},
		{"withdrawn", participant(status("active"), status("withdrawn"), day(1), day(1), noClinician, noClinician), ""},
		{"unreachable", participant(status("active"), status("unreachable"), day(1), day(1), noClinician, noClinician), ""},
		{"baseline removed", participant(status("active"), status("active"), day(1), noDate, noClinician, noClinician), ""},
	} {
		if got := replanReason(tc.change); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
