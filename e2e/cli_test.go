package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// refuses runs a command that must fail on bad input: non-zero exit, one
// line on standard error, and nothing changed in the database.
func (w *world) refuses(args ...string) result {
	w.t.Helper()
	before := w.countAll()
	r := w.run(args...)
	if r.code == 0 {
		w.t.Errorf("imrbot %s: exit 0, want non-zero for bad input\n%v", strings.Join(args, " "), r)
	}
	if lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n"); len(lines) != 1 || strings.TrimSpace(lines[0]) == "" {
		w.t.Errorf("imrbot %s: want a one-line error, got %d lines: %q", strings.Join(args, " "), len(lines), r.stderr)
	}
	if diff := sameCounts(before, w.countAll()); len(diff) > 0 {
		w.t.Errorf("imrbot %s failed but changed the database: %v", strings.Join(args, " "), diff)
	}
	return r
}

var deepLinkPayload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestCLIContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3*time.Minute)

	// migrate, twice: the second run applies nothing and changes nothing.
	w.must("migrate")
	before := w.countAll()
	if len(before) == 0 {
		t.Fatal("migrate created no tables")
	}
	w.must("migrate")
	if diff := sameCounts(before, w.countAll()); len(diff) > 0 {
		t.Errorf("second migrate changed the database: %v", diff)
	}

	w.must("site", "add", "OSL", "--name", "Oslo DPS")
	w.refuses("site", "add", "OSL", "--name", "Oslo again")
	w.refuses("site", "add", "BRG")
	w.refuses("site", "add")

	// invite: one line per participant; the deep link carries the code and
	// uses TELEGRAM_BOT_USERNAME.
	named := []string{"TELEGRAM_BOT_USERNAME=imr_study_bot"}
	invs := w.runInvite(named, "--site", "OSL", "--role", "consumer", "--count", "3", "--lang", "en")
	checkInvitations(t, invs, 3, "imr_study_bot")
	invs = w.runInvite(named, "--site", "OSL", "--role", "clinician")
	checkInvitations(t, invs, 1, "imr_study_bot")
	clinician := invs[0].participant
	checkInvitations(t, w.runInvite(named, "--site", "OSL", "--role", "coordinator", "--lang", "nb", "--expires", "72h"), 1, "imr_study_bot")
	// A baseline six months ago: its window has closed and m12's is not
	// open yet, so this paper participant has nothing due below.
	invs = w.runInvite(named, "--site", "OSL", "--role", "consumer", "--clinician", clinician,
		"--baseline-date", time.Now().AddDate(0, -6, 0).Format(time.DateOnly))
	checkInvitations(t, invs, 1, "imr_study_bot")

	for _, bad := range [][]string{
		{"invite", "--site", "NOPE", "--role", "consumer"},
		{"invite", "--site", "OSL", "--role", "patient"},
		{"invite", "--site", "OSL", "--role", "consumer", "--lang", "de"},
		{"invite", "--site", "OSL", "--role", "consumer", "--baseline-date", "2025-13-01"},
		{"invite", "--site", "OSL", "--role", "consumer", "--baseline-date", "01.02.2025"},
		{"invite", "--site", "OSL", "--role", "consumer", "--baseline-date", time.Now().AddDate(0, 0, 2).Format(time.DateOnly)},
		{"invite", "--site", "OSL", "--role", "consumer", "--clinician", "OSL-K-9999"},
		{"invite", "--site", "OSL", "--role", "consumer", "--count", "0"},
		{"invite", "--site", "OSL", "--role", "consumer", "--count", "-2"},
		{"invite", "--site", "OSL", "--role", "consumer", "--expires", "soon"},
		{"invite", "--role", "consumer"},
		{"participant", "set-baseline", "OSL-C-9999", "--date", "2025-01-01"},
		{"participant", "set-baseline", invs[0].participant, "--date", "yesterday"},
		{"due", "--site", "NOPE"},
		{"remind", "--participant", "OSL-C-9999"},
		{"remind"},
		{"export", "--format", "xlsx"},
		{"export", "--format", "long", "--out", "/nonexistent-dir/x.csv"},
		{"questionnaires", "show", "no-such-questionnaire", "--json"},
		{"no-such-command"},
	} {
		w.refuses(bad...)
	}

	// serve refuses a bad configuration the same way.
	for _, env := range [][]string{
		{"WEBHOOK_URL=https://example.org/hook"},
		{"WEBHOOK_SECRET=s3cret"},
		{"WEBHOOK_URL=https://example.org/hook", "WEBHOOK_SECRET=not a secret"},
		{"LOG_FORMAT=xml"},
		{"LOG_LEVEL=loud"},
		{"REMINDER_INTERVAL=soon"},
		{"REMINDER_QUIET_HOURS=late"},
		{"LISTEN_ADDR=8080"},
		{"TELEGRAM_BOT_TOKEN"},
	} {
		before := w.countAll()
		r := w.runWith(env, "", "serve")
		if lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n"); r.code == 0 || len(lines) != 1 {
			t.Errorf("serve with %q: want a non-zero exit and one line, got %v", env, r)
		}
		if diff := sameCounts(before, w.countAll()); len(diff) > 0 {
			t.Errorf("serve with %q failed but changed the database: %v", env, diff)
		}
	}

	// Nothing is due yet: due prints nothing.
	if out := w.must("due"); out != "" {
		t.Errorf("due with nothing open printed %q, want nothing", out)
	}
	header, rows, _ := w.export("long")
	if len(rows) != 0 || !slices.Contains(header, "participant") {
		t.Errorf("long export without answers: header %q, %d rows", header, len(rows))
	}

	// Without TELEGRAM_BOT_USERNAME the deep link uses the name serve
	// learnt from getMe.
	srv := w.serve("serve", "TELEGRAM_BOT_USERNAME")
	srv.stop()
	invs = w.runInvite([]string{"TELEGRAM_BOT_USERNAME"}, "--site", "OSL", "--role", "consumer")
	checkInvitations(t, invs, 1, w.fake.BotUser().Username)
}

