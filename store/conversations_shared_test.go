package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// TestOpenSharedRecordsOnlyLinkedChats opens three updates at once: a
// linked chat's, a stranger's and the linked chat's first one again.
func TestOpenSharedRecordsOnlyLinkedChats(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "SHARED")
	if err := link(st, "SHARED", 31); err != nil {
		t.Fatal(err)
	}
	var participant int64
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		got, err := tx.OpenShared(ctx, []store.ChatUpdate{{UpdateID: 7, ChatID: 31}, {UpdateID: 8, ChatID: 99}})
		if err != nil {
			return err
		}
		if !got[0].Fresh || got[0].Session == nil || got[1].Session != nil {
			t.Errorf("opened %+v; want the linked chat fresh with a session, the stranger without", got)
		}
		participant = got[0].Session.ParticipantID
		v := "2"
		return tx.SaveConversations(ctx, []store.ConversationSave{{
			ParticipantID: participant, State: []byte(`{"phase":"walking"}`), UpdateID: 7, At: time.Now(),
			MessageAt: time.Unix(1_800_000_000, 0), Answers: []store.NewAnswer{{AssessmentID: startHope(t, tx, participant), Item: "q1", Value: &v}},
		}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if ids := pgtest.Dump(t, "processed_updates"); len(ids) != 1 {
		t.Errorf("processed updates %v, want the linked chat's only", ids)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM answers WHERE update_id = 7 AND value = '2'`); n != 1 {
		t.Errorf("%d answers saved with their update, want 1", n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM conversations WHERE last_update_id = 7 AND state->>'phase' = 'walking'`); n != 1 {
		t.Errorf("conversation not saved with its update and message date")
	}
	err = st.InChatTx(ctx, func(tx *store.ChatTx) error {
		got, err := tx.OpenShared(ctx, []store.ChatUpdate{{UpdateID: 7, ChatID: 31}})
		if err == nil && (got[0].Fresh || got[0].Session == nil) {
			t.Errorf("the same update again: %+v, want a duplicate with its session", got[0])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenSharedNeverWaitsForALock(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "BUSY")
	if err := link(st, "BUSY", 32); err != nil {
		t.Fatal(err)
	}
	err := st.InChatTx(ctx, func(holder *store.ChatTx) error {
		if _, _, err := holder.Open(ctx, 1, 32); err != nil {
			return err
		}
		err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
			_, err := tx.OpenShared(ctx, []store.ChatUpdate{{UpdateID: 2, ChatID: 32}})
			return err
		})
		if !errors.Is(err, store.ErrChatBusy) {
			t.Errorf("opening a locked chat: %v, want ErrChatBusy", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func startHope(t *testing.T, tx *store.ChatTx, participant int64) int64 {
	t.Helper()
	id, err := tx.StartAssessment(context.Background(), store.AssessmentKey{SubjectID: participant, RespondentID: participant,
		Questionnaire: "hope", Timepoint: "baseline"}, "1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}
