package desk_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// TestDownloadsAudited: each download carries the session's CSRF token,
// holds only the coordinator's sites and is audited with them as actor.
func TestDownloadsAudited(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	c, err := w.st.DeskCoordinatorByCode(w.ctx, s.oslCoordinator)
	if err != nil {
		t.Fatal(err)
	}
	link := w.loginLink(s.oslCoordinator)
	token := link[strings.LastIndex(link, "/")+1:]
	if _, err := w.st.SpendDeskLogin(w.ctx, token, "session-token", "csrf-token", w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	post := func(file, csrf string) (int, string) {
		req, err := http.NewRequest("POST", w.base.String()+"data/"+file, strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "imrbot_desk", Value: "session-token"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := post("long.csv", "forged"); status != 403 {
		t.Errorf("a download with a forged token: %d, want 403", status)
	}
	for _, f := range []string{"long.csv", "wide.csv", "long-codebook.zip", "wide-codebook.zip", "report.html"} {
		status, body := post(f, "csrf-token")
		if status != 200 || body == "" {
			t.Errorf("%s: status %d", f, status)
		}
		if strings.Contains(body, s.brgConsumer) {
			t.Errorf("%s holds the other site's participant", f)
		}
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action IN ('export', 'report') AND actor = $1 AND detail->>'via' = 'desk'`, c.Code); n != 5 {
		t.Errorf("%d downloads audited by the coordinator, want 5", n)
	}
}
