package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// An assessor rates every site through its first coordinator in the study
// (earliest baseline date) and every clinician in the study, whatever site
// they were invited at; an assessor takes part once they agree in the chat.
func TestAssessorRatees(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	for _, s := range []string{"OSL", "BGO", "EXT"} {
		if err := st.AddSite(ctx, s, "Site "+s); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	codes := counter()
	invite := func(site, role, baseline string) int64 {
		t.Helper()
		np := store.NewParticipant{Site: site, Role: role, InviteExpires: now.Add(time.Hour)}
		if baseline != "" {
			d, _ := time.Parse(time.DateOnly, baseline)
			np.BaselineDate = &d
		}
		invs, err := st.Invite(ctx, np, 1, codes)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantByCode(ctx, invs[0].ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	consent := func(id int64, agreed bool) {
		t.Helper()
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RecordConsent(ctx, id, "v1", agreed, now) }); err != nil {
			t.Fatal(err)
		}
	}
	oslLater := invite("OSL", "coordinator", "2025-02-01")
	oslFirst := invite("OSL", "coordinator", "2025-01-01")
	invite("BGO", "coordinator", "") // never linked: BGO has no subject yet
	oslK := invite("OSL", "clinician", "2025-01-10")
	invite("OSL", "clinician", "") // invited only: not in the study
	bgoK := invite("BGO", "clinician", "")
	consent(bgoK, true)
	ann := invite("EXT", "assessor", "")

	var ratees []store.AssessorRatee
	var assessors bool
	read := func() {
		t.Helper()
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) {
			if ratees, err = tx.AssessorRatees(ctx); err != nil {
				return err
			}
			assessors, err = tx.AssessorsInStudy(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	read()
	var got []string
	for _, r := range ratees {
		got = append(got, fmt.Sprintf("%s %s %d %v %v", r.Subject, r.Code, r.ID, r.BaselineDate.Valid, r.ConsentAt.Valid))
	}
	want := []string{
		fmt.Sprintf("site OSL %d true false", oslFirst),
		fmt.Sprintf("clinician BGO-K-0001 %d true true", bgoK), // consenting fixed the baseline
		fmt.Sprintf("clinician OSL-K-0001 %d true false", oslK),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("AssessorRatees = %q\nwant %q", got, want)
	}
	if ok, err := st.IsSiteSubject(ctx, oslFirst); err != nil || !ok {
		t.Errorf("IsSiteSubject(first OSL coordinator) = %v, %v; want true", ok, err)
	}
	if ok, err := st.IsSiteSubject(ctx, oslLater); err != nil || ok {
		t.Errorf("IsSiteSubject(later OSL coordinator) = %v, %v; want false", ok, err)
	}

	if assessors {
		t.Errorf("AssessorsInStudy before the assessor consented = true")
	}
	consent(ann, true)
	read()
	if !assessors {
		t.Errorf("AssessorsInStudy after the assessor consented = false")
	}
	if ok, err := st.AssessorsInStudy(ctx); err != nil || !ok {
		t.Errorf("Store.AssessorsInStudy = %v, %v; want true", ok, err)
	}
	consent(ann, false) // declining a new consent version: no longer taking part
	read()
	if assessors {
		t.Errorf("AssessorsInStudy after the assessor declined = true")
	}
}
