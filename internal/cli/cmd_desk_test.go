package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// TestDeskLoginPrintsASingleUseLink: a coordinator gets a link under
// DESK_URL, stored only as a hash; anyone else is refused in one line and
// nothing is stored.
func TestDeskLoginPrintsASingleUseLink(t *testing.T) {
	env := dbEnv(t)
	env["DESK_URL"] = "https://study.example.org/desk"
	run(t, env, "site", "add", "OSL", "--name", "Oslo DPS")
	run(t, env, "invite", "--site", "OSL", "--role", "coordinator")
	run(t, env, "invite", "--site", "OSL", "--role", "consumer")

	out, errOut, code := run(t, env, "desk", "login", "OSL-R-0001")
	if code != 0 {
		t.Fatalf("desk login: exit %d: %s", code, errOut)
	}
	link := strings.TrimSpace(out)
	token, ok := strings.CutPrefix(link, "https://study.example.org/desk/login/")
	if !ok || len(token) < 40 || strings.Contains(link, "\n") {
		t.Fatalf("desk login printed %q, want one link under DESK_URL", out)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM desk_logins WHERE token_hash = sha256($1::bytea)`, token); n != 1 {
		t.Errorf("the link's token is stored %d times as its SHA-256, want once", n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM desk_logins WHERE position($1::bytea in token_hash) > 0`, token); n != 0 {
		t.Errorf("the token itself is stored")
	}

	before := pgtest.CountAll(t)
	for name, args := range map[string][]string{
		"a consumer":     {"desk", "login", "OSL-C-0001"},
		"unknown code":   {"desk", "login", "OSL-R-0099"},
		"grant consumer": {"desk", "grant-study-wide", "OSL-C-0001"},
	} {
		out, errOut, code := run(t, env, args...)
		if code == 0 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q: want one line and a non-zero exit", name, code, out, errOut)
		}
	}
	bad := map[string]string{"DATABASE_URL": env["DATABASE_URL"], "DESK_URL": "ftp://example.org/desk/"}
	if _, errOut, code := run(t, bad, "desk", "login", "OSL-R-0001"); code != 2 || !strings.Contains(errOut, "DESK_URL") {
		t.Errorf("bad DESK_URL: exit %d, %q", code, errOut)
	}
	if after := pgtest.CountAll(t); !equalCounts(before, after) {
		t.Errorf("refused commands changed rows: %v -> %v", before, after)
	}

	if out, errOut, code := run(t, env, "desk", "grant-study-wide", "OSL-R-0001"); code != 0 || !strings.Contains(out, "every site") {
		t.Errorf("grant-study-wide: exit %d, %q %q", code, out, errOut)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'desk_study_wide'`); n != 1 {
		t.Errorf("%d study-wide grants audited, want 1", n)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestServeChecksDeskURL: a bad DESK_URL stops serve before anything
// starts; the default is built from LISTEN_ADDR.
func TestServeChecksDeskURL(t *testing.T) {
	for _, v := range []string{"localhost:8080/desk/", "ftp://example.org/", "https:///desk/", "https://example.org/desk/?a=1"} {
		_, err := readServeConfig(func(k string) string {
			return map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "DESK_URL": v}[k]
		})
		var usage UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), "DESK_URL") {
			t.Errorf("DESK_URL %q: error %v, want a usage error naming DESK_URL", v, err)
		}
	}
	for listen, want := range map[string]string{"": "http://localhost:8080/desk/", "127.0.0.1:9000": "http://127.0.0.1:9000/desk/", "[::]:80": "http://localhost:80/desk/"} {
		cfg, err := readServeConfig(func(k string) string {
			return map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "LISTEN_ADDR": listen}[k]
		})
		if err != nil || cfg.deskURL.String() != want {
			t.Errorf("LISTEN_ADDR %q: DESK_URL %v (%v), want %s", listen, cfg.deskURL, err, want)
		}
	}
}
