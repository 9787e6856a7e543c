package bot_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

func TestWebhookRefusesWhatIsNotTelegram(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	srv := httptest.NewServer(b.WebhookHandler("right-secret"))
	defer srv.Close()
	update := `{"update_id": 1, "message": {"message_id": 1, "date": 1700000000,
		"chat": {"id": 5, "type": "private"}, "from": {"id": 5, "first_name": "X"}, "text": "/start"}}`
	before := pgtest.CountAll(t)
	for _, tc := range []struct {
		name, method, secret, body string
		want                       int
	}{
		{"wrong secret", "POST", "wrong-secret", update, http.StatusUnauthorized},
		{"no secret", "POST", "", update, http.StatusUnauthorized},
		{"secret prefix", "POST", "right", update, http.StatusUnauthorized},
		{"GET", "GET", "right-secret", "", http.StatusMethodNotAllowed},
		{"too large", "POST", "right-secret", `{"update_id": 2, "x": "` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"not JSON", "POST", "right-secret", "<xml/>", http.StatusBadRequest},
	} {
		req, err := http.NewRequestWithContext(w.ctx, tc.method, srv.URL, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if tc.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	after := pgtest.CountAll(t)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after refused requests", table, n, after[table])
		}
	}
}

// TestTwoInstancesOnOneDatabase runs two bots behind one webhook URL (a
// round-robin proxy), the fake delivering concurrently and some updates
// twice, while several participants answer at once: every answer is
// stored exactly once.
func TestTwoInstancesOnOneDatabase(t *testing.T) {
	w := newWorld(t)
	var backends []*url.URL
	for range 2 {
		b := w.newBot()
		srv := httptest.NewServer(b.WebhookHandler("s3cret"))
		t.Cleanup(srv.Close)
		u, _ := url.Parse(srv.URL)
		backends = append(backends, u)
	}
	var next atomic.Uint64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(backends[next.Add(1)%uint64(len(backends))])
	}})
	t.Cleanup(proxy.Close)
	if err := w.newBot().SetWebhook(w.ctx, proxy.URL+"/hook", "s3cret"); err != nil {
		t.Fatal(err)
	}

	const people = 8
	const items = 15 // the first questionnaire
	var wg sync.WaitGroup
	errs := make(chan error, people)
	for i := range people {
		_, code := w.invite(store.NewParticipant{})
		p := w.person("en")
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := p.enrol(code)
			for n := 1; n <= items; n++ {
				if got := progress(q); got != fmt.Sprintf("%d/15", n) {
					errs <- fmt.Errorf("person %d: asked %q, want %d/15", i, q.Text, n)
					return
				}
				data := q.Buttons[i%5][0].CallbackData
				id, err := p.u.Tap(q.ID, data)
				if err != nil {
					errs <- err
					return
				}
				if n%3 == 0 {
					_ = w.fake.Duplicate(id) // delivered again, maybe to the other instance
					_, _ = p.u.Tap(q.ID, data)
				}
				q = p.question() // after the last item: the next questionnaire's first
			}
			if progress(q) != "1/12" {
				errs <- fmt.Errorf("person %d: after the first questionnaire asked %q", i, q.Text)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, "answers"); n != people*items {
		t.Errorf("%d answer rows, want %d", n, people*items)
	}
	if dup := w.itemsAnsweredTwice(); dup != 0 {
		t.Errorf("%d items answered more than once", dup)
	}
}

// TestWebhookLetsGoAnUpdateItCannotDecode: an authenticated update the
// models cannot decode is answered 200, so Telegram does not deliver it
// again and again; the update beside it is answered.
func TestWebhookLetsGoAnUpdateItCannotDecode(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	srv := httptest.NewServer(b.WebhookHandler("s3cret"))
	t.Cleanup(srv.Close)
	if err := b.SetWebhook(w.ctx, srv.URL+"/hook", "s3cret"); err != nil {
		t.Fatal(err)
	}
	forwarder, stranger := w.person("en"), w.person("en")
	if _, err := forwarder.u.Forward("story_from_the_future", "look at this"); err != nil {
		t.Fatal(err)
	}
	stranger.u.Start("")
	stranger.containing("invitation")
	if err := w.fake.WaitIdle(w.ctx); err != nil {
		t.Fatalf("the undecodable update is still being delivered: %v", err)
	}
}
