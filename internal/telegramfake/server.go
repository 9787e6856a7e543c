package telegramfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// ErrClosed is returned by waits that end because the Server was closed.
var ErrClosed = errors.New("telegramfake: server closed")

// Server is a fake Telegram Bot API server listening on a local address.
// All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give bot.WithServerURL, e.g. "http://127.0.0.1:41234".
	URL string
	// Token is the only bot token the server accepts.
	Token string

	cfg     config
	bot     models.User
	httpSrv *http.Server
	done    chan struct{}
	closing sync.Once
	served  chan struct{}

	mu sync.Mutex // guards everything below
	// users and chats
	chats      map[int64]*chat
	nextUserID int64
	// updates
	nextUpdateID int64
	pending      []*entry // not yet confirmed (polling) or not yet delivered (webhook)
	held         []*entry // created during Hold, waiting for Release
	holding      bool
	updatesSig   signal // pending changed, webhook set or removed
	idleSig      signal // updates confirmed or delivered
	history      map[int64]*entry
	historyRing  []int64
	historyNext  int
	allowed      map[string]bool // allowed_updates; nil means Telegram's default
	poller       *poller         // the getUpdates request in progress, if any
	pollerSig    signal          // a poller parked or left
	webhook      *webhook
	// callbacks
	callbacks   map[string]*callback
	nextQueryID uint64
	// limits
	global bucket
	// failure injection
	failures map[string][]failure
	lose     map[string]int
	// bot settings
	commands map[string][]models.BotCommand

	stats statsCounter
}

// New starts a Server on 127.0.0.1 at a free port. Like httptest.NewServer it
// panics if it cannot listen; use Listen to handle that error.
func New(opts ...Option) *Server {
	s, err := Listen("127.0.0.1:0", opts...)
	if err != nil {
		panic(fmt.Sprintf("telegramfake.New: %v", err))
	}
	return s
}

// Listen starts a Server on addr (host:port; port 0 picks a free one).
func Listen(addr string, opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := newServer(cfg)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("telegramfake.Listen: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.served)
		_ = s.httpSrv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

func newServer(cfg config) *Server {
	botID, token := randomToken()
	s := &Server{
		Token: token,
		cfg:   cfg,
		bot: models.User{
			ID: botID, IsBot: true, FirstName: cfg.firstName, Username: cfg.username,
			CanJoinGroups: true,
		},
		done:   make(chan struct{}),
		served: make(chan struct{}),
		chats:  make(map[int64]*chat),
		// Real ids are large and, after a quiet week, random: bots must not
		// assume they start at 1 or only grow by one.
		nextUserID:   7_000_000_000 + rand.Int64N(1_000_000),
		nextUpdateID: 100_000_000 + rand.Int64N(800_000_000),
		history:      make(map[int64]*entry),
		callbacks:    make(map[string]*callback),
		nextQueryID:  1_000_000_000_000_000 + rand.Uint64N(1_000_000_000_000_000),
		failures:     make(map[string][]failure),
		lose:         make(map[string]int),
		commands:     make(map[string][]models.BotCommand),
	}
	s.stats.init()
	return s
}

func randomToken() (botID int64, token string) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	secret := make([]byte, 35)
	for i := range secret {
		secret[i] = alphabet[rand.IntN(len(alphabet))]
	}
	botID = 6_000_000_000 + rand.Int64N(1_000_000_000)
	return botID, strconv.FormatInt(botID, 10) + ":AA" + string(secret[2:])
}

// BotUser is the bot's own account, as getMe reports it.
func (s *Server) BotUser() models.User { return s.bot }

// Close stops webhook delivery, ends waiting long polls and shuts the
// listener. Waits on users return ErrClosed afterwards. Close is idempotent.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		s.mu.Lock()
		wh := s.webhook
		s.webhook = nil
		s.mu.Unlock()
		if wh != nil {
			wh.stop()
		}
		if s.httpSrv != nil {
			_ = s.httpSrv.Close()
			<-s.served
		}
	})
}

// apiError is a Bot API error answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.description) }

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

func forbidden(description string) *apiError {
	return &apiError{code: http.StatusForbidden, description: "Forbidden: " + description}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:        http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		retryAfter:  retryAfter,
	}
}

