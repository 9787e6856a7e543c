package report

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func ip(i int) *int { return &i }

func txt(en string) questionnaires.Text { return questionnaires.Text{"en": en, "nb": en} }

func opts(lo, hi int, extra ...questionnaires.Option) []questionnaires.Option {
	var out []questionnaires.Option
	for c := lo; c <= hi; c++ {
		out = append(out, questionnaires.Option{Code: c, Label: txt(fmt.Sprintf("Level %d", c))})
	}
	return append(out, extra...)
}

// testCatalog is a small fixed study, independent of the shipped
// definitions so the golden files change only when the export does. It has
// a self-report with a reversed item, a clinician's rating of the consumer
// with an excluded code (9 = not known), typed integers, a free-text item,
// a clinician self-report and a banded site rating.
func testCatalog() *questionnaires.Catalog {
	choice := func(id, text string, lo, hi int, extra ...questionnaires.Option) questionnaires.Item {
		return questionnaires.Item{ID: id, Type: questionnaires.TypeChoice, Text: txt(text), Options: opts(lo, hi, extra...)}
	}
	hope := &questionnaires.Questionnaire{
		ID: "hope", Version: "2", Title: txt("Hope index"), Respondent: questionnaires.RoleConsumer, Subject: questionnaires.SubjectSelf,
		Items: []questionnaires.Item{
			choice("item1", "Positive outlook", 1, 4),
			func() questionnaires.Item { it := choice("item2", "Feels alone", 1, 4); it.Reverse = true; return it }(),
			choice("item3", "Has goals", 1, 4),
		},
		Scoring: &questionnaires.Scoring{Scores: []questionnaires.Score{{ID: "total", Label: txt("total"), Method: "sum", MaxMissing: 1, Prorate: true}}},
	}
	diary := &questionnaires.Questionnaire{
		ID: "diary-note", Version: "1", Title: txt("Diary note"), Respondent: questionnaires.RoleConsumer, Subject: questionnaires.SubjectSelf,
		Items: []questionnaires.Item{{ID: "note", Type: questionnaires.TypeText, Text: txt(`What "went well", in your words`), Optional: true}},
	}
	honos := &questionnaires.Questionnaire{
		ID: "honos", Version: "1", Title: txt("HoNOS"), Respondent: questionnaires.RoleClinician, Subject: questionnaires.SubjectConsumer,
		Items: []questionnaires.Item{
			choice("h1", "Overactive behaviour", 0, 4, questionnaires.Option{Code: 9, Label: txt("Not known")}),
			choice("h2", "Self-injury", 0, 4, questionnaires.Option{Code: 9, Label: txt("Not known")}),
			choice("h3", "Drinking or drug-taking", 0, 4, questionnaires.Option{Code: 9, Label: txt("Not known")}),
		},
		Scoring: &questionnaires.Scoring{ExcludeCodes: []int{9}, Scores: []questionnaires.Score{{ID: "total", Label: txt("total"), Method: "sum", MaxMissing: 1}}},
	}
	gaf := &questionnaires.Questionnaire{
		ID: "gaf", Version: "1", Title: txt("GAF"), Respondent: questionnaires.RoleClinician, Subject: questionnaires.SubjectConsumer,
		Items: []questionnaires.Item{
			{ID: "symptoms", Type: questionnaires.TypeInteger, Text: txt("Symptoms"), Min: ip(1), Max: ip(100)},
			{ID: "function", Type: questionnaires.TypeInteger, Text: txt("Function"), Min: ip(1), Max: ip(100)},
		},
		Scoring: &questionnaires.Scoring{Scores: []questionnaires.Score{
			{ID: "symptoms", Label: txt("symptoms"), Method: "sum", Items: []string{"symptoms"}},
			{ID: "function", Label: txt("function"), Method: "sum", Items: []string{"function"}},
		}},
	}
	practice := &questionnaires.Questionnaire{
		ID: "imr-practice", Version: "1", Title: txt("IMR practice"), Respondent: questionnaires.RoleClinician, Subject: questionnaires.SubjectSelf,
		Items:   []questionnaires.Item{choice("confidence", "Confidence using IMR", 1, 5), choice("future", "Will use IMR", 1, 5)},
		Scoring: &questionnaires.Scoring{Scores: []questionnaires.Score{{ID: "mean", Label: txt("mean"), Method: "mean"}}},
	}
	fidelity := &questionnaires.Questionnaire{
		ID: "imr-fidelity", Version: "1", Title: txt("IMR fidelity"), Respondent: questionnaires.RoleCoordinator, Subject: questionnaires.SubjectSite,
		Items: []questionnaires.Item{choice("f1", "Group size", 1, 5), choice("f2", "Goal setting", 1, 5), choice("f3", "Homework", 1, 5)},
		Scoring: &questionnaires.Scoring{Scores: []questionnaires.Score{{ID: "mean", Label: txt("mean"), Method: "mean", Bands: []questionnaires.Band{
			{ID: "low", Min: 1, Label: txt("Low")}, {ID: "moderate", Min: 3, Label: txt("Moderate")}, {ID: "high", Min: 4, Label: txt("High")},
		}}}},
	}
	// Hope has its validated wording; the rest stand in for theirs.
	hope.Wording = questionnaires.WordingValidated
	for _, q := range []*questionnaires.Questionnaire{diary, honos, gaf, practice, fidelity} {
		q.Wording = questionnaires.WordingPlaceholder
	}
	return &questionnaires.Catalog{
		Questionnaires: map[string]*questionnaires.Questionnaire{
			hope.ID: hope, diary.ID: diary, honos.ID: honos, gaf.ID: gaf, practice.ID: practice, fidelity.ID: fidelity,
		},
		Protocol: questionnaires.Protocol{
			Timepoints: []questionnaires.Timepoint{
				{ID: "baseline", Label: txt("Baseline"), Months: 0},
				{ID: "m12", Label: txt("12-month follow-up"), Months: 12},
			},
			Batteries: []questionnaires.Battery{
				{Role: "consumer", Subject: "self", Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"hope", "diary-note"}},
				{Role: "clinician", Subject: "consumer", Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"honos", "gaf"}},
				{Role: "clinician", Subject: "self", Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"imr-practice"}},
				{Role: "coordinator", Subject: "site", Timepoints: []string{"m12"}, Questionnaires: []string{"imr-fidelity"}},
			},
		},
	}
}

