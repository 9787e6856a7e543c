package desk_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// study is two sites, each with a coordinator and a consumer whose
// 12-month follow-up (baseline 2024-01-10, due 2025-01-10) is overdue on
// the world's day, 2025-02-20; OSL also has a consumer still invited.
type study struct {
	oslCoordinator, brgCoordinator string
	oslConsumer, brgConsumer       string
	oslInvited                     string
}

func newStudy(w *world) study {
	return study{
		oslCoordinator: w.enrol("OSL", "coordinator", "", true),
		brgCoordinator: w.enrol("BRG", "coordinator", "", true),
		oslConsumer:    w.enrol("OSL", "consumer", "2024-01-10", true),
		brgConsumer:    w.enrol("BRG", "consumer", "2024-01-10", true),
		oslInvited:     w.enrol("OSL", "consumer", "", false),
	}
}

// TestDeskPages logs in from a login link and walks every page: the
// coordinator sees their own site's participants and the other site's
// nowhere, not even by URL.
func TestDeskPages(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	b := newBrowser(t)

	if status := w.open(b, w.loginLink(s.oslCoordinator)); status != 200 {
		t.Fatalf("login page: %d", status)
	}
	w.screenshot(b, "login")
	if status := w.click(b, "#login"); status != 200 {
		t.Fatalf("after login: %d: %s", status, w.text(b, "main"))
	}
	w.screenshot(b, "overview")
	overview := w.text(b, "main")
	contains(t, "overview", overview, "OSL", "m12", "Expected by today")
	contains(t, "header", w.text(b, "header"), s.oslCoordinator, "Log out")
	if strings.Contains(overview, "BRG") {
		t.Errorf("the overview shows the other site:\n%s", overview)
	}

	w.page(b, "roster")
	w.screenshot(b, "roster")
	roster := w.text(b, "#roster")
	contains(t, "roster", roster, s.oslCoordinator, s.oslConsumer, s.oslInvited, "active", "invited")
	if strings.Contains(roster, "BRG") {
		t.Errorf("the roster shows the other site:\n%s", roster)
	}
	if status := w.page(b, "roster?status=invited"); status != 200 {
		t.Fatalf("filtered roster: %d", status)
	}
	if got := w.text(b, "#roster"); !strings.Contains(got, s.oslInvited) || strings.Contains(got, s.oslConsumer) {
		t.Errorf("the roster filtered to invited shows:\n%s", got)
	}
	if status := w.page(b, "roster?site=BRG"); status != 404 {
		t.Errorf("the roster of another site: status %d, want 404", status)
	}

	if status := w.page(b, "participants/"+s.oslConsumer); status != 200 {
		t.Fatalf("participant page: %d", status)
	}
	w.screenshot(b, "participant")
	contains(t, "participant page", w.text(b, "main"), "overdue", "Invited", "Consented", "Remind "+s.oslConsumer)

	if status := w.page(b, "participants/"+s.brgConsumer); status != 404 {
		t.Errorf("another site's participant by URL: status %d, want 404", status)
	}
	if strings.Contains(w.html(b), s.brgConsumer+" ") || strings.Contains(w.text(b, "main"), "Consented") {
		t.Errorf("the refusal shows the other site's participant:\n%s", w.text(b, "main"))
	}

	w.page(b, "remind-due")
	w.screenshot(b, "remind-due")
	queued := w.text(b, "#queued")
	contains(t, "remind everyone due", queued, s.oslConsumer)
	if strings.Contains(queued, "BRG") {
		t.Errorf("remind everyone due lists the other site:\n%s", queued)
	}

	w.page(b, "data")
	w.screenshot(b, "data")
	contains(t, "data page", w.text(b, "main"), "long.csv", "wide.csv", "report.html")

	// Never a Telegram id, on any page.
	for _, path := range []string{"", "roster", "participants/" + s.oslConsumer, "remind-due", "data"} {
		w.page(b, path)
		page := w.html(b)
		for code, u := range w.users {
			if id := u.ChatID(); strings.Contains(page, " "+strconv.FormatInt(id, 10)) || strings.Contains(page, ">"+strconv.FormatInt(id, 10)) {
				t.Errorf("page %q shows the Telegram id of %s", path, code)
			}
		}
	}
}