func (w *world) runInvite(env []string, args ...string) []invitation {
	w.t.Helper()
	r := w.runWith(env, "", append([]string{"invite"}, args...)...)
	if r.code != 0 {
		w.t.Fatalf("%v", r)
	}
	var invs []invitation
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		m := inviteLine.FindStringSubmatch(line)
		if m == nil {
			w.t.Fatalf("invite printed %q, want PARTICIPANT_CODE<TAB>INVITE_CODE<TAB>DEEP_LINK", line)
		}
		invs = append(invs, invitation{m[1], m[2], m[3]})
	}
	return invs
}

func checkInvitations(t *testing.T, invs []invitation, n int, username string) {
	t.Helper()
	if len(invs) != n {
		t.Errorf("invite printed %d lines, want %d", len(invs), n)
	}
	for _, inv := range invs {
		if !deepLinkPayload.MatchString(inv.code) {
			t.Errorf("invite code %q is not a deep-link payload (1-64 of A-Z a-z 0-9 _ -)", inv.code)
		}
		if want := "https://t.me/" + username + "?start=" + inv.code; inv.link != want {
			t.Errorf("deep link %q, want %q", inv.link, want)
		}
	}
}

func TestQuestionnairesContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3*time.Minute)
	if r := w.run("questionnaires", "lint"); r.code != 0 {
		t.Errorf("the built-in study does not lint clean: %v", r)
	}
	list := w.must("questionnaires", "list")
	for _, id := range []string{"imrs-consumer", "hope", "imrs-clinician", "honos", "gaf", "imr-practice", "imr-fidelity", "goi"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + `\b`).MatchString(list) {
			t.Errorf("questionnaires list lacks %s:\n%s", id, list)
		}
	}

	for _, tc := range []struct {
		id    string
		items int
		codes []int // every choice item's option codes; nil for typed items
	}{
		{"imrs-consumer", 15, []int{1, 2, 3, 4, 5}},
		{"imrs-clinician", 15, []int{1, 2, 3, 4, 5}},
		{"hope", 12, []int{1, 2, 3, 4}},
		// HoNOS: 12 rated items and item 8's problem type (A-J, below).
		{"honos", 13, []int{0, 1, 2, 3, 4, 9}},
		{"imr-fidelity", 13, []int{1, 2, 3, 4, 5}},
		// GOI: G1-G12 scored, G13-G14 optional.
		{"goi", 14, []int{1, 2, 3, 4, 5}},
		{"it-is", 13, []int{1, 2, 3, 4, 5}},
		{"gaf", 2, nil},
	} {
		d := w.show(tc.id)
		checkDefinition(t, w, d)
		if d.ID != tc.id || len(d.Items) != tc.items {
			t.Errorf("%s: id %q with %d items, want %d items", tc.id, d.ID, len(d.Items), tc.items)
		}
		for i, it := range d.Items {
			if tc.codes == nil {
				if it.Type != "integer" || it.Min == nil || it.Max == nil || *it.Min != 1 || *it.Max != 100 {
					t.Errorf("%s item %d (%s): type %q min %v max %v, want an integer from 1 to 100", tc.id, i+1, it.ID, it.Type, deref(it.Min), deref(it.Max))
				}
				continue
			}
			var codes []int
			for _, o := range it.Options {
				codes = append(codes, o.Code)
			}
			want := tc.codes
			if it.ID == "honos_8_type" {
				want = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
			}
			if it.Type != "choice" || !slices.Equal(codes, want) {
				t.Errorf("%s item %d (%s): type %q codes %v, want choice %v", tc.id, i+1, it.ID, it.Type, codes, want)
			}
		}
	}

	// hope: items 3 and 6, and only they, are reversed.
	hope := w.show("hope")
	if len(hope.Items) < 6 {
		t.Fatalf("hope has %d items, want at least the 6 whose reversal is checked", len(hope.Items))
	}
	for i, it := range hope.Items {
		want := i == 2 || i == 5
		if it.Reverse == nil {
			t.Fatalf("hope item %d (%s): show --json does not say whether it is reversed (no \"reverse\")", i+1, it.ID)
		}
		if *it.Reverse != want {
			t.Errorf("hope item %d (%s): reverse %v, want %v", i+1, it.ID, *it.Reverse, want)
		}
	}
	// honos: 9 is "not known", outside the scored range 0-4 of each rated
	// item (item 8's problem type is a classification, A-J).
	for _, it := range w.show("honos").Items {
		if it.ID != "honos_8_type" && it.Min != nil && it.Max != nil && (*it.Min != 0 || *it.Max != 4) {
			t.Errorf("honos %s: min %d max %d, want the scored range 0-4", it.ID, *it.Min, *it.Max)
		}
	}
	// imr-practice: the clinicians' own questionnaire, 1-5 items.
	practice := w.show("imr-practice")
	checkDefinition(t, w, practice)
	for _, it := range practice.Items {
		if it.Type != "choice" {
			continue
		}
		for _, o := range it.Options {
			if o.Code < 1 || o.Code > 5 {
				t.Errorf("imr-practice %s: option code %d outside 1-5", it.ID, o.Code)
			}
		}
	}
}

