package e2e

import (
	"strings"
	"testing"
	"time"
)

// rosterHeader is the first line `imrbot participants` prints.
const rosterHeader = "code\tsite\trole\tstatus\tbaseline_date\tlinked"

// roster runs `imrbot participants` with args and returns its lines after
// the header, by participant code.
func (w *world) roster(args ...string) map[string]string {
	w.t.Helper()
	lines := strings.Split(strings.TrimSuffix(w.must(append([]string{"participants"}, args...)...), "\n"), "\n")
	if lines[0] != rosterHeader {
		w.t.Fatalf("participants %v printed %q first, want the header %q", args, lines[0], rosterHeader)
	}
	out := map[string]string{}
	for _, l := range lines[1:] {
		out[strings.SplitN(l, "\t", 2)[0]] = l
	}
	return out
}

// The study team sees every participant of a site with where they stand:
// one declined, one never started, one answering, one withdrawn through
// the study team; bad input is one line that changes nothing.
func TestRosterListsEveryParticipantsStatus(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	if out := w.must("site", "add", "OSL", "--name", "Oslo DPS"); out != "added site OSL \"Oslo DPS\" (time zone Europe/Oslo)\n" {
		t.Errorf("site add printed %q", out)
	}
	if out := w.must("site", "list"); out != "code\tname\ttimezone\nOSL\tOslo DPS\tEurope/Oslo\n" {
		t.Errorf("site list printed %q", out)
	}
	invs := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--count", "4")
	declines, never, answers, withdraws := invs[0], invs[1], invs[2], invs[3]
	srv := w.serve("serve")

	dan := w.user("Dan", "en")
	dan.u.Start(declines.code)
	consent := dan.withButton(0, "No, I do not")
	dan.press(consent, "No, I do not")
	dan.after(consent.ID, "acknowledging the refusal", func(m message) bool { return m.Edits == 0 && !m.HasKeyboard() })
	ann, q := w.consented("Ann", answers, "en", "I agree")
	ann.answerQuestion(q, 0, false)
	ann.question(q.ID)
	w.consented("Wes", withdraws, "en", "I agree")
	w.must("participant", "withdraw", withdraws.participant)

	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(oslo).Format(time.DateOnly)
	want := map[string]string{
		declines.participant:  declines.participant + "\tOSL\tconsumer\tdeclined\t\tyes",
		never.participant:     never.participant + "\tOSL\tconsumer\tinvited\t\tno",
		answers.participant:   answers.participant + "\tOSL\tconsumer\tactive\t" + today + "\tyes",
		withdraws.participant: withdraws.participant + "\tOSL\tconsumer\twithdrawn\t" + today + "\tno",
	}
	got := w.roster("--site", "OSL")
	if len(got) != len(want) {
		t.Errorf("participants --site OSL lists %d participants, want %d: %q", len(got), len(want), got)
	}
	for code, line := range want {
		if got[code] != line {
			t.Errorf("participants --site OSL: %s is %q, want %q", code, got[code], line)
		}
	}
	if got := w.roster("--status", "declined"); len(got) != 1 || got[declines.participant] != want[declines.participant] {
		t.Errorf("participants --status declined: %q, want %s alone", got, declines.participant)
	}

	// serve drains the reminders' outbox meanwhile, which would look like
	// a change to refuses: the bad input comes once it has stopped.
	srv.stop()
	for _, bad := range [][]string{
		{"participants", "--status", "lost"},
		{"participants", "--site", "NOPE"},
		{"site", "add", "BRG", "--name", "Bergen\tnorth"},
		{"invite", "reissue", "OSL-C-9999"},
		{"invite", "reissue", withdraws.participant},
		{"invite", "reissue", never.participant, "--expires", "soon"},
	} {
		w.refuses(bad...)
	}
	if r := w.run("invite", "reissue", withdraws.participant); !strings.Contains(r.stderr, "has withdrawn, so their invitation cannot be reissued") {
		t.Errorf("reissue for a withdrawn participant: %v", r)
	}
}

// A lost phone: `imrbot invite reissue` prints a new link; redeeming it in
// a new chat moves the participant there, where the conversation goes on
// at the first unanswered item without asking for consent again, and the
// old chat reaches nothing. An unused invitation reissued is revoked.
func TestReissueMovesTheLinkToTheNewChat(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	invs := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--count", "2")
	ann, never := invs[0], invs[1]
	w.serve("serve")
	old, q := w.consented("Ann", ann, "en", "I agree")
	for i := range 2 {
		old.answerQuestion(q, i, false)
		q = old.question(q.ID)
	}
	if n, _, _ := progress(q); n != 3 {
		t.Fatalf("after two answers the bot asks %q, want the third item", q.Text)
	}

	line := strings.TrimSuffix(w.must("invite", "reissue", ann.participant), "\n")
	m := inviteLine.FindStringSubmatch(line)
	if m == nil || m[1] != ann.participant || m[2] == ann.code || !strings.HasSuffix(m[3], "?start="+m[2]) {
		t.Fatalf("invite reissue printed %q, want %s<TAB>a new code<TAB>its deep link", line, ann.participant)
	}
	answers := w.count("answers")

	phone := w.user("Ann's new phone", "en")
	phone.u.Start(m[2])
	moved := phone.after(0, "saying the participation continues here", func(m message) bool {
		return strings.Contains(m.Text, "continues in this chat")
	})
	next := phone.question(moved.ID)
	if next.Text != q.Text {
		t.Errorf("the new chat asks %q, want the first unanswered item, %q", next.Text, q.Text)
	}
	for _, m := range phone.u.Messages() {
		if _, ok := m.Button("I agree"); ok {
			t.Errorf("the new chat asks for consent again: %q", m.Text)
		}
	}
	if got := w.roster("--site", "OSL")[ann.participant]; !strings.Contains(got, "\tactive\t") || !strings.HasSuffix(got, "\tyes") {
		t.Errorf("after the move %s is listed %q, want active and linked", ann.participant, got)
	}

	// The old chat is a stranger's: refused, nothing asked or stored.
	mark := old.lastID()
	old.u.Send("4")
	if reply := old.after(mark, "in reply to the old chat", func(message) bool { return true }); isQuestion(reply) || !strings.Contains(reply.Text, "invitation") {
		t.Errorf("the old chat, after the move, is answered %q; want a stranger's reply", reply.Text)
	}
	if n := w.count("answers"); n != answers {
		t.Errorf("the old chat stored answers after the move (%d -> %d)", answers, n)
	}
	// The new chat goes on.
	phone.answerQuestion(next, 0, false)
	if n, _, _ := progress(phone.question(next.ID)); n != 4 {
		t.Errorf("after answering item 3 in the new chat the bot does not ask item 4")
	}

	// Someone who never used their invitation: the old code is revoked,
	// the new one enrols them as any invitation does.
	line = strings.TrimSuffix(w.must("invite", "reissue", never.participant), "\n")
	m = inviteLine.FindStringSubmatch(line)
	if m == nil || m[1] != never.participant {
		t.Fatalf("invite reissue printed %q", line)
	}
	bea := w.user("Bea", "en")
	bea.u.Start(never.code)
	if reply := bea.after(0, "to the revoked invitation", func(message) bool { return true }); !strings.Contains(reply.Text, "expired") {
		t.Errorf("the revoked invitation is answered %q, want it refused as expired", reply.Text)
	}
	mark = bea.lastID()
	bea.u.Start(m[2])
	bea.withButton(mark, "I agree")
}