// telegramChat is the chat id linked to OSL-C-0001; it must never appear in
// any export or report.
const telegramChat = 555000111222

var (
	baselineAt = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	m12At      = time.Date(2026, 1, 12, 14, 30, 0, 0, time.UTC)
)

// loadStudy enrols and answers the fixed data set through the store, the
// way the bot does. Hope totals (item2 reversed: 5 - answer):
//
//	OSL-C-0001 baseline 1,2,3 -> 1+3+3 = 7   m12 3,1,4 -> 3+4+4 = 11
//	OSL-C-0002 baseline 2,2,2 -> 2+3+2 = 7   m12 2,skip,3 -> 7.5 (see below)
//	OSL-C-0003 baseline 1,4,1 -> 3           no m12 (missing follow-up)
//	BGO-C-0001 baseline 2,3,2 -> 6           m12 3,3,3 -> 8
//	BGO-C-0002 erased: never exported or analysed
//
// OSL-C-0002 at m12 answered item1 = 2 and item3 = 3 (item2 skipped): two
// of three items, 5, prorated to 5 * 3/2 = 7.5.
func loadStudy(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, s := range [][2]string{{"BGO", "Bergen DPS"}, {"OSL", "Oslo DPS, Søndre"}} {
		if err := st.AddSite(ctx, s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	inviteCodes := map[string]string{}
	n := 0
	invite := func(site, role, clinician string, count int) {
		t.Helper()
		invs, err := st.Invite(ctx, store.NewParticipant{Site: site, Role: role, ClinicianCode: clinician, InviteExpires: baselineAt.Add(24 * time.Hour)},
			count, func() (string, error) { n++; return fmt.Sprintf("fixture-invite-%03d-xxxxxxxxxxxx", n), nil })
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invs {
			p, err := st.ParticipantByCode(ctx, inv.ParticipantCode)
			if err != nil {
				t.Fatal(err)
			}
			ids[p.Code] = p.ID
			inviteCodes[p.Code] = inv.InviteCode
		}
	}
	invite("OSL", "clinician", "", 2)
	invite("BGO", "clinician", "", 1)
	invite("OSL", "consumer", "OSL-K-0001", 3)
	invite("BGO", "consumer", "BGO-K-0001", 2)
	invite("OSL", "coordinator", "", 1)
	invite("BGO", "coordinator", "", 1)

	chat := int64(telegramChat)
	for _, code := range []string{"OSL-K-0001", "OSL-K-0002", "BGO-K-0001", "OSL-C-0001", "OSL-C-0002", "OSL-C-0003", "BGO-C-0001", "BGO-C-0002", "OSL-R-0001", "BGO-R-0001"} {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			inv, err := tx.LockInvite(ctx, inviteCodes[code])
			if err != nil {
				return err
			}
			if err := tx.LinkChat(ctx, inv.ParticipantID, chat, chat, []byte(`{}`), baselineAt); err != nil {
				return err
			}
			if inv.Role == "coordinator" {
				return nil
			}
			return tx.RecordConsent(ctx, inv.ParticipantID, "1", true, baselineAt)
		})
		if err != nil {
			t.Fatal(err)
		}
		chat++
	}

	// answer stores one assessment; values are item, value pairs, a nil
	// value a skip. Answers are a minute apart from at.
	answer := func(subject, respondent, q, tp string, at time.Time, complete bool, pairs ...any) {
		t.Helper()
		err := st.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: ids[subject], RespondentID: ids[respondent], Questionnaire: q, Timepoint: tp}, testCatalog().Questionnaires[q].Version, at)
			if err != nil {
				return err
			}
			for i := 0; i < len(pairs); i += 2 {
				at = at.Add(time.Minute)
				var v *string
				if s, ok := pairs[i+1].(string); ok {
					v = &s
				}
				if err := tx.SaveAnswer(ctx, id, pairs[i].(string), v, int64(i), at); err != nil {
					return err
				}
			}
			if complete {
				return tx.CompleteAssessment(ctx, id, at)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// OSL-C-0001 first answered item1 = 4, then went back and chose 1.
	answer("OSL-C-0001", "OSL-C-0001", "hope", "baseline", baselineAt, true, "item1", "4", "item2", "2", "item3", "3", "item1", "1")
	answer("OSL-C-0001", "OSL-C-0001", "diary-note", "baseline", baselineAt.Add(time.Hour), true, "note", "Slept better, \"mostly\"\nand walked")
	answer("OSL-C-0001", "OSL-C-0001", "hope", "m12", m12At, true, "item1", "3", "item2", "1", "item3", "4")
	answer("OSL-C-0002", "OSL-C-0002", "hope", "baseline", baselineAt, true, "item1", "2", "item2", "2", "item3", "2")
	answer("OSL-C-0002", "OSL-C-0002", "diary-note", "baseline", baselineAt.Add(time.Hour), true, "note", nil)
	answer("OSL-C-0002", "OSL-C-0002", "hope", "m12", m12At, true, "item1", "2", "item2", nil, "item3", "3")
	answer("OSL-C-0003", "OSL-C-0003", "hope", "baseline", baselineAt, true, "item1", "1", "item2", "4", "item3", "1")
	answer("BGO-C-0001", "BGO-C-0001", "hope", "baseline", baselineAt, true, "item1", "2", "item2", "3", "item3", "2")
	answer("BGO-C-0001", "BGO-C-0001", "hope", "m12", m12At, true, "item1", "3", "item2", "3", "item3", "3")
	answer("BGO-C-0002", "BGO-C-0002", "hope", "baseline", baselineAt, true, "item1", "4", "item2", "1", "item3", "4")
	answer("BGO-C-0002", "BGO-C-0002", "hope", "m12", m12At, true, "item1", "4", "item2", "1", "item3", "4")

	// Clinician ratings. HoNOS 9 = not known is left out of the total and
	// not prorated (the standard rule): 2 + 1 = 3, from 2 rated items.
	// OSL-K-0002 also started a baseline rating of OSL-C-0001: the
	// completed one of OSL-K-0001 is used.
	answer("OSL-C-0001", "OSL-K-0001", "honos", "baseline", baselineAt.Add(2*time.Hour), true, "h1", "2", "h2", "9", "h3", "1")
	answer("OSL-C-0001", "OSL-K-0002", "honos", "baseline", baselineAt.Add(3*time.Hour), false, "h1", "3")
	answer("OSL-C-0001", "OSL-K-0001", "honos", "m12", m12At.Add(2*time.Hour), true, "h1", "1", "h2", "1", "h3", "0")
	answer("OSL-C-0002", "OSL-K-0001", "honos", "baseline", baselineAt.Add(2*time.Hour), true, "h1", "3", "h2", "3", "h3", "3")
	// One item of three at m12: too many missing, no score, no pair.
	answer("OSL-C-0002", "OSL-K-0001", "honos", "m12", m12At.Add(2*time.Hour), false, "h1", "2")
	answer("OSL-C-0001", "OSL-K-0001", "gaf", "baseline", baselineAt.Add(2*time.Hour), true, "symptoms", "45", "function", "50")
	answer("OSL-C-0001", "OSL-K-0001", "gaf", "m12", m12At.Add(2*time.Hour), true, "symptoms", "60", "function", "62")
	answer("OSL-K-0001", "OSL-K-0001", "imr-practice", "baseline", baselineAt, true, "confidence", "3", "future", "4")
	answer("OSL-K-0001", "OSL-K-0001", "imr-practice", "m12", m12At, true, "confidence", "4", "future", "5")

	// Site ratings at m12: OSL mean 13/3 = 4.33 (high), BGO 8/3 = 2.67 (low).
	answer("OSL-R-0001", "OSL-R-0001", "imr-fidelity", "m12", m12At, true, "f1", "4", "f2", "4", "f3", "5")
	answer("BGO-R-0001", "BGO-R-0001", "imr-fidelity", "m12", m12At, true, "f1", "3", "f2", "2", "f3", "3")

	// BGO-C-0002 withdraws and has their answers erased.
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.Withdraw(ctx, ids["BGO-C-0002"], true, m12At.Add(24*time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
}

// studyData loads the data set into a fresh database once per test run
// and reads it back; each caller gets its own copy of the snapshot's
// header, so reassigning its fields affects no other test.
func studyData(t *testing.T) *store.ExportData {
	t.Helper()
	if loadedStudy == nil {
		st := pgtest.Store(t)
		loadStudy(t, st)
		d, err := st.ExportData(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		loadedStudy = d
	}
	d := *loadedStudy
	return &d
}

// loadedStudy caches the snapshot: loading takes dozens of commits, and no
// test writes to the database after it.
var loadedStudy *store.ExportData
