package telegramfake

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// webhook delivers pending updates by POSTing them to the bot, with at most
// maxConn requests in flight, re-delivering refused ones after a backoff.
type webhook struct {
	url     string
	secret  string
	maxConn int
	allowed []string

	// guarded by Server.mu
	inflight         int
	lastErrorDate    time.Time
	lastErrorMessage string

	client *http.Client
	work   chan *entry
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// stop ends delivery and waits until in-flight updates are back in the
// queue. Caller must not hold Server.mu.
func (wh *webhook) stop() {
	wh.cancel()
	wh.wg.Wait()
}

var secretTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(_ context.Context, p params) (any, *apiError) {
	rawURL := strings.TrimSpace(p["url"])
	if rawURL == "" {
		return s.removeWebhook(p.bool("drop_pending_updates"))
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, badRequest("bad webhook: invalid URL")
	}
	// Telegram demands https on ports 443, 80, 88 or 8443; the fake takes
	// plain http on any port so that tests need no certificates.
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	secret, hasSecret := p["secret_token"]
	if hasSecret && !secretTokenPattern.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn, aerr := p.int("max_connections", 40)
	if aerr != nil {
		return nil, aerr
	}
	maxConn = min(max(maxConn, 1), 100)
	allowed, set, aerr := p.stringList("allowed_updates")
	if aerr != nil {
		return nil, aerr
	}

	client := &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: maxConn,
			MaxConnsPerHost:     maxConn,
			IdleConnTimeout:     90 * time.Second,
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	wh := &webhook{
		url: rawURL, secret: secret, maxConn: maxConn, allowed: allowed,
		client: client, work: make(chan *entry), ctx: ctx, cancel: cancel,
	}

	s.mu.Lock()
	old := s.webhook
	s.webhook = nil
	s.mu.Unlock()
	if old != nil {
		old.stop()
	}

	s.mu.Lock()
	if isClosed(s.done) {
		s.mu.Unlock()
		cancel()
		return nil, &apiError{code: http.StatusServiceUnavailable, description: "Service Unavailable"}
	}
	if p.bool("drop_pending_updates") {
		s.pending = nil
		s.idleSig.notify()
	}
	if set {
		s.setAllowed(allowed)
	}
	s.webhook = wh
	s.updatesSig.notify() // parked pollers answer 409
	s.mu.Unlock()

	wh.wg.Add(1 + maxConn)
	go s.dispatch(wh)
	for range maxConn {
		go s.deliver(wh)
	}
	return described{true, "Webhook was set"}, nil
}

func (s *Server) deleteWebhook(_ context.Context, p params) (any, *apiError) {
	return s.removeWebhook(p.bool("drop_pending_updates"))
}

func (s *Server) removeWebhook(dropPending bool) (any, *apiError) {
	s.mu.Lock()
	old := s.webhook
	s.webhook = nil
	s.mu.Unlock()
	if old != nil {
		old.stop()
	}
	s.mu.Lock()
	if dropPending {
		s.pending = nil
		s.idleSig.notify()
	}
	s.updatesSig.notify()
	s.mu.Unlock()
	if old == nil {
		return described{true, "Webhook is already deleted"}, nil
	}
	return described{true, "Webhook was deleted"}, nil
}

func (s *Server) getWebhookInfo(context.Context, params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := models.WebhookInfo{PendingUpdateCount: s.pendingCount()}
	if wh := s.webhook; wh != nil {
		info.URL = wh.url
		info.MaxConnections = wh.maxConn
		info.AllowedUpdates = wh.allowed
		info.IPAddress = "127.0.0.1"
		if !wh.lastErrorDate.IsZero() {
			info.LastErrorDate = int(wh.lastErrorDate.Unix())
			info.LastErrorMessage = wh.lastErrorMessage
		}
	}
	return info, nil
}

// dispatch hands pending updates, oldest first, to free delivery workers.
func (s *Server) dispatch(wh *webhook) {
	defer wh.wg.Done()
	for {
		s.mu.Lock()
		e, retryIn := s.nextForWebhook(wh)
		wake := s.updatesSig.wait()
		s.mu.Unlock()
		if e == nil {
			var retry <-chan time.Time
			var t *time.Timer
			if retryIn > 0 {
				t = time.NewTimer(retryIn)
				retry = t.C
			}
			select {
			case <-wake:
			case <-retry:
			case <-wh.ctx.Done():
			}
			if t != nil {
				t.Stop()
			}
			if wh.ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case wh.work <- e:
		case <-wh.ctx.Done():
			s.mu.Lock()
			wh.inflight--
			s.requeue(e)
			s.mu.Unlock()
			return
		}
	}
}

// nextForWebhook takes the first pending update whose retry time has come,
// or says how long until one will. Caller holds s.mu.
func (s *Server) nextForWebhook(wh *webhook) (*entry, time.Duration) {
	now := time.Now()
	var soonest time.Duration
	for i, e := range s.pending {
		if wait := e.notBefore.Sub(now); wait > 0 {
			if soonest == 0 || wait < soonest {
				soonest = wait
			}
			continue
		}
		if i == 0 {
			s.pending[0] = nil
			s.pending = s.pending[1:]
		} else {
			s.pending = slices.Delete(s.pending, i, i+1)
		}
		wh.inflight++
		return e, 0
	}
	return nil, soonest
}

// requeue puts an undelivered update back at the front. Caller holds s.mu.
func (s *Server) requeue(e *entry) {
	s.pending = append([]*entry{e}, s.pending...)
	s.updatesSig.notify()
}

// deliver POSTs updates until the webhook stops.
func (s *Server) deliver(wh *webhook) {
	defer wh.wg.Done()
	for {
		select {
		case e := <-wh.work:
			failure := wh.post(e)
			s.mu.Lock()
			wh.inflight--
			switch {
			case failure == "":
				s.stats.updatesDelivered(1)
				s.idleSig.notify()
			case wh.ctx.Err() != nil:
				s.requeue(e) // removed mid-flight: not the bot's failure
			default:
				e.attempts++
				e.notBefore = time.Now().Add(s.backoff(e.attempts))
				wh.lastErrorDate = s.now()
				wh.lastErrorMessage = failure
				s.stats.webhookFailed()
				s.requeue(e)
			}
			s.mu.Unlock()
		case <-wh.ctx.Done():
			return
		}
	}
}

func (s *Server) backoff(attempts int) time.Duration {
	d := s.cfg.backoffMin
	for i := 1; i < attempts && d < s.cfg.backoffMax; i++ {
		d *= 2
	}
	return min(d, s.cfg.backoffMax)
}

// post delivers one update and describes a failure as getWebhookInfo's
// last_error_message does; "" means the bot accepted it.
func (wh *webhook) post(e *entry) string {
	req, err := http.NewRequestWithContext(wh.ctx, http.MethodPost, wh.url, bytes.NewReader(e.raw))
	if err != nil {
		return "Failed to create request: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if wh.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", wh.secret)
	}
	resp, err := wh.client.Do(req)
	if err != nil {
		return "Connection failed: " + err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "Wrong response from the webhook: " + resp.Status
	}
	return ""
}
