package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var invitationNeeded = regexp.MustCompile(`(?i)invit`)

// An invitation code is single-use: a second chat presenting it is
// refused, the same chat presenting it again is harmless, and /start
// without a valid code stores nothing about the person.
func TestStartCodes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	inv := w.enrol("OSL", "consumer", "--lang", "en")
	w.serve("serve")
	ann, q := w.consented("Ann", inv, "en", "I agree")
	ann.answerQuestion(q, 0, false)
	q2 := ann.question(q.ID)

	// Someone else with Ann's link.
	before := w.countAll()
	bob := w.user("Bob", "en")
	bob.u.Start(inv.code)
	reply := bob.after(0, "refusing a used invitation", func(message) bool { return true })
	if _, ok := reply.Button("I agree"); ok || isQuestion(reply) {
		t.Errorf("a second chat with a used code was let in: %q %q", reply.Text, reply.ButtonTexts())
	}
	if diff := sameCounts(before, w.countAll(), "processed_updates"); len(diff) > 0 {
		t.Errorf("a refused /start stored something: %v", diff)
	}

	// Ann again, with her own link: harmless.
	mark := ann.lastID()
	ann.u.Start(inv.code)
	ann.after(mark, "in reply to /start with her own code", func(message) bool { return true })
	after := w.countAll()
	for _, table := range []string{"participants", "invites", "telegram_links", "consents", "answers"} {
		if before[table] != after[table] {
			t.Errorf("the same chat presenting its code again changed %s: %d -> %d", table, before[table], after[table])
		}
	}
	mark = ann.lastID()
	ann.u.Send("/resume")
	if again := ann.question(mark); again.Text != q2.Text {
		t.Errorf("after presenting her code again Ann is asked %q, want %q", again.Text, q2.Text)
	}

	// Strangers: a bare /start, a made-up code, an expired-looking one.
	for i, payload := range []string{"", "not-a-code", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		before := w.countAll()
		stranger := w.user("Stranger", []string{"en", "nb", "de"}[i])
		stranger.u.Start(payload)
		reply := stranger.after(0, "explaining that an invitation is needed", func(message) bool { return true })
		if reply.HasKeyboard() || !invitationNeeded.MatchString(reply.Text) {
			t.Errorf("/start %q got %q %q, want an explanation that an invitation is needed", payload, reply.Text, reply.ButtonTexts())
		}
		if diff := sameCounts(before, w.countAll(), "processed_updates"); len(diff) > 0 {
			t.Errorf("/start %q stored something about a stranger: %v", payload, diff)
		}
	}

	// An expired invitation is refused and links nothing.
	expired := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--expires", "1ms")[0]
	before = w.countAll()
	late := w.user("Late", "en")
	late.u.Start(expired.code)
	reply = late.after(0, "refusing an expired invitation", func(message) bool { return true })
	if _, ok := reply.Button("I agree"); ok {
		t.Errorf("an expired invitation was accepted: %q", reply.Text)
	}
	if diff := sameCounts(before, w.countAll(), "processed_updates"); len(diff) > 0 {
		t.Errorf("/start with an expired code stored something: %v", diff)
	}

	// Declining stores the decision and nothing else.
	dee := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en")[0]
	deeChat := w.user("Dee", "en")
	deeChat.u.Start(dee.code)
	consent := deeChat.withButton(0, "I agree")
	before = w.countAll()
	var decline string
	for _, b := range consent.ButtonTexts() {
		if !strings.HasPrefix(b, "I agree") {
			decline = b
		}
	}
	tap := deeChat.press(consent, decline)
	if _, err := deeChat.u.WaitAnswer(w.ctx, tap); err != nil {
		t.Fatal(err)
	}
	deeChat.after(consent.ID, "in reply to declining", func(message) bool { return true })
	after = w.countAll()
	if after["consents"] != before["consents"]+1 {
		t.Errorf("declining stored %d consent decisions, want 1", after["consents"]-before["consents"])
	}
	// reminder_replans is the reminders' outbox: the triggers record every
	// change there and serve's planner drains it at its next tick, the
	// linking before this decision included.
	if diff := sameCounts(before, after, "consents", "processed_updates", "audit_log", "conversations", "reminder_replans"); len(diff) > 0 {
		t.Errorf("declining stored more than the decision: %v", diff)
	}
}