// checkDefinition checks the shape `show --json` promises for every item.
func checkDefinition(t *testing.T, w *world, d definition) {
	t.Helper()
	raw := w.must("questionnaires", "show", d.ID, "--json")
	var generic struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		t.Fatalf("%s: %v", d.ID, err)
	}
	if d.Version == "" {
		t.Errorf("%s: no version", d.ID)
	}
	for i, it := range generic.Items {
		for _, key := range []string{"id", "type", "options", "min", "max", "optional"} {
			if _, ok := it[key]; !ok {
				t.Errorf("%s item %d: show --json lacks %q", d.ID, i+1, key)
			}
		}
	}
	for i, it := range d.Items {
		if !slices.Contains([]string{"choice", "integer", "text"}, it.Type) {
			t.Errorf("%s item %d: type %q", d.ID, i+1, it.Type)
		}
		if it.Type == "choice" && len(it.Options) == 0 {
			t.Errorf("%s item %d: a choice without options", d.ID, i+1)
		}
		for _, o := range it.Options {
			if o.Label["en"] == "" || o.Label["nb"] == "" {
				t.Errorf("%s item %d option %d: label %v lacks en or nb", d.ID, i+1, o.Code, o.Label)
			}
		}
		if it.Text["en"] == "" || it.Text["nb"] == "" {
			t.Errorf("%s item %d: text %v lacks en or nb", d.ID, i+1, it.Text)
		}
	}
}

func deref(p *int) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
