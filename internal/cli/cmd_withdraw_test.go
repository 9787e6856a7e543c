package cli

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
)

// answerOnce gives code's participant one answer and one pending reminder,
// as the chat and the dispatcher would (by hand: the schema is enough).
func answerOnce(t *testing.T, code string) {
	t.Helper()
	pgtest.Exec(t, `
		WITH p AS (SELECT id FROM participants WHERE code = $1),
		a AS (
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint, status, opened_at, started_at)
			SELECT id, id, 'hope', '1', 'baseline', 'in_progress', $2, $2 FROM p RETURNING id),
		r AS (
			INSERT INTO reminders (participant_id, subject_id, timepoint, step, send_at)
			SELECT id, id, 'm12', 'open', $2 FROM p)
		INSERT INTO answers (assessment_id, item, value, answered_at) SELECT id, 'q1', '3', $2 FROM a`, code, cliNow)
}

func TestParticipantWithdraw(t *testing.T) {
	env := dbEnv(t)
	st := pgtest.Store(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	keep := inviteOne(t, env, "--role", "consumer")
	erase := inviteOne(t, env, "--role", "consumer")
	for i, code := range []string{keep, erase} {
		joinChat(t, st, code, int64(201+i))
		answerOnce(t, code)
	}

	out, errOut, code := run(t, env, "participant", "withdraw", keep)
	if code != 0 || out != "withdrew "+keep+": reminders stopped, Telegram link deleted, answers kept\n" {
		t.Fatalf("withdraw %s: exit %d, %q, %q", keep, code, out, errOut)
	}
	out, errOut, code = run(t, env, "participant", "withdraw", erase, "--erase")
	if code != 0 || out != "withdrew "+erase+": reminders stopped, Telegram link deleted, answers erased\n" {
		t.Fatalf("withdraw %s --erase: exit %d, %q, %q", erase, code, out, errOut)
	}
	for _, c := range []struct {
		what    string
		n, want int
	}{
		{keep + " linked chats", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN telegram_links l ON l.participant_id = p.id WHERE p.code = $1`, keep), 0},
		{keep + " answers", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN answers x ON x.assessment_id IN (SELECT id FROM assessments WHERE respondent_id = p.id)
			WHERE p.code = $1`, keep), 1},
		{keep + " pending reminders", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN reminders r ON r.participant_id = p.id AND r.status = 'pending' WHERE p.code = $1`, keep), 0},
		{keep + " withdrawn, not erased", pgtest.Int(t, `SELECT count(*) FROM participants p
			WHERE p.code = $1 AND p.status = 'withdrawn' AND p.erased_at IS NULL`, keep), 1},
		{erase + " linked chats", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN telegram_links l ON l.participant_id = p.id WHERE p.code = $1`, erase), 0},
		{erase + " assessments", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN assessments a ON a.respondent_id = p.id WHERE p.code = $1`, erase), 0},
		{erase + " pending reminders", pgtest.Int(t, `SELECT count(*) FROM participants p
			JOIN reminders r ON r.participant_id = p.id AND r.status = 'pending' WHERE p.code = $1`, erase), 0},
		{erase + " withdrawn and erased", pgtest.Int(t, `SELECT count(*) FROM participants p
			WHERE p.code = $1 AND p.status = 'withdrawn' AND p.erased_at IS NOT NULL`, erase), 1},
	} {
		if c.n != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.n, c.want)
		}
	}
	entries, err := st.AuditLog(context.Background(), "withdraw")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Actor != "cli" || entries[1].Actor != "cli" {
		t.Errorf("withdrawals audited as %+v, want two by cli", entries)
	}

	// Refused: one line, non-zero, nothing changed (the answers kept at
	// withdrawal above are not erased by a second withdrawal).
	before := pgtest.CountAll(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{keep}, "has already withdrawn"},
		{[]string{erase}, "has already withdrawn"},
		{[]string{erase, "--erase"}, "has already withdrawn"},
		{[]string{"OSL-C-9999"}, "unknown participant"},
		{nil, "expected"},
	} {
		out, errOut, code := run(t, env, append([]string{"participant", "withdraw"}, c.args...)...)
		if code == 0 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("withdraw %v: exit %d, %q, %q; want non-zero and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
	if after := pgtest.CountAll(t); !maps.Equal(before, after) {
		t.Errorf("refused withdrawals changed rows: %v -> %v", before, after)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM participants p
		JOIN assessments a ON a.respondent_id = p.id WHERE p.code = $1`, keep); n != 1 {
		t.Errorf("%s has %d assessments after refused withdrawals, want 1", keep, n)
	}

	// Who withdrew keeping their answers may later ask for them to be erased.
	if out, errOut, code := run(t, env, "participant", "withdraw", keep, "--erase"); code != 0 || !strings.Contains(out, "answers erased") {
		t.Fatalf("withdraw %s --erase after keeping: exit %d, %q, %q", keep, code, out, errOut)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM participants p
		JOIN assessments a ON a.respondent_id = p.id WHERE p.code = $1`, keep); n != 0 {
		t.Errorf("%s has %d assessments after a later erasure, want 0", keep, n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM participants WHERE code = $1 AND erased_at IS NOT NULL`, keep); n != 1 {
		t.Errorf("%s is not marked erased after a later erasure", keep)
	}

	// An erased participant has no baseline left to correct.
	before = pgtest.CountAll(t)
	out, errOut, code = run(t, env, "participant", "set-baseline", erase, "--date", "2025-01-05")
	if code == 0 || out != "" || !strings.Contains(errOut, "erased") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("set-baseline of an erased participant: exit %d, %q, %q; want one line refusing it", code, out, errOut)
	}
	if after := pgtest.CountAll(t); !maps.Equal(before, after) {
		t.Errorf("a refused set-baseline changed rows: %v -> %v", before, after)
	}
}

// Withdrawing someone before they opened their invitation spends it: their
// invitation can no longer link a chat.
func TestParticipantWithdrawBeforeLinking(t *testing.T) {
	env := dbEnv(t)
	runAt(t, env, "site", "add", "OSL", "--name", "Oslo")
	code := inviteOne(t, env, "--role", "consumer")
	usable := func() int {
		return pgtest.Int(t, `SELECT count(*) FROM invites i JOIN participants p ON p.id = i.participant_id
			WHERE p.code = $1 AND i.redeemed_at IS NULL AND i.expires_at > $2`, code, cliNow)
	}
	if n := usable(); n != 1 {
		t.Fatalf("%s has %d usable invitations before withdrawing, want 1", code, n)
	}
	if out, errOut, exit := runAt(t, env, "participant", "withdraw", code); exit != 0 {
		t.Fatalf("withdraw: exit %d, %q, %q", exit, out, errOut)
	}
	if n := usable(); n != 0 {
		t.Errorf("%s still has %d usable invitations after withdrawing", code, n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM participants WHERE code = $1 AND status = $2`, code, questionnaires.StatusWithdrawn); n != 1 {
		t.Errorf("%s is not withdrawn", code)
	}
}
