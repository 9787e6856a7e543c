package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// paperStudy is a site with a clinician and three consumers: one invited
// with a baseline date (consent on paper) who never links, one with a
// baseline date who declined in the chat, and one invited without a
// baseline date who never answered.
func paperStudy(t *testing.T) (st *store.Store, clinician int64, people map[string]*store.ImportParticipant) {
	t.Helper()
	st = pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	expires := time.Now().Add(time.Hour)
	if _, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "clinician", InviteExpires: expires}, 1, counter()); err != nil {
		t.Fatal(err)
	}
	baseline := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	codes := counter()
	for _, b := range []*time.Time{&baseline, &baseline, nil} {
		np := store.NewParticipant{Site: "OSL", Role: "consumer", BaselineDate: b, ClinicianCode: "OSL-K-0001", InviteExpires: expires}
		if _, err := st.Invite(ctx, np, 1, func() (string, error) { c, err := codes(); return "c" + c, err }); err != nil {
			t.Fatal(err)
		}
	}
	people, err := st.ImportParticipants(ctx, []string{"OSL-K-0001", "OSL-C-0001", "OSL-C-0002", "OSL-C-0003", "OSL-X-0009"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordConsent(ctx, people["OSL-C-0002"].ID, "1", false, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if people, err = st.ImportParticipants(ctx, []string{"OSL-K-0001", "OSL-C-0001", "OSL-C-0002", "OSL-C-0003", "OSL-X-0009"}); err != nil {
		t.Fatal(err)
	}
	return st, people["OSL-K-0001"].ID, people
}

// A consumer invited with a baseline date is in the study without a linked
// chat or a consent in it: their clinician rates them. Declining in the
// chat, or having neither consent nor baseline date, keeps them out.
func TestPaperConsumerIsRated(t *testing.T) {
	st, clinician, people := paperStudy(t)
	ctx := context.Background()
	var codes []string
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		ratees, err := tx.RateesOf(ctx, clinician)
		for _, r := range ratees {
			codes = append(codes, r.Code)
			if !r.BaselineDate.Valid || r.ConsentAt.Valid {
				t.Errorf("ratee %+v, want the baseline date and no consent in the chat", r)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{"OSL-C-0001"}) {
		t.Errorf("RateesOf = %q, want only the paper consumer OSL-C-0001", codes)
	}
	in := map[string]bool{}
	for code, p := range people {
		in[code] = p.InStudy
	}
	if want := map[string]bool{"OSL-K-0001": false, "OSL-C-0001": true, "OSL-C-0002": false, "OSL-C-0003": false}; !maps.Equal(in, want) {
		t.Errorf("InStudy = %v, want %v", in, want)
	}
	d, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Enrolment {
		if e.Role == "consumer" && (e.Participants != 3 || e.Consented != 1) {
			t.Errorf("consumers' enrolment %+v, want 3 invited of whom 1 in the study", e)
		}
	}
}

// An import stores its answers marked with it, completes the assessments
// the Complete rule says are complete, is audited, and shows as paper in
// the export. A second import answering an item again stores nothing.
func TestImportAnswers(t *testing.T) {
	st, clinician, people := paperStudy(t)
	ctx := context.Background()
	subject := people["OSL-C-0001"].ID
	at := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	key := func(q string) store.AssessmentKey {
		return store.AssessmentKey{SubjectID: subject, RespondentID: clinician, Questionnaire: q, Timepoint: "baseline"}
	}
	three, seven := "3", "70"
	imp := store.AnswerImport{
		File: "/tmp/paper.csv", SHA256: make([]byte, 32), Actor: "cli:test", At: at.Add(time.Hour),
		Answers: []store.ImportedAnswer{
			{Key: key("honos"), Version: "1", Item: "item1", Value: &three, AnsweredAt: at},
			{Key: key("gaf"), Version: "1", Item: "symptoms", Value: &seven, AnsweredAt: at},
			{Key: key("honos"), Version: "1", Item: "item2", Value: nil, AnsweredAt: at.Add(time.Minute)},
		},
		// gaf is complete with its one answer here; honos is not.
		Complete: func(k store.AssessmentKey, answers map[string]*string) bool {
			return k.Questionnaire == "gaf" && answers["symptoms"] != nil
		},
		Detail: map[string]any{"participants": []string{"OSL-C-0001"}},
	}
	res, err := st.ImportAnswers(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Answers != 3 || res.Assessments != 2 || res.Completed != 1 {
		t.Errorf("result %+v, want 3 answers to 2 assessments, 1 completed", res)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM answers WHERE import_id = $1 AND update_id IS NULL`, res.ID); n != 3 {
		t.Errorf("%d answers carry the import, want 3", n)
	}
	status := map[string]string{}
	d, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range d.Answers {
		status[a.Questionnaire] = a.Status
		if a.Source != store.SourcePaper || a.Respondent != "OSL-K-0001" || a.Participant != "OSL-C-0001" {
			t.Errorf("exported %+v, want source paper, OSL-K-0001 about OSL-C-0001", a)
		}
		if a.Item == "item2" && a.Value.Valid {
			t.Errorf("a skip imported as %q", a.Value.String)
		}
	}
	if status["gaf"] != "completed" || status["honos"] != "in_progress" {
		t.Errorf("assessment statuses %v, want gaf completed and honos in progress", status)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'answers_import' AND actor = 'cli:test' AND detail->>'answers' = '3'`); n != 1 {
		t.Errorf("%d audit records of the import, want 1", n)
	}

	before := pgtest.CountAll(t)
	again := imp
	again.Answers = []store.ImportedAnswer{
		{Key: key("honos"), Version: "1", Item: "item3", Value: &three, AnsweredAt: at},
		{Key: key("honos"), Version: "1", Item: "item1", Value: &three, AnsweredAt: at},
	}
	_, err = st.ImportAnswers(ctx, again)
	var answered *store.AnsweredError
	if !errors.As(err, &answered) || answered.Index != 1 || answered.Source != store.SourcePaper {
		t.Fatalf("importing an answered item: %v, want an AnsweredError for answer 1 (paper)", err)
	}
	if after := pgtest.CountAll(t); !maps.Equal(before, after) {
		t.Errorf("a refused import changed the counts: %v -> %v", before, after)
	}
}
