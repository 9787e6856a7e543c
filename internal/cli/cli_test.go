package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// run drives the CLI in-process as the binary would run, with env as the
// whole environment.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), code
}

func dbEnv(t *testing.T) map[string]string {
	return map[string]string{"DATABASE_URL": pgtest.URL(t), "TELEGRAM_BOT_USERNAME": "imr_study_bot"}
}

var inviteLine = regexp.MustCompile(`^(OSL-[CKR]-\d{4})\t([A-Za-z0-9_-]{22,64})\thttps://t\.me/imr_study_bot\?start=([A-Za-z0-9_-]+)$`)

func TestInvitePrintsOneLinePerParticipant(t *testing.T) {
	env := dbEnv(t)
	if _, errOut, code := run(t, env, "site", "add", "OSL", "--name", "Oslo DPS"); code != 0 {
		t.Fatalf("site add: exit %d: %s", code, errOut)
	}
	out, errOut, code := run(t, env, "invite", "--site", "OSL", "--role", "consumer", "--count", "3", "--lang", "en")
	if code != 0 {
		t.Fatalf("invite: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got %q", out)
	}
	seen := map[string]bool{}
	for i, line := range lines {
		m := inviteLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %q does not match the contract", line)
		}
		if want := "OSL-C-000" + string(rune('1'+i)); m[1] != want {
			t.Errorf("participant code %s, want %s", m[1], want)
		}
		if m[2] != m[3] {
			t.Errorf("deep link carries %q, want the invite code %q", m[3], m[2])
		}
		if seen[m[2]] {
			t.Errorf("invite code %s repeated", m[2])
		}
		seen[m[2]] = true
	}
	// Numbering continues; clinicians are numbered on their own.
	out, _, _ = run(t, env, "invite", "--site", "OSL", "--role", "clinician")
	if !strings.HasPrefix(out, "OSL-K-0001\t") {
		t.Errorf("clinician line %q", out)
	}
	out, _, _ = run(t, env, "invite", "--site", "OSL", "--role", "consumer", "--clinician", "OSL-K-0001", "--baseline-date", "2026-01-15")
	if !strings.HasPrefix(out, "OSL-C-0004\t") {
		t.Errorf("consumer line %q", out)
	}
	if n := pgtest.Count(t, "invites"); n != 5 {
		t.Errorf("%d invites stored, want 5", n)
	}
}

func TestInviteCodesAreStoredOnlyAsHashes(t *testing.T) {
	env := dbEnv(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	out, _, code := run(t, env, "invite", "--site", "OSL", "--role", "consumer")
	if code != 0 {
		t.Fatal(out)
	}
	code1 := strings.Split(out, "\t")[1]
	dump := strings.Join(dumpText(t), "\n")
	if strings.Contains(dump, code1) {
		t.Errorf("invite code %s found in the database", code1)
	}
}

// dumpText is every text column of every row, to look for secrets.
func dumpText(t *testing.T) []string {
	var out []string
	for table := range pgtest.CountAll(t) {
		out = append(out, pgtest.Dump(t, table)...)
	}
	return out
}

func TestBadInviteInputChangesNothing(t *testing.T) {
	env := dbEnv(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	run(t, env, "invite", "--site", "OSL", "--role", "consumer") // OSL-C-0001, not a clinician
	before := pgtest.CountAll(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown site", []string{"--site", "XYZ", "--role", "consumer"}, "unknown site"},
		{"bad role", []string{"--site", "OSL", "--role", "doctor"}, "--role"},
		{"bad date", []string{"--site", "OSL", "--role", "consumer", "--baseline-date", "2026-13-01"}, "--baseline-date"},
		{"future date", []string{"--site", "OSL", "--role", "consumer", "--baseline-date", "2999-01-01"}, "future"},
		{"count zero", []string{"--site", "OSL", "--role", "consumer", "--count", "0"}, "--count"},
		{"count negative", []string{"--site", "OSL", "--role", "consumer", "--count", "-3"}, "--count"},
		{"bad lang", []string{"--site", "OSL", "--role", "consumer", "--lang", "de"}, "--lang"},
		{"bad expiry", []string{"--site", "OSL", "--role", "consumer", "--expires", "soon"}, "--expires"},
		{"expiry overflowing", []string{"--site", "OSL", "--role", "consumer", "--expires", "213504d"}, "--expires"},
		{"expiry past a year", []string{"--site", "OSL", "--role", "consumer", "--expires", "366d"}, "--expires"},
		{"expiry past a year in hours", []string{"--site", "OSL", "--role", "consumer", "--expires", "8785h"}, "--expires"},
		{"expiry zero", []string{"--site", "OSL", "--role", "consumer", "--expires", "0d"}, "--expires"},
		{"expiry negative", []string{"--site", "OSL", "--role", "consumer", "--expires=-1h"}, "--expires"},
		{"clinician not a clinician", []string{"--site", "OSL", "--role", "consumer", "--clinician", "OSL-C-0001"}, "--clinician"},
		{"clinician for a clinician", []string{"--site", "OSL", "--role", "clinician", "--clinician", "OSL-C-0001"}, "--clinician"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, env, append([]string{"invite"}, c.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("stderr %q: want one line naming %q", errOut, c.want)
			}
		})
	}
	after := pgtest.CountAll(t)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows before, %d after", table, n, after[table])
		}
	}
}