// TestRemindFromParticipantPage presses Remind on an overdue consumer's
// page and sees the reminder reach them through the fake Telegram, with a
// button that starts the questionnaire, and the request audited with the
// coordinator as actor.
func TestRemindFromParticipantPage(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	u := w.users[s.oslConsumer]
	before := len(u.Messages())
	w.page(b, "participants/"+s.oslConsumer)
	if status := w.click(b, "#remind"); status != 200 {
		t.Fatalf("after Remind: %d: %s", status, w.text(b, "main"))
	}
	contains(t, "after Remind", w.text(b, "#message"), "Reminder queued")
	msgs := u.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("the consumer got %d messages, want 1 reminder", len(msgs)-before)
	}
	if !msgs[len(msgs)-1].HasKeyboard() {
		t.Errorf("the reminder has no button to start: %+v", msgs[len(msgs)-1])
	}
	contains(t, "timeline", w.text(b, "#timeline"), "Reminder sent", "Reminder requested (by "+s.oslCoordinator+")")
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'reminder_requested' AND actor = $1`, s.oslCoordinator); n != 1 {
		t.Errorf("%d reminder requests audited by the coordinator, want 1", n)
	}
	if n := len(w.users[s.brgConsumer].Messages()); n != 0 {
		t.Errorf("the other site's consumer got %d messages", n)
	}
}

// TestRemindEveryoneOverdue confirms, then sends, the reminders of the
// coordinator's site only: the overdue first, then, when asked, everyone
// due.
func TestRemindEveryoneOverdue(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	dueSoon := w.enrol("OSL", "consumer", "2024-03-01", true) // m12 open from 15 February, due 1 March
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)
	w.page(b, "remind-due")
	if queued := w.text(b, "#queued"); !strings.Contains(queued, s.oslConsumer) || strings.Contains(queued, dueSoon) {
		t.Errorf("the overdue to remind:\n%s\nwant %s and not %s, who is not overdue", queued, s.oslConsumer, dueSoon)
	}
	if status := w.click(b, "#remind-all"); status != 200 {
		t.Fatalf("after sending: %d", status)
	}
	contains(t, "after sending", w.text(b, "#message"), "1 reminder(s) queued")
	for code, want := range map[string]int{s.oslConsumer: 1, dueSoon: 0, s.brgConsumer: 0} {
		if n := len(w.users[code].Messages()); n != want {
			t.Errorf("%s has %d messages, want %d", code, n, want)
		}
	}

	w.page(b, "remind-due?scope=due")
	contains(t, "everyone due", w.text(b, "#queued"), dueSoon)
	if status := w.click(b, "#remind-all"); status != 200 {
		t.Fatalf("after sending to everyone due: %d", status)
	}
	if n := len(w.users[dueSoon].Messages()); n != 1 {
		t.Errorf("the consumer due soon has %d messages, want a reminder", n)
	}
	if n := len(w.users[s.brgConsumer].Messages()); n != 0 {
		t.Errorf("the other site's consumer has %d messages, want none sent", n)
	}
	if status := w.page(b, "remind-due?scope=everyone"); status != 400 {
		t.Errorf("an unknown scope: status %d, want 400", status)
	}
}

// TestLoginLinksRefused: a link is spent by its first use, dead after 10
// minutes, and a forged one opens nothing.
func TestLoginLinksRefused(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	b := newBrowser(t)

	link := w.loginLink(s.oslCoordinator)
	w.open(b, link)
	if status := w.click(b, "#login"); status != 200 {
		t.Fatalf("first use: %d", status)
	}
	other := newBrowser(t)
	if status := w.open(other, link); status != 410 {
		t.Errorf("a replayed link: status %d, want 410", status)
	}
	contains(t, "replayed link", w.text(other, "#message"), "used already")
	w.screenshot(other, "login-replayed")
	if status := w.page(other, ""); status != 401 {
		t.Errorf("the overview after a replayed link: status %d, want 401", status)
	}

	late := w.loginLink(s.oslCoordinator)
	w.open(other, late) // opening it spends nothing
	w.clock.Add(10*time.Minute + time.Second)
	if status := w.click(other, "#login"); status != 410 {
		t.Errorf("an expired link: status %d, want 410", status)
	}
	contains(t, "expired link", w.text(other, "#message"), "expired")
	if status := w.page(other, ""); status != 401 {
		t.Errorf("the overview after an expired link: status %d, want 401", status)
	}

	if status := w.page(other, "login/forged"); status != 404 {
		t.Errorf("a forged link: status %d, want 404", status)
	}
	if n := pgtest.Count(t, "desk_sessions"); n != 1 {
		t.Errorf("%d sessions, want the first login's only", n)
	}
}

// TestFormsRefused: a forged CSRF token, and another site's coordinator
// posting to a participant not theirs with their own valid token, do
// nothing.
func TestFormsRefused(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	w.page(b, "participants/"+s.oslConsumer)
	if err := chromedp.Do(b, chromedp.SetAttributeValue(chromedp.CSS(`form[action$="/remind"] input[name=csrf]`), "value", "forged")); err != nil {
		t.Fatal(err)
	}
	if status := w.click(b, "#remind"); status != 403 {
		t.Errorf("a forged CSRF token: status %d, want 403", status)
	}
	contains(t, "forged token", w.text(b, "#message"), "nothing was done")
	w.screenshot(b, "csrf-refused")

	brg := newBrowser(t)
	w.login(brg, s.brgCoordinator)
	w.page(brg, "participants/"+s.brgConsumer)
	// Their own page's Remind form, pointed at the other site's consumer.
	if err := chromedp.Do(brg, chromedp.SetAttributeValue(chromedp.CSS(`form[action$="/remind"]`), "action",
		w.base.Path+"participants/"+s.oslConsumer+"/remind")); err != nil {
		t.Fatal(err)
	}
	if status := w.click(brg, "#remind"); status != 404 {
		t.Errorf("another site's coordinator reminding: status %d, want 404", status)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM reminders WHERE step LIKE 'manual%'`); n != 0 {
		t.Errorf("%d manual reminders after refused forms, want none", n)
	}
	if n := len(w.users[s.oslConsumer].Messages()); n != 0 {
		t.Errorf("the consumer got %d messages, want none", n)
	}
}

// TestLogoutAndWithdrawal: logging out ends this browser's session only,
// and a coordinator who withdraws loses every session.
func TestLogoutAndWithdrawal(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	b, other := newBrowser(t), newBrowser(t)
	w.login(b, s.oslCoordinator)
	w.login(other, s.oslCoordinator)
	if status := w.click(b, ".who button"); status != 200 {
		t.Fatalf("logout: %d", status)
	}
	if status := w.page(b, ""); status != 401 {
		t.Errorf("after logout: status %d, want 401", status)
	}
	if status := w.page(other, ""); status != 200 {
		t.Errorf("the other browser after logout: status %d, want 200", status)
	}
	pgtest.Exec(t, `UPDATE participants SET status = 'withdrawn' WHERE code = $1`, s.oslCoordinator)
	if status := w.page(other, ""); status != 401 {
		t.Errorf("after withdrawal: status %d, want 401", status)
	}
}
