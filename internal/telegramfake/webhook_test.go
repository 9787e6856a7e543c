package telegramfake

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// hook is a bot's webhook endpoint that refuses the first failFirst
// deliveries with 500 and records every request.
type hook struct {
	mu        sync.Mutex
	failFirst int
	seen      []delivery
	changed   chan struct{}
}

type delivery struct {
	secret string
	update models.Update
	status int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var d delivery
	d.secret = r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if err := json.Unmarshal(body, &d.update); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	d.status = http.StatusOK
	if h.failFirst > 0 {
		h.failFirst--
		d.status = http.StatusInternalServerError
	}
	h.seen = append(h.seen, d)
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
	w.WriteHeader(d.status)
}

func (h *hook) wait(t *testing.T, done func([]delivery) bool) []delivery {
	t.Helper()
	ctx := testContext(t)
	for {
		h.mu.Lock()
		seen := append([]delivery(nil), h.seen...)
		h.mu.Unlock()
		if done(seen) {
			return seen
		}
		select {
		case <-h.changed:
		case <-ctx.Done():
			t.Fatalf("webhook deliveries so far: %+v", seen)
		}
	}
}

func TestWebhookDeliveryAndRetry(t *testing.T) {
	s := newFake(t, WithWebhookBackoff(time.Millisecond, 10*time.Millisecond))
	ctx := testContext(t)
	h := &hook{failFirst: 1, changed: make(chan struct{}, 1)}
	endpoint := httptest.NewServer(h)
	t.Cleanup(endpoint.Close)
	b := newClient(t, s)

	_, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: endpoint.URL + "/hook", SecretToken: "bad secret!"})
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("secret with a space: err = %v, want bad request", err)
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: endpoint.URL + "/hook", SecretToken: "s3cret_-X", MaxConnections: 4}); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	u := s.NewUser("Ada", "en")
	id := u.Send("hello")

	seen := h.wait(t, func(ds []delivery) bool { return len(ds) >= 2 })
	for i, d := range seen[:2] {
		if d.update.ID != id || d.update.Message == nil || d.update.Message.Text != "hello" || d.secret != "s3cret_-X" {
			t.Errorf("delivery %d = %+v, want update %d with the secret", i, d, id)
		}
	}
	if seen[0].status != 500 || seen[1].status != 200 {
		t.Errorf("statuses %d, %d; want the refused update delivered again", seen[0].status, seen[1].status)
	}

	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil {
		t.Fatalf("GetWebhookInfo: %v", err)
	}
	if info.URL != endpoint.URL+"/hook" || info.MaxConnections != 4 || info.PendingUpdateCount != 0 || !strings.Contains(info.LastErrorMessage, "500") || info.LastErrorDate == 0 {
		t.Errorf("webhook info = %+v, want the URL, 4 connections and the 500 as last error", info)
	}
	if st := s.Stats(); st.WebhookFailures != 1 || st.UpdatesDelivered != 1 {
		t.Errorf("stats = %+v, want 1 failure and 1 delivery", st)
	}

	// Polling while a webhook is set is a conflict.
	_, a := getUpdates(t, ctx, s, nil)
	if a.OK || a.ErrorCode != 409 || !strings.Contains(a.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %+v, want 409", a)
	}

	// After deleteWebhook updates wait for getUpdates again.
	if _, err := b.DeleteWebhook(ctx, nil); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	id2 := u.Send("polled")
	ups, _ := getUpdates(t, ctx, s, nil)
	if got := updateIDs(ups); len(got) != 1 || got[0] != id2 {
		t.Errorf("getUpdates after deleteWebhook = %v, want [%d]", got, id2)
	}
}

func TestWebhookStopsRetryingWhenRemoved(t *testing.T) {
	s := newFake(t, WithWebhookBackoff(time.Millisecond, time.Millisecond))
	ctx := testContext(t)
	h := &hook{failFirst: 1 << 30, changed: make(chan struct{}, 1)}
	endpoint := httptest.NewServer(h)
	t.Cleanup(endpoint.Close)
	b := newClient(t, s)
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: endpoint.URL}); err != nil {
		t.Fatal(err)
	}
	id := s.NewUser("Ada", "en").Send("never accepted")
	h.wait(t, func(ds []delivery) bool { return len(ds) >= 3 })
	if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	n := len(h.seen)
	h.mu.Unlock()
	// The refused update was kept, not lost, and retrying has stopped.
	ups, _ := getUpdates(t, ctx, s, nil)
	if got := updateIDs(ups); len(got) != 1 || got[0] != id {
		t.Errorf("after deleteWebhook getUpdates = %v, want the refused update %d", got, id)
	}
	h.mu.Lock()
	after := len(h.seen)
	h.mu.Unlock()
	if after != n {
		t.Errorf("deliveries went on after deleteWebhook: %d then %d", n, after)
	}
}

func TestWebhookConcurrency(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	var mu sync.Mutex
	inFlight, peak := 0, 0
	release := make(chan struct{})
	arrived := make(chan struct{}, 100)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	t.Cleanup(endpoint.Close)
	t.Cleanup(func() { close(release) })
	b := newClient(t, s)
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: endpoint.URL, MaxConnections: 3}); err != nil {
		t.Fatal(err)
	}
	u := s.NewUser("Ada", "en")
	for range 5 {
		u.Send("x")
	}
	for range 3 {
		select {
		case <-arrived:
		case <-ctx.Done():
			t.Fatal("fewer than 3 concurrent deliveries")
		}
	}
	// Three are held by the endpoint; the other two must wait for a
	// connection. Check the queue instead of waiting for time to pass.
	if n := s.PendingUpdates(); n != 5 {
		t.Errorf("pending = %d, want 5 (3 in flight, 2 queued)", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak != 3 {
		t.Errorf("peak concurrency %d, want max_connections 3", peak)
	}
}
