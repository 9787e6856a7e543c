package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/report"
	"github.com/imrbot/imrbot/store"
)

// The report counts every consumer invited, CONSORT-style and by /status's
// rule: of a site's four consumers one declined, one never started, one
// consented and one completed their baseline, so no rate hides who declined
// or never started.
func TestReportFlowCountsEveryConsumer(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	codes := map[string]string{} // invite code -> participant code
	for _, inv := range []string{"declines", "never", "consents", "done"} {
		out, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: now.Add(time.Hour)},
			1, func() (string, error) { return inv, nil })
		if err != nil {
			t.Fatal(err)
		}
		codes[inv] = out[0].ParticipantCode
	}
	for i, inv := range []string{"declines", "consents", "done"} {
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			i := int64(900 + i)
			in, err := tx.LockInvite(ctx, inv)
			if err != nil {
				return err
			}
			if err := tx.LinkChat(ctx, in.ParticipantID, i, i, []byte(`{}`), now); err != nil {
				return err
			}
			return tx.RecordConsent(ctx, in.ParticipantID, "1", inv != "declines", now)
		}); err != nil {
			t.Fatal(err)
		}
	}
	done, err := st.ParticipantByCode(ctx, codes["done"])
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range cat.Protocol.BatteryFor(questionnaires.RoleConsumer, questionnaires.SubjectSelf, "baseline") {
		pgtest.Exec(t, `
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at, completed_at)
			VALUES ($1, $1, $2, $3, 'baseline', 'completed', $4, $4, $4)`, done.ID, q, cat.Questionnaires[q].Version, now)
	}

	d, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := report.Analyse(d, cat, report.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := questionnaires.SiteFlow{Site: "OSL", Role: "consumer", Invited: 4, Linked: 3, Consented: 2, Declined: 1,
		Done: map[string]int{"baseline": 1}}
	var sites []string
	for _, f := range a.Flow {
		sites = append(sites, f.Site)
		if f.Invited != want.Invited || f.Linked != want.Linked || f.Consented != want.Consented ||
			f.Declined != want.Declined || f.Withdrawn != 0 || f.Done["baseline"] != 1 || f.Done["m12"] != 0 || f.Role != want.Role {
			t.Errorf("flow row %+v, want %+v", f, want)
		}
	}
	if strings.Join(sites, ",") != "OSL,"+report.AllSites {
		t.Errorf("flow rows for %q, want OSL then %q", sites, report.AllSites)
	}
	for _, e := range d.Enrolment {
		if e.Role == "consumer" && (e.Consented != 2 || e.Declined != 1) {
			t.Errorf("enrolment %+v, want 2 in the study and 1 declined", e)
		}
	}
	var b strings.Builder
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "PARTICIPANT FLOW") || !strings.Contains(b.String(), "own questionnaires") {
		t.Errorf("the text report lacks the flow or what retention counts:\n%s", b.String())
	}
}
