package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// TestOpenAfterWaitingSeesWhatTheOtherCommitted is two serve processes
// applying updates of one chat at once: the second waits for the chat's
// lock, and must then see the answer and state the first committed, not the
// database as it was when its statement began.
func TestOpenAfterWaitingSeesWhatTheOtherCommitted(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	// The second process's store: its own pool, as another process has.
	other, err := store.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	invited(t, st, "LOCK")
	if err := link(st, "LOCK", 21); err != nil {
		t.Fatal(err)
	}

	type opened struct {
		sess *store.ChatSession
		err  error
	}
	second := make(chan opened, 1)
	err = st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, 1, 21)
		if err != nil {
			return err
		} else if s == nil {
			return errors.New("chat 21 not linked")
		}
		if len(s.Own) != 0 {
			t.Errorf("own assessments before any answer: %+v", s.Own)
		}
		id, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: s.ParticipantID, RespondentID: s.ParticipantID,
			Questionnaire: "hope", Timepoint: "baseline"}, "1", time.Now())
		if err != nil {
			return err
		}
		v := "4"
		if err := tx.SaveConversations(ctx, []store.ConversationSave{{
			ParticipantID: s.ParticipantID, State: []byte(`{"phase":"first"}`), UpdateID: 1, At: time.Now(),
			Answers: []store.NewAnswer{{AssessmentID: id, Item: "q1", Value: &v}},
		}}); err != nil {
			return err
		}
		go func() {
			var o opened
			o.err = other.InChatTx(ctx, func(tx *store.ChatTx) error {
				var err error
				_, o.sess, err = tx.Open(ctx, 2, 21)
				return err
			})
			second <- o
		}()
		waitForLockWaiter(t)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	o := <-second
	if o.err != nil {
		t.Fatal(o.err)
	}
	if got := string(o.sess.State); got != `{"phase": "first"}` {
		t.Errorf("state after waiting = %s, want the first transaction's", got)
	}
	if len(o.sess.Own) != 1 || o.sess.Own[0].Answers["q1"] == nil || *o.sess.Own[0].Answers["q1"] != "4" {
		t.Errorf("own assessments after waiting = %+v, want hope with q1 = 4", o.sess.Own)
	}
}

// waitForLockWaiter returns once a session of the test database waits for
// a row lock.
func waitForLockWaiter(t *testing.T) {
	t.Helper()
	for range 1000 {
		if pgtest.Int(t, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the second transaction never waited for the chat's lock")
}

func TestPromptMessagesNeverGoBack(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "PROMPT")
	if err := link(st, "PROMPT", 22); err != nil {
		t.Fatal(err)
	}
	id := int64(pgtest.Int(t, `SELECT participant_id FROM telegram_links WHERE chat_id = 22`))
	for _, m := range []int64{10, 5} {
		if err := st.RecordPromptMessages(ctx, map[int64]int64{id: m, id + 1000: m}); err != nil {
			t.Fatal(err)
		}
	}
	if got := pgtest.Int(t, `SELECT prompt_message_id FROM telegram_links WHERE participant_id = $1`, id); got != 10 {
		t.Errorf("prompt message = %d, want 10: an older id must not replace a newer one", got)
	}
}

func TestMarkUpdateProcessedOnce(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
			fresh, sess, err := tx.Open(ctx, 42, 1234)
			if fresh != want || sess != nil {
				t.Errorf("attempt %d: fresh = %v, session %v; want %v and none", i, fresh, sess, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
