package store

import (
	"database/sql"
	"testing"
	"time"
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
	participant := func(oldStatus, newStatus sql.NullString, oldDate, date sql.NullTime, oldC, c sql.NullInt64) replanChange {
		return replanChange{Change: "participant", OldStatus: oldStatus, NewStatus: newStatus,
			OldBaselineDate: oldDate, BaselineDate: date, OldClinicianID: oldC, ClinicianID: c}
	}
	for _, tc := range []struct {
		name   string
		change replanChange
		want   string
	}{
		{"agreed", replanChange{Change: "consent", Agreed: sql.NullBool{Bool: true, Valid: true}, BaselineDate: noDate}, ReplanStart},
		{"declined", replanChange{Change: "consent", Agreed: sql.NullBool{Valid: true}}, ""},
		{"invited", participant(none, status("invited"), noDate, day(1), noClinician, noClinician), ""},
		{"inserted active", participant(none, status("active"), noDate, day(1), noClinician, noClinician), ReplanStart},
		{"inserted active without baseline", participant(none, status("active"), noDate, noDate, noClinician, noClinician), ""},
		{"linked", participant(status("invited"), status("active"), day(1), day(1), noClinician, noClinician), ReplanStart},
		{"first baseline", participant(status("active"), status("active"), noDate, day(1), noClinician, noClinician), ReplanStart},
		{"reachable again", participant(status("unreachable"), status("active"), day(1), day(1), noClinician, noClinician), ReplanReachable},
		{"reachable with a new baseline", participant(status("unreachable"), status("active"), day(1), day(2), noClinician, noClinician), ReplanReachable},
		{"baseline corrected", participant(status("active"), status("active"), day(1), day(2), noClinician, noClinician), ReplanBaseline},
		{"baseline and clinician", participant(status("active"), status("active"), day(1), day(2), clinician(1), clinician(2)), ReplanBaseline},
		{"clinician changed", participant(status("active"), status("active"), day(1), day(1), clinician(1), clinician(2)), ReplanClinician},
		{"clinician given", participant(status("active"), status("active"), day(1), day(1), noClinician, clinician(2)), ReplanClinician},
		{"clinician removed", participant(status("active"), status("active"), day(1), day(1), clinician(1), noClinician), ReplanClinician},
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