// described is a successful result that also carries a description, as
// setWebhook's "Webhook was set".
type described struct {
	result      any
	description string
}

type methodFunc func(s *Server, ctx context.Context, p params) (any, *apiError)

// methods maps lower-case method names (Telegram matches them without regard
// to case) to their canonical name and implementation.
var methods = map[string]struct {
	name string
	fn   methodFunc
}{}

func register(name string, fn methodFunc) {
	methods[strings.ToLower(name)] = struct {
		name string
		fn   methodFunc
	}{name, fn}
}

func init() {
	register("getMe", (*Server).getMe)
	register("logOut", (*Server).acceptTrue)
	register("close", (*Server).acceptTrue)
	register("getUpdates", (*Server).getUpdates)
	register("setWebhook", (*Server).setWebhook)
	register("deleteWebhook", (*Server).deleteWebhook)
	register("getWebhookInfo", (*Server).getWebhookInfo)
	register("sendMessage", (*Server).sendMessage)
	register("editMessageText", (*Server).editMessageText)
	register("editMessageReplyMarkup", (*Server).editMessageReplyMarkup)
	register("deleteMessage", (*Server).deleteMessage)
	register("sendChatAction", (*Server).sendChatAction)
	register("answerCallbackQuery", (*Server).answerCallbackQuery)
	register("setMyCommands", (*Server).setMyCommands)
	register("getMyCommands", (*Server).getMyCommands)
	register("deleteMyCommands", (*Server).deleteMyCommands)
}

// ServeHTTP answers POST|GET /bot<token>/<method>. The Server is an
// http.Handler so that a demo can mount it on a mux of its own.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if token != s.Token {
		writeError(w, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	m, ok := methods[strings.ToLower(method)]
	if !ok {
		s.stats.record(method, http.StatusNotFound)
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if f, ok := s.takeFailure(m.name); ok {
		s.stats.record(m.name, f.code)
		writeError(w, &apiError{code: f.code, description: f.description, retryAfter: f.retryAfter})
		return
	}
	// Parameterless calls arrive with an empty body that does not parse as
	// multipart; readParams treats an empty body as no parameters.
	p, perr := readParams(w, r)
	if perr != nil {
		s.stats.record(m.name, perr.code)
		writeError(w, perr)
		return
	}
	result, aerr := m.fn(s, r.Context(), p)
	if aerr != nil {
		s.stats.record(m.name, aerr.code)
		writeError(w, aerr)
		return
	}
	s.stats.record(m.name, http.StatusOK)
	if s.takeLoss(m.name) {
		dropConnection(w)
		return
	}
	writeResult(w, result)
}

func writeResult(w http.ResponseWriter, result any) {
	body := struct {
		OK          bool   `json:"ok"`
		Result      any    `json:"result"`
		Description string `json:"description,omitempty"`
	}{OK: true, Result: result}
	if d, ok := result.(described); ok {
		body.Result, body.Description = d.result, d.description
	}
	writeJSON(w, http.StatusOK, body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	type parameters struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	body := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		body.Parameters = &parameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		// Only a result of a type json cannot encode gets here: a fake bug.
		status = http.StatusInternalServerError
		data = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// dropConnection closes the connection without an answer, as when a
// response is lost on the way back to the bot after Telegram acted on it.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func (s *Server) getMe(context.Context, params) (any, *apiError) { return s.bot, nil }

func (s *Server) acceptTrue(context.Context, params) (any, *apiError) { return true, nil }

func (s *Server) now() time.Time { return s.cfg.now() }

// signal is a broadcast made of channels: a waiter takes wait() under the
// Server's lock and selects on it after unlocking; notify() wakes all
// waiters. Channels are made lazily so that changes nobody waits for cost
// nothing.
type signal struct{ ch chan struct{} }

func (sg *signal) wait() <-chan struct{} {
	if sg.ch == nil {
		sg.ch = make(chan struct{})
	}
	return sg.ch
}

func (sg *signal) notify() {
	if sg.ch != nil {
		close(sg.ch)
		sg.ch = nil
	}
}
