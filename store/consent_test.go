package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Consent is their latest decision in the chat: a consumer who agreed to
// version 1 and declines version 2 stops taking part (not rated, not
// reminded, not counted in the study, declined on the roster), and one who
// declined and then agreed takes part.
func TestDecliningANewConsentVersionEndsParticipation(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	expires := time.Now().Add(time.Hour)
	if _, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "clinician", InviteExpires: expires}, 1, fixed("kim")); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"stops", "stays", "returns"} {
		np := store.NewParticipant{Site: "OSL", Role: "consumer", ClinicianCode: "OSL-K-0001", InviteExpires: expires}
		if _, err := st.Invite(ctx, np, 1, fixed(code)); err != nil {
			t.Fatal(err)
		}
	}
	for i, code := range []string{"kim", "stops", "stays", "returns"} {
		if err := link(st, code, int64(700+i)); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now()
	decide := func(code, version string, agreed bool, at time.Time) {
		t.Helper()
		p, err := st.ParticipantByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RecordConsent(ctx, p.ID, version, agreed, at) }); err != nil {
			t.Fatal(err)
		}
	}
	decide("OSL-K-0001", "1", true, t0)
	decide("OSL-C-0001", "1", true, t0)
	decide("OSL-C-0001", "2", false, t0.Add(time.Minute)) // declines the new version
	decide("OSL-C-0002", "1", true, t0)
	decide("OSL-C-0003", "1", false, t0)
	decide("OSL-C-0003", "2", true, t0.Add(time.Minute))

	kim, err := st.ParticipantByCode(ctx, "OSL-K-0001")
	if err != nil {
		t.Fatal(err)
	}
	var ratees []string
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		rs, err := tx.RateesOf(ctx, kim.ID)
		for _, r := range rs {
			ratees = append(ratees, r.Code)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"OSL-C-0002", "OSL-C-0003"}; !slices.Equal(ratees, want) {
		t.Errorf("RateesOf = %q, want %q", ratees, want)
	}

	for code, want := range map[string]bool{"OSL-C-0001": false, "OSL-C-0002": true, "OSL-C-0003": true} {
		sp, err := st.ScheduleParticipantByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if sp.Consented != want || sp.InStudy != want {
			t.Errorf("%s: consented %v, in study %v; want both %v", code, sp.Consented, sp.InStudy, want)
		}
	}

	roster, err := st.Roster(ctx, "OSL")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]questionnaires.ParticipantStatus{}
	for _, e := range roster {
		got[e.Code] = questionnaires.RosterStatus(e.Facts(), time.Now())
	}
	if got["OSL-C-0001"] != questionnaires.StatusDeclined || got["OSL-C-0002"] != questionnaires.StatusActive || got["OSL-C-0003"] != questionnaires.StatusActive {
		t.Errorf("roster statuses %v, want OSL-C-0001 declined, the others active", got)
	}

	d, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Enrolment {
		if e.Role == "consumer" && (e.Participants != 3 || e.Consented != 2 || e.Declined != 1) {
			t.Errorf("consumers' enrolment %+v, want 3 invited, 2 in the study, 1 declined", e)
		}
	}

	flow, err := st.FlowParticipants(ctx, []string{"OSL"})
	if err != nil {
		t.Fatal(err)
	}
	stops, err := st.ParticipantByCode(ctx, "OSL-C-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range flow {
		if p.Role == "consumer" && (!p.Agreed || p.Declined != (p.ID == stops.ID)) {
			t.Errorf("flow %+v: every consumer consented once, only OSL-C-0001 declined last", p)
		}
	}
}
