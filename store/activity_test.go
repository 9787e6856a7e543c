package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// TestLastAnswerIgnoresClosedWindows: an answer to a questionnaire whose
// window has closed does not keep a reminder waiting, whether or not
// expiry has marked it yet (another serve's tick may not have run), while
// an answer to a completed one still does.
func TestLastAnswerIgnoresClosedWindows(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	inv := invited(t, st, "last-answer")
	p, err := st.ParticipantByCode(ctx, inv.ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	baseline := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	early, late := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	three := "3"
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetBaselineDate(ctx, p.ID, baseline, "test"); err != nil {
			return err
		}
		done, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: p.ID, RespondentID: p.ID, Questionnaire: "hope", Timepoint: "m12"}, "1", early)
		if err != nil {
			return err
		}
		if err := tx.SaveAnswer(ctx, done, "hope_1", &three, 1, early); err != nil {
			return err
		}
		if err := tx.CompleteAssessment(ctx, done, early); err != nil {
			return err
		}
		open, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: p.ID, RespondentID: p.ID, Questionnaire: "qol", Timepoint: "baseline"}, "1", late)
		if err != nil {
			return err
		}
		return tx.SaveAnswer(ctx, open, "qol_1", &three, 2, late)
	})
	if err != nil {
		t.Fatal(err)
	}
	closedOn := func(through time.Time) []store.ClosedThrough {
		return []store.ClosedThrough{{Site: "OSL", Timepoint: "baseline", Through: through}}
	}
	for _, c := range []struct {
		name   string
		closed []store.ClosedThrough
		want   time.Time
	}{
		{"no window closed", nil, late},
		{"baseline closed the day before theirs", closedOn(baseline.AddDate(0, 0, -1)), late},
		{"their baseline window closed, not yet expired", closedOn(baseline), early},
		{"another site's baseline closed", []store.ClosedThrough{{Site: "BRG", Timepoint: "baseline", Through: baseline}}, late},
		{"both their windows closed: the completed one still counts", append(closedOn(baseline),
			store.ClosedThrough{Site: "OSL", Timepoint: "m12", Through: baseline}), early},
	} {
		at, ok, err := st.LastAnswerAt(ctx, p.ID, c.closed)
		if err != nil || !ok || !at.Equal(c.want) {
			t.Errorf("%s: last answer %v (%v, %v), want %v", c.name, at, ok, err, c.want)
		}
	}
	if n, err := st.ExpireClosed(ctx, closedOn(baseline)); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if at, _, err := st.LastAnswerAt(ctx, p.ID, nil); err != nil || !at.Equal(early) {
		t.Errorf("once expired: last answer %v (%v), want %v", at, err, early)
	}
}