func TestSiteAddRejectsBadAndDuplicateCodes(t *testing.T) {
	env := dbEnv(t)
	for _, args := range [][]string{
		{"site", "add", "osl", "--name", "x"},
		{"site", "add", "OSL"},
		{"site", "add", "OSL", "--name", "  "},
	} {
		if _, errOut, code := run(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
		}
	}
	if n := pgtest.Count(t, "sites"); n != 0 {
		t.Fatalf("%d sites after bad input", n)
	}
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	if _, errOut, code := run(t, env, "site", "add", "OSL", "--name", "Oslo again"); code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("duplicate: exit %d, %q", code, errOut)
	}
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	env := dbEnv(t)
	out, errOut, code := run(t, env, "migrate")
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestUnreachableDatabaseIsOneClearLine(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?sslmode=disable"}
	_, errOut, code := run(t, env, "migrate")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "cannot reach database") {
		t.Errorf("stderr %q", errOut)
	}
	if strings.Contains(errOut, "goroutine") {
		t.Errorf("stack trace in %q", errOut)
	}
}

func TestParseDays(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 720 * time.Hour, "72h": 72 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseDays(in); err != nil || got != want {
			t.Errorf("ParseDays(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"xd", "213504d", "9223372036854775807d", "-213504d"} {
		if got, err := ParseDays(in); err == nil {
			t.Errorf("ParseDays(%q) = %v, want an error", in, got)
		}
	}
}

func TestInviteExpiresUpToAYear(t *testing.T) {
	env := dbEnv(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	if _, errOut, code := run(t, env, "invite", "--site", "OSL", "--role", "consumer", "--expires", "365d"); code != 0 {
		t.Fatalf("--expires 365d: exit %d: %s", code, errOut)
	}
	// Stored about a year ahead, not wrapped around to the past or to minutes.
	if n := pgtest.Int(t, `SELECT count(*) FROM invites WHERE expires_at > now() + interval '364 days'`); n != 1 {
		t.Errorf("%d invitations expire in about a year, want 1", n)
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	_, errOut, code := run(t, map[string]string{}, "frobnicate")
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestDatabaseURLPasswordNeverShown(t *testing.T) {
	for _, c := range []struct{ url, password, want string }{
		{"postgres://u:s3cret@host:bad/db", "s3cret", `bad DATABASE_URL: parse "postgres://u:xxxxx@host:bad/db": invalid port ":bad" after host`},
		{"postgres://u:s3cret@ho st/db", "s3cret", "bad DATABASE_URL"},
		{"postgres://u:s3cr%zzet@host/db", "s3cr", "its password is malformed"},
		{"postgres://u:s3cret/more@host:bad/db", "s3cret", "bad DATABASE_URL"},
		{"postgres://u:s3cret@127.0.0.1/db?sslmode=bogus", "s3cret", "sslmode"},
		{"host=127.0.0.1 port=bad password=s3cret", "s3cret", "port"},
		{"postgres://u:s3cret@127.0.0.1:1/db?sslmode=disable", "s3cret", "cannot reach database"},
	} {
		for _, args := range [][]string{{"migrate"}, {"serve"}, {"due"}, {"invite", "--site", "OSL", "--role", "consumer"}} {
			env := map[string]string{"DATABASE_URL": c.url, "TELEGRAM_BOT_TOKEN": "1:x"}
			out, errOut, code := run(t, env, args...)
			if code == 0 {
				t.Errorf("%s %v: exit 0", c.url, args)
			}
			if strings.Contains(out+errOut, c.password) {
				t.Errorf("%s %v: the password is shown: stdout %q, stderr %q", c.url, args, out, errOut)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("%s %v: stderr %q, want one line with %q", c.url, args, errOut, c.want)
			}
		}
	}
}
