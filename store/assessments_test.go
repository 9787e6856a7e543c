package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

func TestAnswersAppendOnlyLatestCurrent(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "ANS")
	if err := link(st, "ANS", 9); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var got []*store.Assessment
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, 1, 9)
		if err != nil {
			return err
		} else if s == nil {
			return errors.New("chat 9 not linked")
		}
		k := store.AssessmentKey{SubjectID: s.ParticipantID, RespondentID: s.ParticipantID, Questionnaire: "hope", Timepoint: "baseline"}
		id, err := tx.StartAssessment(ctx, k, "1", now)
		if err != nil {
			return err
		}
		if again, err := tx.StartAssessment(ctx, k, "2", now); err != nil || again != id {
			t.Errorf("second start: id %d err %v, want %d", again, err, id)
		}
		one, two := "1", "2"
		for _, v := range []*string{&one, &two, nil} {
			if err := tx.SaveAnswer(ctx, id, "q1", v, 5, now); err != nil {
				return err
			}
		}
		if err := tx.SaveConversations(ctx, []store.ConversationSave{{
			ParticipantID: s.ParticipantID, State: []byte(`{"phase":"walking"}`), UpdateID: 6, MessageAt: now, At: now,
			Answers: []store.NewAnswer{{AssessmentID: id, Item: "q2", Value: &one}, {AssessmentID: id, Item: "q3"}},
		}}); err != nil {
			return err
		}
		got, err = tx.Assessments(ctx, s.ParticipantID, []int64{s.ParticipantID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Version != "1" || got[0].Status != "in_progress" {
		t.Fatalf("assessments = %+v", got)
	}
	if v, ok := got[0].Answers["q1"]; !ok || v != nil {
		t.Errorf("q1 current = %v, want a skip", v)
	}
	if v := got[0].Answers["q2"]; v == nil || *v != "1" {
		t.Errorf("q2 current = %v, want 1", v)
	}
	if v, ok := got[0].Answers["q3"]; !ok || v != nil {
		t.Errorf("q3 current = %v, want a skip saved with the state", v)
	}
	if n := pgtest.Count(t, "answers"); n != 5 {
		t.Errorf("%d answer rows, want 5 (append-only)", n)
	}
}
