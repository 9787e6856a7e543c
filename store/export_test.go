package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// exportFixture is a small study loaded through the store's own methods:
// two sites, a consumer who changed and skipped answers, their clinician's
// rating of them, a coordinator's site rating, and a consumer at BGO who
// withdrew and had their answers erased.
type exportFixture struct {
	ids map[string]int64 // participant code -> id
}

var t0 = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

func loadExportFixture(t *testing.T, st *store.Store) exportFixture {
	t.Helper()
	ctx := context.Background()
	f := exportFixture{ids: map[string]int64{}}
	for _, s := range []string{"OSL", "BGO"} {
		if err := st.AddSite(ctx, s, s+" DPS"); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	invite := func(site, role, clinician string) (string, string) {
		n++
		code := fmt.Sprintf("invite-code-%02d-xxxxxxxxxxxxxx", n)
		inv, err := st.Invite(ctx, store.NewParticipant{
			Site: site, Role: role, ClinicianCode: clinician, InviteExpires: t0.Add(720 * time.Hour),
		}, 1, func() (string, error) { return code, nil })
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[p.Code] = p.ID
		return p.Code, code
	}
	clin, clinInvite := invite("OSL", "clinician", "")
	cons, consInvite := invite("OSL", "consumer", clin)
	cons2, _ := invite("OSL", "consumer", clin) // invited, never linked
	coord, _ := invite("OSL", "coordinator", "")
	gone, goneInvite := invite("BGO", "consumer", "")
	_ = cons2

	// Link and consent through the chat's own statements, with Telegram ids
	// that must never surface in an export.
	for i, c := range []struct{ code, invite string }{{clin, clinInvite}, {cons, consInvite}, {gone, goneInvite}} {
		chat := int64(987654321000 + i)
		err := st.InTx(ctx, func(tx *store.Tx) error {
			inv, err := tx.LockInvite(ctx, c.invite)
			if err != nil {
				return err
			}
			if err := tx.LinkChat(ctx, inv.ParticipantID, chat, chat, []byte(`{}`), t0); err != nil {
				return err
			}
			return tx.RecordConsent(ctx, inv.ParticipantID, "1", true, t0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	answer := func(subject, respondent, q, tp, status string, items ...any) {
		t.Helper()
		err := st.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.StartAssessment(ctx, store.AssessmentKey{
				SubjectID: f.ids[subject], RespondentID: f.ids[respondent], Questionnaire: q, Timepoint: tp,
			}, "1", t0)
			if err != nil {
				return err
			}
			at := t0
			for i := 0; i < len(items); i += 2 {
				at = at.Add(time.Minute)
				var v *string
				if s, ok := items[i+1].(string); ok {
					v = &s
				}
				if err := tx.SaveAnswer(ctx, id, items[i].(string), v, int64(i), at); err != nil {
					return err
				}
			}
			if status == "completed" {
				return tx.CompleteAssessment(ctx, id, at)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// item2 is answered 3, then changed to 4; item3 is skipped; item1 is
	// answered, then skipped on a second pass.
	answer(cons, cons, "hope", "baseline", "completed",
		"item1", "2", "item2", "3", "item3", nil, "item2", "4", "item1", nil)
	answer(cons, cons, "hope", "m12", "in_progress", "item1", "3")
	answer(cons, clin, "honos", "baseline", "completed", "item1", "9", "item2", "0")
	answer(clin, clin, "imr-practice", "baseline", "completed", "item1", "5")
	answer(coord, coord, "imr-fidelity", "m12", "completed", "item1", "4")
	answer(gone, gone, "hope", "baseline", "completed", "item1", "1")
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.Withdraw(ctx, f.ids[gone], true, t0.Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// exportedAnswers is the current answers as the exports read them.
func exportedAnswers(t *testing.T, st *store.Store) []store.ExportAnswer {
	t.Helper()
	d, err := st.ExportData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d.Answers
}

func TestCurrentAnswers(t *testing.T) {
	st := pgtest.Store(t)
	loadExportFixture(t, st)
	got := exportedAnswers(t, st)
	var lines []string
	for _, a := range got {
		v := "<skip>"
		if a.Value.Valid {
			v = a.Value.String
		}
		lines = append(lines, strings.Join([]string{
			a.Participant, a.SubjectRole, a.Respondent, a.RespondentRole, a.Site,
			a.Questionnaire, a.Version, a.Timepoint, a.Status, a.Item, v,
			a.AnsweredAt.UTC().Format(time.RFC3339),
		}, " "))
	}
	want := []string{
		// A clinician's rating: subject the consumer, respondent the clinician.
		"OSL-C-0001 consumer OSL-K-0001 clinician OSL honos 1 baseline completed item1 9 2026-01-15T09:01:00Z",
		"OSL-C-0001 consumer OSL-K-0001 clinician OSL honos 1 baseline completed item2 0 2026-01-15T09:02:00Z",
		// Latest row per item: item1's skip replaces its 2, item2's 4 its 3.
		"OSL-C-0001 consumer OSL-C-0001 consumer OSL hope 1 baseline completed item1 <skip> 2026-01-15T09:05:00Z",
		"OSL-C-0001 consumer OSL-C-0001 consumer OSL hope 1 baseline completed item2 4 2026-01-15T09:04:00Z",
		"OSL-C-0001 consumer OSL-C-0001 consumer OSL hope 1 baseline completed item3 <skip> 2026-01-15T09:03:00Z",
		"OSL-C-0001 consumer OSL-C-0001 consumer OSL hope 1 m12 in_progress item1 3 2026-01-15T09:01:00Z",
		"OSL-K-0001 clinician OSL-K-0001 clinician OSL imr-practice 1 baseline completed item1 5 2026-01-15T09:01:00Z",
		"OSL-R-0001 coordinator OSL-R-0001 coordinator OSL imr-fidelity 1 m12 completed item1 4 2026-01-15T09:01:00Z",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("current answers:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if s := fmt.Sprintf("%+v", got); strings.Contains(s, "98765432100") {
		t.Errorf("a Telegram id leaked into the export rows: %s", s)
	}
}

// An erased participant stays out even if some row about them survived
// the erasure (here: put back by hand, as a restore from backup might).
func TestCurrentAnswersLeaveErasedOutAsRespondent(t *testing.T) {
	st := pgtest.Store(t)
	f := loadExportFixture(t, st)
	pgtest.Exec(t, `UPDATE participants SET erased_at = $2, status = 'withdrawn' WHERE id = $1`, f.ids["OSL-K-0001"], t0)
	got := exportedAnswers(t, st)
	for _, a := range got {
		if a.Respondent == "OSL-K-0001" || a.Participant == "OSL-K-0001" {
			t.Errorf("erased clinician's answer exported: %+v", a)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d answers, want 5 (the consumer's and the coordinator's)", len(got))
	}
}

func TestExportDataCounts(t *testing.T) {
	st := pgtest.Store(t)
	loadExportFixture(t, st)
	d, err := st.ExportData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sites) != 2 || len(d.Answers) != 8 {
		t.Errorf("%d sites, %d answers; want 2 and 8", len(d.Sites), len(d.Answers))
	}
	var comp []string
	for _, c := range d.Completion {
		comp = append(comp, fmt.Sprintf("%s %s %s %d/%d/%d", c.Site, c.Timepoint, c.Questionnaire, c.Completed, c.InProgress, c.Expired))
	}
	wantComp := []string{
		"OSL baseline honos 1/0/0",
		"OSL baseline hope 1/0/0",
		"OSL baseline imr-practice 1/0/0",
		"OSL m12 hope 0/1/0",
		"OSL m12 imr-fidelity 1/0/0",
	}
	if strings.Join(comp, "\n") != strings.Join(wantComp, "\n") {
		t.Errorf("completion:\n%s\nwant:\n%s", strings.Join(comp, "\n"), strings.Join(wantComp, "\n"))
	}
	var enr []string
	for _, e := range d.Enrolment {
		enr = append(enr, fmt.Sprintf("%s %s %d %d %d %d %d", e.Site, e.Role, e.Participants, e.Linked, e.Consented, e.Withdrawn, e.Erased))
	}
	wantEnr := []string{
		"BGO consumer 0 0 0 0 1",
		"OSL clinician 1 1 1 0 0",
		"OSL consumer 2 1 1 0 0",
		"OSL coordinator 1 0 0 0 0",
	}
	if strings.Join(enr, "\n") != strings.Join(wantEnr, "\n") {
		t.Errorf("enrolment:\n%s\nwant:\n%s", strings.Join(enr, "\n"), strings.Join(wantEnr, "\n"))
	}
}
