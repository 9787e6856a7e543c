package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// answeredOnce links code's participant to chatID, with one answer given
// and one reminder pending to them, and returns their id.
func answeredOnce(t *testing.T, st *store.Store, code string, chatID int64) int64 {
	t.Helper()
	ctx := context.Background()
	invited(t, st, code)
	if err := link(st, code, chatID); err != nil {
		t.Fatal(err)
	}
	var pid int64
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, chatID*100, chatID)
		if err != nil {
			return err
		} else if s == nil {
			return fmt.Errorf("chat %d not linked", chatID)
		}
		pid = s.ParticipantID
		k := store.AssessmentKey{SubjectID: pid, RespondentID: pid, Questionnaire: "hope", Timepoint: "baseline"}
		id, err := tx.StartAssessment(ctx, k, "1", time.Now())
		if err != nil {
			return err
		}
		v := "3"
		return tx.SaveAnswer(ctx, id, "q1", &v, chatID*100, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `INSERT INTO reminders (participant_id, subject_id, timepoint, step, send_at)
		VALUES ($1, $1, 'm12', 'open', now())`, pid)
	return pid
}

// chatWithdraw applies one Withdraw from chatID as the chat does.
func chatWithdraw(t *testing.T, st *store.Store, updateID, chatID int64, erase bool) {
	t.Helper()
	ctx := context.Background()
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, updateID, chatID)
		if err != nil {
			return err
		} else if s == nil {
			return fmt.Errorf("chat %d not linked", chatID)
		}
		return tx.Withdraw(ctx, s.ParticipantID, erase, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWithdrawEraseRemovesLinkAndAnswers(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "ERASE")
	if err := link(st, "ERASE", 11); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `INSERT INTO reminders (participant_id, subject_id, timepoint, step, send_at)
		SELECT id, id, 'm12', 'open', now() FROM participants`)
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, 1, 11)
		if err != nil {
			return err
		} else if s == nil {
			return errors.New("chat 11 not linked")
		}
		if err := tx.RecordConsent(ctx, s.ParticipantID, "1", true, time.Now()); err != nil {
			return err
		}
		k := store.AssessmentKey{SubjectID: s.ParticipantID, RespondentID: s.ParticipantID, Questionnaire: "hope", Timepoint: "baseline"}
		id, err := tx.StartAssessment(ctx, k, "1", time.Now())
		if err != nil {
			return err
		}
		v := "3"
		if err := tx.SaveAnswer(ctx, id, "q1", &v, 1, time.Now()); err != nil {
			return err
		}
		return tx.Withdraw(ctx, s.ParticipantID, true, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `DELETE FROM reminders WHERE status = 'cancelled'`)
	if n := pgtest.Count(t, "reminders"); n != 0 {
		t.Errorf("%d reminders not cancelled", n)
	}
	for table, want := range map[string]int{"answers": 0, "assessments": 0, "telegram_links": 0, "conversations": 0, "participants": 1, "consents": 1} {
		if n := pgtest.Count(t, table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	p, err := st.ParticipantByCode(ctx, "OSL-C-0001")
	if err != nil || p.Status != questionnaires.StatusWithdrawn {
		t.Errorf("participant after withdrawal: %+v, %v", p, err)
	}
}

// In the chat, "Yes, withdraw" stops everything but keeps the chat linked
// for the keep-or-erase question; "Keep my answers" then deletes the link
// and the conversation and keeps the answers.
func TestWithdrawKeepingAnswersDeletesTheLink(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	answeredOnce(t, st, "KEEP", 21)

	chatWithdraw(t, st, 1, 21, false)
	p, err := st.ParticipantByCode(ctx, "OSL-C-0001")
	if err != nil || p.Status != questionnaires.StatusWithdrawn {
		t.Fatalf("participant after confirming: %+v, %v", p, err)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM reminders WHERE status = 'pending'`); n != 0 {
		t.Errorf("%d reminders still pending after confirming", n)
	}
	if !linkedChat(t, st, 2, 21) {
		t.Fatal("the chat was unlinked before its keep-or-erase question was answered")
	}

	chatWithdraw(t, st, 3, 21, false)
	for table, want := range map[string]int{"telegram_links": 0, "conversations": 0, "answers": 1, "assessments": 1, "participants": 1} {
		if n := pgtest.Count(t, table); n != want {
			t.Errorf("%s: %d rows after keeping the answers, want %d", table, n, want)
		}
	}
	if linkedChat(t, st, 4, 21) {
		t.Error("the withdrawn participant's chat still reaches them")
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM participants WHERE erased_at IS NOT NULL`); n != 0 {
		t.Errorf("keeping the answers marked %d participants erased", n)
	}
}

// A withdrawal told to the study team takes effect at once, is audited,
// and is refused, changing nothing, for an unknown code or a second time.
func TestWithdrawByCode(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	keep := answeredOnce(t, st, "TEAM1", 31)
	answeredOnce(t, st, "TEAM2", 32)
	now := time.Now()

	if err := st.WithdrawByCode(ctx, "OSL-C-0001", false, "cli", now); err != nil {
		t.Fatal(err)
	}
	if linkedChat(t, st, 1, 31) {
		t.Error("the chat still reaches a participant withdrawn by the study team")
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM telegram_links WHERE participant_id = $1`:                    0,
		`SELECT count(*) FROM conversations WHERE participant_id = $1`:                     0,
		`SELECT count(*) FROM assessments WHERE respondent_id = $1`:                        1,
		`SELECT count(*) FROM reminders WHERE participant_id = $1 AND status = 'pending'`:  0,
		`SELECT count(*) FROM participants WHERE id = $1 AND status = 'withdrawn'`:         1,
		`SELECT count(*) FROM audit_log WHERE participant_id = $1 AND action = 'withdraw'`: 1,
	} {
		if n := pgtest.Int(t, q, keep); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}

	if err := st.WithdrawByCode(ctx, "OSL-C-0002", true, "cli", now); err != nil {
		t.Fatal(err)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM assessments WHERE respondent_id <> $1`, keep); n != 0 {
		t.Errorf("%d assessments left after erasure", n)
	}

	before := pgtest.CountAll(t)
	for _, c := range []struct {
		code  string
		erase bool
		want  error
	}{
		{"OSL-C-0001", false, store.ErrAlreadyWithdrawn},
		{"OSL-C-0002", true, store.ErrAlreadyWithdrawn},
		{"OSL-C-0002", false, store.ErrAlreadyWithdrawn},
		{"OSL-C-0099", true, store.ErrNotFound},
	} {
		if err := st.WithdrawByCode(ctx, c.code, c.erase, "cli", now); !errors.Is(err, c.want) {
			t.Errorf("withdrawing %s (erase %v): %v, want %v", c.code, c.erase, err, c.want)
		}
	}
	if after := pgtest.CountAll(t); !maps.Equal(before, after) {
		t.Errorf("refused withdrawals changed rows: %v -> %v", before, after)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM assessments WHERE respondent_id = $1`, keep); n != 1 {
		t.Errorf("a refused withdrawal deleted answers kept at withdrawal (%d assessments left)", n)
	}

	// Answers kept at withdrawal can be erased on request later.
	if err := st.WithdrawByCode(ctx, "OSL-C-0001", true, "cli", now); err != nil {
		t.Fatal(err)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM assessments WHERE respondent_id = $1`, keep); n != 0 {
		t.Errorf("%d assessments left after a later erasure", n)
	}
}

// Someone withdrawn before they ever opened their invitation cannot link a
// chat with it afterwards.
func TestWithdrawnBeforeLinkingCannotLink(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "NEVER")
	if err := st.WithdrawByCode(ctx, "OSL-C-0001", false, "cli", time.Now()); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.LockInvite(ctx, "NEVER")
		if err != nil {
			return err
		}
		if inv.ExpiresAt.After(time.Now()) {
			t.Errorf("the invitation of a withdrawn participant is valid until %v", inv.ExpiresAt)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A keep-or-erase question left unanswered keeps the link only until the
// chat has been quiet past the cutoff.
func TestForgetWithdrawnChats(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	answeredOnce(t, st, "QUIET", 41)
	answeredOnce(t, st, "BUSY", 42)
	answeredOnce(t, st, "STAYS", 43)
	chatWithdraw(t, st, 1, 41, false)
	chatWithdraw(t, st, 2, 42, false)
	cutoff := time.Now().Add(-time.Hour)
	pgtest.Exec(t, `UPDATE conversations c SET updated_at = $1 FROM telegram_links l
		WHERE l.participant_id = c.participant_id AND l.chat_id IN (41, 43)`, cutoff.Add(-time.Minute))

	n, err := st.ForgetWithdrawnChats(ctx, cutoff)
	if err != nil || n != 1 {
		t.Fatalf("ForgetWithdrawnChats = %d, %v; want 1 (the quiet withdrawn chat)", n, err)
	}
	for chat, want := range map[int64]bool{41: false, 42: true, 43: true} {
		if got := linkedChat(t, st, 100+chat, chat); got != want {
			t.Errorf("chat %d linked = %v, want %v", chat, got, want)
		}
	}
	if n := pgtest.Count(t, "answers"); n != 3 {
		t.Errorf("%d answers after forgetting a chat, want all 3 kept", n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'unlink'`); n != 1 {
		t.Errorf("%d unlinks audited, want 1", n)
	}
}

func TestMarkChatUnreachableOnce(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	invited(t, st, "GONE")
	if err := link(st, "GONE", 12); err != nil {
		t.Fatal(err)
	}
	u, err := st.MarkChatUnreachable(ctx, 12, "blocked")
	if err != nil || u.Code != "OSL-C-0001" {
		t.Fatalf("first mark: %+v, %v", u, err)
	}
	if _, err := st.MarkChatUnreachable(ctx, 12, "blocked"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second mark: %v, want ErrNotFound", err)
	}
	if changed, err := st.MarkChatReachable(ctx, 12); err != nil || !changed {
		t.Fatalf("reachable again: %v, %v", changed, err)
	}
}

// Erasing a coordinator deletes their own answers but not the ratings an
// assessor made of their site (stored with the site's first coordinator as
// subject); erasing a clinician deletes the assessor's ratings of them,
// which are about them personally.
func TestEraseCoordinatorKeepsOthersRatingsOfTheSite(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, role := range []string{"coordinator", "clinician", "assessor"} {
		inv, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: role, InviteExpires: time.Now().Add(time.Hour)},
			1, func() (string, error) { return "erase-" + role, nil })
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		ids[role] = p.ID
	}
	// rating records respondent's rating of subject with one answer.
	rating := func(subject, respondent, q string) {
		t.Helper()
		pgtest.Exec(t, `
			WITH a AS (
				INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
				VALUES ($1, $2, $3, '1', 'm12', 'in_progress', now(), now()) RETURNING id)
			INSERT INTO answers (assessment_id, item, value, answered_at) SELECT id, 'f1', '4', now() FROM a`,
			ids[subject], ids[respondent], q)
	}
	rating("coordinator", "coordinator", "imr-fidelity") // the coordinator's own, before the assessor came
	rating("coordinator", "assessor", "imr-fidelity")
	rating("coordinator", "assessor", "goi")
	rating("clinician", "assessor", "it-is")

	// count is how many answers respondent gave about subject.
	count := func(subject, respondent string) int {
		t.Helper()
		return pgtest.Int(t, `SELECT count(*) FROM answers x JOIN assessments a ON a.id = x.assessment_id
			WHERE a.subject_id = $1 AND a.respondent_id = $2`, ids[subject], ids[respondent])
	}
	if err := st.WithdrawByCode(ctx, "OSL-R-0001", true, "cli", time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count("coordinator", "coordinator"); n != 0 {
		t.Errorf("%d of the erased coordinator's own answers left", n)
	}
	if n := count("coordinator", "assessor"); n != 2 {
		t.Errorf("erasing the coordinator left %d of the assessor's answers about the site, want 2", n)
	}
	data, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exported := 0
	for _, a := range data.Answers {
		if a.Participant == "OSL-R-0001" && a.Respondent != "OSL-R-0001" {
			exported++
		}
	}
	if exported != 2 {
		t.Errorf("the export has %d of the assessor's answers about the erased coordinator's site, want 2", exported)
	}
	if err := st.WithdrawByCode(ctx, "OSL-K-0001", true, "cli", time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count("clinician", "assessor"); n != 0 {
		t.Errorf("erasing the clinician left %d of the assessor's answers about them", n)
	}
}
