package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// rehearsalDatabases counts the rehearsals' databases on the server.
func rehearsalDatabases(t *testing.T) int {
	return pgtest.Int(t, `SELECT count(*) FROM pg_database WHERE datname LIKE 'imrbot_rehearse_%'`)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// TestRehearseWritesTheStudysFiles: a small rehearsal writes the exports,
// codebooks, report and reminders log, says what it did, leaves the
// study's database untouched and drops its own. With its one assessor by
// default, the report's clinician (IT-IS) and site fidelity tables have
// data; with --assessors 0 the coordinators rate their sites and no
// clinician is rated.
func TestRehearseWritesTheStudysFiles(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		assessors string
	}{
		{"one assessor by default", nil, "1 assessor"},
		{"no assessors", []string{"--assessors", "0"}, "0 assessors"},
	} {
		t.Run(tc.name, func(t *testing.T) { rehearseWritesTheStudysFiles(t, tc.args, tc.assessors) })
	}
}

func rehearseWritesTheStudysFiles(t *testing.T, args []string, assessors string) {
	env := dbEnv(t)
	before := rehearsalDatabases(t)
	out := filepath.Join(t.TempDir(), "rehearsal")
	stdout, stderr, code := run(t, env, append([]string{"rehearse", "--sites", "2", "--clinicians", "2", "--consumers", "4",
		"--start", "2025-03-03", "--seed", "3", "--out", out}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, " and "+assessors+" from ") {
		t.Errorf("the summary does not count %s:\n%s", assessors, stdout)
	}
	for _, f := range []string{"long.csv", "long-codebook.csv", "long-codebook.R", "long-codebook.sps", "long-codebook.do",
		"wide.csv", "wide-codebook.csv", "report.html", "report.txt", "reminders.csv", "rehearsal.log"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	m := regexp.MustCompile(`(\d+) answers given in the chat; (\d+) reminders`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no summary:\n%s", stdout)
	}
	answers, _ := strconv.Atoi(m[1])
	reminded, _ := strconv.Atoi(m[2])
	long := readCSV(t, filepath.Join(out, "long.csv"))
	// Erased answers leave the export; nothing else does.
	if n := len(long) - 1; n == 0 || n > answers || !strings.Contains(stdout, "erased") && n != answers {
		t.Errorf("long.csv has %d answers; the simulation gave %d:\n%s", n, answers, stdout)
	}
	sent := 0
	for _, r := range readCSV(t, filepath.Join(out, "reminders.csv"))[1:] {
		if r[6] == "sent" && r[5] != "escalate" {
			sent++
		}
	}
	if sent != reminded || sent == 0 {
		t.Errorf("reminders.csv has %d reminders sent; the chats got %d", sent, reminded)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"imrs_consumer_mean", "fidelity"} {
		if !strings.Contains(strings.ToLower(string(html)), want) {
			t.Errorf("report.html has no %s", want)
		}
	}
	text, err := os.ReadFile(filepath.Join(out, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "No site ratings yet.") || !strings.Contains(string(text), "SITE FIDELITY AND GOI") {
		t.Errorf("report.txt has no site fidelity:\n%s", text)
	}
	if rated := !strings.Contains(string(text), "No it-is ratings yet."); rated != (assessors != "0 assessors") ||
		!strings.Contains(string(text), "CLINICIAN FIDELITY") {
		t.Errorf("report.txt: with %s, the IT-IS table has data: %v, want %v:\n%s", assessors, rated, !rated, text)
	}
	if n := pgtest.Count(t, "participants"); n != 0 {
		t.Errorf("the study's database has %d participants after a rehearsal", n)
	}
	if after := rehearsalDatabases(t); after != before {
		t.Errorf("%d rehearsal databases before, %d after: its own was not dropped", before, after)
	}
}

// TestRehearseBadInputChangesNothing: a cohort without a clinician per site
// or a bad date is one line, exit 2, no folder and no database.
func TestRehearseBadInputChangesNothing(t *testing.T) {
	env := dbEnv(t)
	before := rehearsalDatabases(t)
	for _, args := range [][]string{
		{"--sites", "3", "--clinicians", "2"},
		{"--start", "3 March"},
		{"--assessors", "-1"},
	} {
		out := filepath.Join(t.TempDir(), "never")
		_, stderr, code := run(t, env, append([]string{"rehearse", "--out", out}, args...)...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: the folder was created", args)
		}
	}
	if after := rehearsalDatabases(t); after != before {
		t.Errorf("a refused rehearsal left a database")
	}
}

// TestRehearseRefusesWithoutADatabaseOfItsOwn: when the server will not
// create a database, one clear line says so.
func TestRehearseRefusesWithoutADatabaseOfItsOwn(t *testing.T) {
	_, stderr, code := run(t, map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"},
		"rehearse", "--out", filepath.Join(t.TempDir(), "out"))
	if code == 0 || !strings.Contains(stderr, "cannot create a database of its own") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
