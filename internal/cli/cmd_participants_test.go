package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// refused runs a command that must fail on bad input: non-zero exit, one
// line on standard error, nothing on standard output and nothing changed.
func refused(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	before := pgtest.CountAll(t)
	revoked := pgtest.Int(t, `SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL`)
	out, errOut, code := run(t, env, args...)
	if code == 0 || out != "" || strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 || strings.TrimSpace(errOut) == "" {
		t.Errorf("%v: exit %d, stdout %q, stderr %q; want a non-zero exit and one line on stderr", args, code, out, errOut)
	}
	after := pgtest.CountAll(t)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%v: table %s has %d rows before, %d after", args, table, n, after[table])
		}
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL`); n != revoked {
		t.Errorf("%v: %d invitations revoked before, %d after", args, revoked, n)
	}
	return errOut
}

func TestSiteAddSaysWhatItAddedAndSiteListListsThem(t *testing.T) {
	env := dbEnv(t)
	out, errOut, code := run(t, env, "site", "add", "OSL", "--name", "Oslo DPS")
	if code != 0 || out != "added site OSL \"Oslo DPS\" (time zone Europe/Oslo)\n" {
		t.Fatalf("site add: exit %d, %q, %q", code, out, errOut)
	}
	if out, _, _ := run(t, env, "site", "add", "BRG", "--name", "Bergen"); !strings.HasPrefix(out, "added site BRG") {
		t.Fatalf("site add BRG printed %q", out)
	}
	out, errOut, code = run(t, env, "site", "list")
	if want := "code\tname\ttimezone\nBRG\tBergen\tEurope/Oslo\nOSL\tOslo DPS\tEurope/Oslo\n"; code != 0 || out != want {
		t.Errorf("site list: exit %d, %q, %q; want %q", code, out, errOut, want)
	}
	refused(t, env, "site", "add", "TRD", "--name", "Trondheim\tsouth")
	refused(t, env, "site", "add", "TRD", "--name", "Trondheim\nsouth")
	refused(t, env, "site", "list", "extra")
}

func TestSiteListOfNoSitesIsItsHeader(t *testing.T) {
	out, errOut, code := run(t, dbEnv(t), "site", "list")
	if code != 0 || out != "code\tname\ttimezone\n" {
		t.Errorf("site list: exit %d, %q, %q", code, out, errOut)
	}
}

// linkAs links code's participant to chatID with one consent decision, as
// the chat would leave them (by hand: the schema is enough).
func linkAs(t *testing.T, code string, chatID int64, agreed bool) {
	t.Helper()
	pgtest.Exec(t, `
		WITH p AS (UPDATE participants SET status = 'active',
			baseline_date = CASE WHEN $3 THEN current_date ELSE baseline_date END
			WHERE code = $1 RETURNING id),
		l AS (INSERT INTO telegram_links (participant_id, user_id, chat_id) SELECT id, $2, $2 FROM p)
		INSERT INTO consents (participant_id, version, agreed, decided_at) SELECT id, '1', $3, now() FROM p`, code, chatID, agreed)
	pgtest.Exec(t, `UPDATE invites SET redeemed_at = now() WHERE participant_id = (SELECT id FROM participants WHERE code = $1)`, code)
}

func TestParticipantsListsEveryoneWithTheirStatus(t *testing.T) {
	env := dbEnv(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	run(t, env, "site", "add", "BRG", "--name", "Bergen")
	if out, errOut, code := run(t, env, "participants"); code != 0 || out != "code\tsite\trole\tstatus\tbaseline_date\tlinked\n" {
		t.Fatalf("participants of an empty study: exit %d, %q, %q; want the header alone", code, out, errOut)
	}
	invite := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, env, append([]string{"invite", "--role", "consumer"}, args...)...)
		if code != 0 {
			t.Fatalf("invite %v: %s", args, errOut)
		}
		return strings.Split(out, "\t")[0]
	}
	invited := invite("--site", "OSL")
	// Expired by the time the next command runs.
	expired := invite("--site", "OSL", "--expires", "1ns")
	paper := invite("--site", "OSL", "--baseline-date", "2026-01-15")
	active := invite("--site", "OSL")
	declined := invite("--site", "OSL")
	blocked := invite("--site", "OSL")
	withdrawn := invite("--site", "OSL")
	bergen := invite("--site", "BRG")
	linkAs(t, active, 801, true)
	linkAs(t, declined, 802, false)
	linkAs(t, blocked, 803, true)
	pgtest.Exec(t, `UPDATE participants SET status = 'unreachable' WHERE code = $1`, blocked)
	linkAs(t, withdrawn, 804, true)
	if _, errOut, code := run(t, env, "participant", "withdraw", withdrawn); code != 0 {
		t.Fatalf("withdraw: %s", errOut)
	}
	today := pgtest.Value(t, `SELECT to_char(current_date, 'YYYY-MM-DD')`).(string)

	out, errOut, code := run(t, env, "participants", "--site", "OSL")
	want := "code\tsite\trole\tstatus\tbaseline_date\tlinked\n" +
		invited + "\tOSL\tconsumer\tinvited\t\tno\n" +
		expired + "\tOSL\tconsumer\texpired\t\tno\n" +
		paper + "\tOSL\tconsumer\tunreachable\t2026-01-15\tno\n" +
		active + "\tOSL\tconsumer\tactive\t" + today + "\tyes\n" +
		declined + "\tOSL\tconsumer\tdeclined\t\tyes\n" +
		blocked + "\tOSL\tconsumer\tunreachable\t" + today + "\tyes\n" +
		withdrawn + "\tOSL\tconsumer\twithdrawn\t" + today + "\tno\n"
	if code != 0 || out != want {
		t.Errorf("participants --site OSL: exit %d, stderr %q\n got %q\nwant %q", code, errOut, out, want)
	}
	out, _, _ = run(t, env, "participants")
	if lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); len(lines) != 9 || !strings.HasPrefix(lines[1], bergen+"\tBRG\t") {
		t.Errorf("participants of every site: %q; want the header, %s first, then OSL's seven", out, bergen)
	}
	out, _, _ = run(t, env, "participants", "--status", "unreachable")
	if want := "code\tsite\trole\tstatus\tbaseline_date\tlinked\n" +
		paper + "\tOSL\tconsumer\tunreachable\t2026-01-15\tno\n" +
		blocked + "\tOSL\tconsumer\tunreachable\t" + today + "\tyes\n"; out != want {
		t.Errorf("participants --status unreachable:\n got %q\nwant %q", out, want)
	}
	out, _, _ = run(t, env, "participants", "--site", "BRG", "--status", "declined")
	if out != "code\tsite\trole\tstatus\tbaseline_date\tlinked\n" {
		t.Errorf("participants --site BRG --status declined: %q, want the header alone", out)
	}

	if e := refused(t, env, "participants", "--status", "lost"); !strings.Contains(e, "invited, expired, declined, active, unreachable, withdrawn") {
		t.Errorf("unknown status: %q, want the statuses named", e)
	}
	if e := refused(t, env, "participants", "--site", "NOPE"); !strings.Contains(e, `unknown site "NOPE"`) {
		t.Errorf("unknown site: %q", e)
	}
	refused(t, env, "participants", "OSL")
}

func TestInviteReissue(t *testing.T) {
	env := dbEnv(t)
	st := pgtest.Store(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	out, _, _ := run(t, env, "invite", "--site", "OSL", "--role", "consumer", "--count", "4")
	var codes, invites []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Split(line, "\t")
		codes, invites = append(codes, f[0]), append(invites, f[1])
	}
	never, linked, keeps, erases := codes[0], codes[1], codes[2], codes[3]
	linkAs(t, linked, 901, true)
	linkAs(t, keeps, 902, true)
	linkAs(t, erases, 903, true)
	for _, args := range [][]string{{keeps}, {erases, "--erase"}} {
		if _, errOut, code := run(t, env, append([]string{"participant", "withdraw"}, args...)...); code != 0 {
			t.Fatalf("withdraw %v: %s", args, errOut)
		}
	}

	// Never linked: the unused invitation is revoked, a new line printed.
	out, errOut, code := run(t, env, "invite", "reissue", never)
	m := inviteLine.FindStringSubmatch(strings.TrimSuffix(out, "\n"))
	if code != 0 || m == nil || strings.Count(out, "\n") != 1 || m[1] != never || m[2] == invites[0] || m[3] != m[2] {
		t.Fatalf("invite reissue %s: exit %d, %q, %q; want one new invitation line", never, code, out, errOut)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM invites i JOIN participants p ON p.id = i.participant_id
		WHERE p.code = $1 AND i.revoked_at IS NOT NULL`, never); n != 1 {
		t.Errorf("%s has %d revoked invitations, want the first one", never, n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM invites i JOIN participants p ON p.id = i.participant_id
		WHERE p.code = $1 AND i.revoked_at IS NULL AND i.redeemed_at IS NULL AND i.expires_at > now() + interval '29 days'`, never); n != 1 {
		t.Errorf("%s has %d open invitations valid for 30 days, want 1", never, n)
	}

	// Linked: a new line too; the link moves when it is redeemed.
	out, errOut, code = run(t, env, "invite", "reissue", linked, "--expires", "72h")
	if m := inviteLine.FindStringSubmatch(strings.TrimSuffix(out, "\n")); code != 0 || m == nil || m[1] != linked {
		t.Fatalf("invite reissue %s: exit %d, %q, %q", linked, code, out, errOut)
	}
	audit, err := st.AuditLog(context.Background(), "invite.reissue")
	if err != nil || len(audit) != 2 || audit[0].Actor != "cli" || !strings.Contains(string(audit[1].Detail), `"linked": true`) &&
		!strings.Contains(string(audit[1].Detail), `"linked":true`) {
		t.Errorf("audit: %+v, %v; want two reissues by cli, the second of a linked participant", audit, err)
	}
	// invite's own flags still create participants without a subcommand.
	if out, errOut, code := run(t, env, "invite", "--site", "OSL", "--role", "clinician"); code != 0 || !inviteLine.MatchString(strings.TrimSuffix(out, "\n")) {
		t.Errorf("invite --site OSL --role clinician: exit %d, %q, %q", code, out, errOut)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"invite", "reissue", keeps}, keeps + " has withdrawn, so their invitation cannot be reissued"},
		{[]string{"invite", "reissue", erases}, erases + " withdrew and their answers were erased, so their invitation cannot be reissued"},
		{[]string{"invite", "reissue", "OSL-C-9999"}, `unknown participant "OSL-C-9999"`},
		{[]string{"invite", "reissue", never, "--expires", "soon"}, `--expires "soon"`},
		{[]string{"invite", "reissue", never, "--expires", "400d"}, `--expires "400d"`},
		{[]string{"invite", "reissue"}, "expected"},
		{[]string{"invite", "reissue", never, "--site", "OSL"}, "--site"},
	} {
		if e := refused(t, env, c.args...); !strings.Contains(e, c.want) {
			t.Errorf("%v: %q, want it to say %q", c.args, e, c.want)
		}
	}
}
