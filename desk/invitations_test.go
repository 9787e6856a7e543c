package desk_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// botName is the bot's username the invitations' deep links carry: serve
// records it at start, and the desk reads it from there.
const botName = "imr_study_bot"

// withBot records the bot's username as serve does.
func (w *world) withBot() {
	w.t.Helper()
	if err := w.st.SetSetting(w.ctx, store.SettingBotUsername, botName); err != nil {
		w.t.Fatal(err)
	}
}

// fill sets the form fields named in values (input or select) on a
// freshly loaded form; chromedp cannot set a value to "".
func (w *world) fill(b context.Context, form string, values map[string]string) {
	w.t.Helper()
	for name, v := range values {
		if err := chromedp.Do(b, chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v)); err != nil {
			w.t.Fatalf("fill %s: %v", name, err)
		}
	}
}

// deepLinks are the deep links a page shows, by participant.
var deepLinkRE = regexp.MustCompile(`(\w+-[CKR]-\d{4})\s+(https://t\.me/` + botName + `\?start=[A-Za-z0-9_-]{32})`)

func deepLinks(text string) map[string]string {
	out := map[string]string{}
	for _, m := range deepLinkRE.FindAllStringSubmatch(text, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestInviteFromTheForm invites two consumers from the form and sees their
// links; the invitations are audited with the coordinator as actor; a
// refused form invites no one and says why.
func TestInviteFromTheForm(t *testing.T) {
	w := newWorld(t)
	w.withBot()
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	if status := w.page(b, "invitations"); status != 200 {
		t.Fatalf("invitation page: %d", status)
	}
	w.fill(b, "#invite", map[string]string{"role": "consumer", "lang": "nb", "count": "2", "baseline_date": "2025-02-01"})
	w.screenshot(b, "invitations")
	if status := w.click(b, "#invite-submit"); status != 200 {
		t.Fatalf("invite: %d: %s", status, w.text(b, "main"))
	}
	w.screenshot(b, "invited")
	links := deepLinks(w.text(b, "#invited"))
	if len(links) != 2 || links["OSL-C-0003"] == "" || links["OSL-C-0004"] == "" {
		t.Fatalf("links shown: %v\n%s", links, w.text(b, "#invited"))
	}
	for code := range links {
		p, err := w.st.ParticipantByCode(w.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if p.Site != "OSL" || p.Role != "consumer" || p.Lang.String != "nb" || !p.BaselineDate.Valid {
			t.Errorf("%s: %+v", code, p)
		}
		if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'invite' AND participant_id = $2`, s.oslCoordinator, p.ID); n != 1 {
			t.Errorf("%s: %d invite audit entries by %s, want 1", code, n, s.oslCoordinator)
		}
	}

	before := pgtest.CountAll(t)
	for _, c := range []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{"baseline_date": "2999-01-01", "count": "1", "role": "consumer"}, "Baseline date 2999-01-01 is in the future"},
		{map[string]string{"role": "clinician", "clinician": s.oslConsumer}, "Clinician applies only to the role consumer"},
		{map[string]string{"role": "consumer", "clinician": s.oslConsumer}, "no clinician with that code at site OSL"},
		{map[string]string{"expires": "2y"}, "Valid for"},
	} {
		w.page(b, "invitations")
		w.fill(b, "#invite", c.values)
		if status := w.click(b, "#invite-submit"); status != 400 {
			t.Errorf("%v: status %d, want 400", c.values, status)
		}
		contains(t, "refusal", w.text(b, "#message"), c.want, "No one was invited")
	}
	if after := pgtest.CountAll(t); after["participants"] != before["participants"] || after["invites"] != before["invites"] {
		t.Errorf("refused forms changed rows: before %v, after %v", before, after)
	}
}

// TestLetterCarriesTheDeepLink prints a new participant's letter, in
// their language with the study's contact, and decodes its QR code back
// to the deep link the page showed.
func TestLetterCarriesTheDeepLink(t *testing.T) {
	w := newWorld(t)
	w.withBot()
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	w.page(b, "invitations")
	w.fill(b, "#invite", map[string]string{"role": "consumer", "lang": "nb", "count": "1"})
	w.click(b, "#invite-submit")
	links := deepLinks(w.text(b, "#invited"))
	link := links["OSL-C-0003"]
	if link == "" {
		t.Fatalf("no link for OSL-C-0003: %v", links)
	}
	if status := w.click(b, "#letter-OSL-C-0003"); status != 200 {
		t.Fatalf("letter: %d: %s", status, w.text(b, "main"))
	}
	letter := w.text(b, "#letter-OSL-C-0003")
	contains(t, "letter", letter, "Din invitasjon til studien", link, w.catalog.Study.Contact.In("nb"), "OSL-C-0003")
	if got := decodeQR(t, b, "#letter-OSL-C-0003 img.qr"); got != link {
		t.Errorf("the QR code reads %q, want %q", got, link)
	}
	printed(t, b)
	w.screenshot(b, "letter")
	screen(t, b)

	w.click(b, "#letters-en")
	contains(t, "English letter", w.text(b, "#letter-OSL-C-0003"), "Your invitation to the study", w.catalog.Study.Contact.In("en"))
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'desk_letter'`, s.oslCoordinator); n != 2 {
		t.Errorf("%d letters audited, want 2", n)
	}
}

// decodeQR reads the QR code of the image sel, a PNG data URI.
func decodeQR(t *testing.T, b context.Context, sel string) string {
	t.Helper()
	src, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.CSS(sel), "src"))
	if err != nil || !src.Exists {
		t.Fatalf("src of %s: %v", sel, err)
	}
	data, found := strings.CutPrefix(src.Value, "data:image/png;base64,")
	if !found {
		t.Fatalf("the QR code is not a PNG data URI: %.40s", src.Value)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decoding the QR code: %v", err)
	}
	return res.GetText()
}

// printed shows the page as the print stylesheet lays it out; screen
// turns back to the screen's.
func printed(t *testing.T, b context.Context) {
	t.Helper()
	if err := chromedp.Do(b, media("print")); err != nil {
		t.Fatal(err)
	}
}

// media lays the page out for a media type ("" for the screen's).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}

func screen(t *testing.T, b context.Context) {
	t.Helper()
	if err := chromedp.Do(b, media("")); err != nil {
		t.Fatal(err)
	}
}

// TestReissue gives a participant a new link from their page, after a
// confirmation, and refuses a participant who withdrew, before and after
// the confirmation page.
func TestReissue(t *testing.T) {
	w := newWorld(t)
	w.withBot()
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	w.page(b, "participants/"+s.oslInvited)
	if status := w.click(b, "#reissue"); status != 200 {
		t.Fatalf("reissue confirmation: %d", status)
	}
	if status := w.click(b, "#reissue-confirm"); status != 200 {
		t.Fatalf("reissue: %d: %s", status, w.text(b, "main"))
	}
	link := deepLinks(w.text(b, "#invited"))[s.oslInvited]
	if link == "" {
		t.Fatalf("no new link shown:\n%s", w.text(b, "main"))
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM invites i JOIN participants p ON p.id = i.participant_id
		WHERE p.code = $1 AND i.revoked_at IS NOT NULL`, s.oslInvited); n != 1 {
		t.Errorf("%d revoked invitations, want the old one", n)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'invite.reissue'`, s.oslCoordinator); n != 1 {
		t.Errorf("%d reissues audited by the coordinator, want 1", n)
	}
	w.click(b, "#letter-"+s.oslInvited)
	if got := decodeQR(t, b, "#letter-"+s.oslInvited+" img.qr"); got != link {
		t.Errorf("the reissued letter's QR code reads %q, want %q", got, link)
	}

	// Withdrawn while the confirmation page was open: the form is refused.
	w.page(b, "participants/"+s.oslConsumer+"/reissue")
	if err := w.st.WithdrawByCode(w.ctx, s.oslConsumer, false, "test", w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	invites := pgtest.Count(t, "invites")
	if status := w.click(b, "#reissue-confirm"); status != 409 {
		t.Errorf("reissue for a withdrawn participant: status %d, want 409", status)
	}
	contains(t, "refusal", w.text(b, "#message"), s.oslConsumer+" cannot get a new invitation: they have withdrawn", "Nothing was reissued")
	if n := pgtest.Count(t, "invites"); n != invites {
		t.Errorf("invites: %d before, %d after a refused reissue", invites, n)
	}
	// And their page offers no reissue, saying why.
	w.page(b, "participants/"+s.oslConsumer)
	contains(t, "withdrawn participant's page", w.text(b, "#no-reissue"), "they have withdrawn")
	if status := w.page(b, "participants/"+s.oslConsumer+"/reissue"); status != 409 {
		t.Errorf("the confirmation page of a withdrawn participant: %d, want 409", status)
	}
	// Another site's participant is not found.
	if status := w.page(b, "participants/"+s.brgConsumer+"/reissue"); status != 404 {
		t.Errorf("another site's participant: %d, want 404", status)
	}
}

// TestInviteFormForgedCSRF: an invitation form with a forged token
// invites no one.
func TestInviteFormForgedCSRF(t *testing.T) {
	w := newWorld(t)
	w.withBot()
	s := newStudy(w)
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	w.page(b, "invitations")
	if err := chromedp.Do(b, chromedp.SetAttributeValue(chromedp.CSS(`#invite input[name=csrf]`), "value", "forged")); err != nil {
		t.Fatal(err)
	}
	before := pgtest.Count(t, "participants")
	if status := w.click(b, "#invite-submit"); status != 403 {
		t.Errorf("a forged CSRF token: status %d, want 403", status)
	}
	contains(t, "forged token", w.text(b, "#message"), "nothing was done")
	if n := pgtest.Count(t, "participants"); n != before {
		t.Errorf("participants: %d before, %d after a forged form", before, n)
	}
}
