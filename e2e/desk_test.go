package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

// TestDeskLoginFromTheChat: a coordinator's /desk is answered with a
// button that opens a single-use login link under DESK_URL; following it
// shows the login page, logging in opens the desk, and the link used once
// is refused. A consumer's /desk is refused in the chat and makes no link.
func TestDeskLoginFromTheChat(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	w.must("site", "add", "OSL", "--name", "Oslo")
	cora := w.invite("--site", "OSL", "--role", "coordinator", "--lang", "en")[0]
	ann := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en")[0]
	addr := freeAddr(t)
	deskURL := "http://" + addr + "/desk/"
	w.serve("serve", "LISTEN_ADDR="+addr, "DESK_URL="+deskURL)

	coordinator := w.user("Cora", "en")
	coordinator.u.Start(cora.code)
	mark := coordinator.after(0, "welcoming the coordinator", func(message) bool { return true }).ID
	coordinator.u.Send("/desk")
	m := coordinator.after(mark, "with the desk's login button", func(m message) bool { return m.HasKeyboard() })
	if len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 {
		t.Fatalf("/desk answered %q with buttons %+v, want one login button", m.Text, m.Buttons)
	}
	btn := m.Buttons[0][0]
	if !strings.HasPrefix(btn.URL, deskURL+"login/") || btn.CallbackData != "" {
		t.Fatalf("/desk's button %+v, want a URL button to a link under %s", btn, deskURL)
	}
	if strings.Contains(m.Text, btn.URL) {
		t.Errorf("/desk's text %q repeats the link: it belongs on the button only", m.Text)
	}

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	open := func(method, url string) (int, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(w.ctx, 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	if code, body := open(http.MethodGet, btn.URL); code != http.StatusOK || !strings.Contains(body, "Log in as "+cora.participant) {
		t.Fatalf("following /desk's link: %d\n%s\nwant the login page for %s", code, body, cora.participant)
	}
	if code, body := open(http.MethodPost, btn.URL); code != http.StatusOK || !strings.Contains(body, "OSL") {
		t.Fatalf("logging in: %d\n%s\nwant the desk's overview", code, body)
	}
	// A second use, by anyone, is refused.
	browser.Jar = nil
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if code, body := open(method, btn.URL); code != http.StatusGone || !strings.Contains(body, "used already") {
			t.Errorf("%s the used link: %d\n%s\nwant 410 and that it was used", method, code, body)
		}
	}

	annChat, q := w.consented("Ann", ann, "en", "I agree")
	annChat.u.Send("/desk")
	r := annChat.after(q.ID, "in reply to a consumer's /desk", func(m message) bool { return strings.Contains(m.Text, "coordinators") })
	if b, ok := r.Button(""); ok && b.URL != "" {
		t.Errorf("a consumer's /desk got a link button: %+v", r.Buttons)
	}
	if n := w.count("desk_logins"); n != 1 {
		t.Errorf("%d login links made, want 1 (the coordinator's)", n)
	}
}
