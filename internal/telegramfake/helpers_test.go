package telegramfake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/imrbot/imrbot/internal/clock"
)

// testContext bounds a test's waits so that a broken fake fails instead of
// hanging; no assertion depends on it.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newFake(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

// newClient is the real go-telegram/bot client pointed at the fake. It does
// not poll; tests that want updates start it themselves.
func newClient(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
		bot.WithErrorsHandler(func(error) {}),
	}, opts...)
	b, err := bot.New(s.Token, opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// startedUser is a user who wrote first, so the bot may answer.
func startedUser(s *Server, name string) *User {
	u := s.NewUser(name, "en")
	u.Send("hello")
	return u
}

// newTestClock is a manual clock for WithClock.
func newTestClock() *clock.Manual { return clock.At(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) }

// apiAnswer is a decoded Bot API answer.
type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call invokes a method with a url-encoded form, for what the client does
// not expose (getUpdates with chosen offsets, raw status codes).
func call(t *testing.T, ctx context.Context, base, path string, form url.Values) (int, apiAnswer) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("call %s: %v", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("call %s: %v", path, err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("call %s: decode: %v", path, err)
	}
	return resp.StatusCode, a
}

func getUpdates(t *testing.T, ctx context.Context, s *Server, form url.Values) ([]models.Update, apiAnswer) {
	t.Helper()
	_, a := call(t, ctx, s.URL, "/bot"+s.Token+"/getUpdates", form)
	var ups []models.Update
	if a.OK {
		if err := json.Unmarshal(a.Result, &ups); err != nil {
			t.Fatalf("getUpdates: decode result %s: %v", a.Result, err)
		}
	}
	return ups, a
}

func updateIDs(ups []models.Update) []int64 {
	ids := make([]int64, 0, len(ups))
	for _, u := range ups {
		ids = append(ids, u.ID)
	}
	return ids
}

// recorder collects updates a polling or webhook bot received.
type recorder struct {
	mu      sync.Mutex
	updates []*models.Update
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) handle(_ context.Context, _ *bot.Bot, u *models.Update) {
	r.mu.Lock()
	r.updates = append(r.updates, u)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// wait waits until match holds for the updates so far.
func (r *recorder) wait(t *testing.T, ctx context.Context, what string, match func([]*models.Update) bool) []*models.Update {
	t.Helper()
	for {
		r.mu.Lock()
		ups := append([]*models.Update(nil), r.updates...)
		r.mu.Unlock()
		if match(ups) {
			return ups
		}
		select {
		case <-r.changed:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v; got %d updates", what, ctx.Err(), len(ups))
		}
	}
}
