package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// Webhook mode: serve registers WEBHOOK_URL and WEBHOOK_SECRET, the chat
// works through deliveries, a wrong secret is refused, and a coordinator's
// `imrbot remind` runs beside it. A later polling serve removes the
// webhook and carries on.
func TestWebhookMode(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2*time.Minute)
	baseline, _ := overdueBaseline()
	w.must("site", "add", "OSL", "--name", "Oslo")
	inv := w.invite("--site", "OSL", "--role", "consumer", "--lang", "en", "--baseline-date", baseline.Format(time.DateOnly))[0]
	addr := freeAddr(t)
	hook := "http://" + addr + "/tg/hook"
	srv := w.serve("webhook", "LISTEN_ADDR="+addr, "WEBHOOK_URL="+hook, "WEBHOOK_SECRET=s3cret")

	if code := get(t, w.ctx, "http://"+addr+"/metrics"); code != http.StatusOK {
		t.Errorf("GET /metrics: %d, want 200", code)
	}
	if info := w.webhookInfo(); info.URL != hook {
		t.Errorf("getWebhookInfo says url %q, want WEBHOOK_URL %q", info.URL, hook)
	}
	for _, secret := range []string{"", "wrong", "s3cret-not"} {
		if code := postUpdate(t, w.ctx, hook, secret); code != http.StatusUnauthorized {
			t.Errorf("a delivery with secret %q got %d, want 401", secret, code)
		}
	}

	ann, q := w.consented("Ann", inv, "en", "I agree")
	// The coordinator reminds Ann while she answers.
	reminded := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, "remind", "--participant", inv.participant)
		cmd.Env = w.environ()
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		r := result{args: cmd.Args[1:], stdout: out.String(), stderr: errOut.String()}
		if err != nil {
			r.code = -1
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			}
		}
		reminded <- r
	}()
	for i := range 3 {
		ann.answerQuestion(q, i, i == 2)
		q = ann.question(q.ID)
	}
	if r := <-reminded; r.code != 0 {
		t.Errorf("remind beside a webhook serve: %v", r)
	}
	ann.after(0, "reminding during the questionnaire", isReminder)
	if n := w.count("answers"); n != 3 {
		t.Errorf("%d answers stored, want 3", n)
	}

	// Back to polling: serve removes the webhook first.
	srv.stop()
	w.serve("polling")
	if info := w.webhookInfo(); info.URL != "" {
		t.Errorf("polling serve left the webhook %q set", info.URL)
	}
	mark := ann.lastID()
	ann.u.Send("/resume")
	q = ann.question(mark)
	ann.answerQuestion(q, 0, false)
	if n := w.count("answers"); n != 4 {
		t.Errorf("%d answers stored after polling took over, want 4", n)
	}
}

// webhookInfo asks the fake what webhook is set, as the Bot API would.
func (w *world) webhookInfo() (info struct {
	URL string `json:"url"`
}) {
	w.t.Helper()
	req, _ := http.NewRequestWithContext(w.ctx, http.MethodPost, w.fake.URL+"/bot"+w.fake.Token+"/getWebhookInfo", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK     bool `json:"ok"`
		Result struct {
			URL string `json:"url"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.OK {
		w.t.Fatalf("getWebhookInfo: %v %+v", err, body)
	}
	info.URL = body.Result.URL
	return info
}

// postUpdate delivers a harmless update to the webhook with secret and
// returns the HTTP status.
func postUpdate(t *testing.T, ctx context.Context, url, secret string) int {
	t.Helper()
	body := []byte(`{"update_id":1,"message":{"message_id":1,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"Eve"},"text":"/start"}}`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// get returns the status of a GET.
func get(t *testing.T, ctx context.Context, url string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
