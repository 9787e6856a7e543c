package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

func TestServeConfigRefusesBadEnvironment(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"no token":               {},
		"webhook sans secret":    {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://example.org/tg"},
		"secret sans webhook":    {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_SECRET": "abc"},
		"bad secret":             {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://example.org/tg", "WEBHOOK_SECRET": "no spaces"},
		"bad webhook URL":        {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "example.org", "WEBHOOK_SECRET": "abc"},
		"bad listen address":     {"TELEGRAM_BOT_TOKEN": "1:x", "LISTEN_ADDR": "8080"},
		"bad API URL":            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "api.telegram.org"},
		"send rate not a number": {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SEND_RATE": "fast"},
		"send rate negative":     {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SEND_RATE": "-1"},
		"send rate NaN":          {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SEND_RATE": "NaN"},
		"send rate infinite":     {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SEND_RATE": "+Inf"},
	} {
		_, err := readServeConfig(func(k string) string { return env[k] })
		var usage UsageError
		if !errors.As(err, &usage) {
			t.Errorf("%s: error %v, want a usage error", name, err)
		}
	}
	cfg, err := readServeConfig(func(k string) string {
		return map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://example.org/tg/hook", "WEBHOOK_SECRET": "abc"}[k]
	})
	if err != nil || cfg.webhookPath != "/tg/hook" || cfg.listen != ":8080" {
		t.Errorf("webhook config %+v, %v", cfg, err)
	}
}

func TestSendRateSetting(t *testing.T) {
	for in, want := range map[string]float64{"": 30, "30": 30, "0": 0, "2.5": 2.5, " 100 ": 100} {
		tg, err := readTelegramSettings(func(k string) string { return map[string]string{"TELEGRAM_SEND_RATE": in}[k] })
		if err != nil || tg.sendRate != want {
			t.Errorf("TELEGRAM_SEND_RATE=%q: %v, %v; want %v", in, tg.sendRate, err, want)
		}
	}
}

func TestBadSettingLeavesTheDatabaseUntouched(t *testing.T) {
	fresh := pgtest.NewDatabase(t)
	url := fresh.URL
	cases := []struct {
		name, key, value, want string
		serveOnly              bool
	}{
		{"reminder interval", "REMINDER_INTERVAL", "banana", "REMINDER_INTERVAL", false},
		{"quiet hours", "REMINDER_QUIET_HOURS", "25:00-26:00", "REMINDER_QUIET_HOURS", false},
		{"send rate", "TELEGRAM_SEND_RATE", "fast", "TELEGRAM_SEND_RATE", false},
		{"negative send rate", "TELEGRAM_SEND_RATE", "-5", "TELEGRAM_SEND_RATE", false},
		{"questionnaires", "IMRBOT_QUESTIONNAIRES", "/no/such/dir", "/no/such/dir", false},
		{"API URL", "TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL", false},
		{"log level", "LOG_LEVEL", "loud", "LOG_LEVEL", false},
		{"log format", "LOG_FORMAT", "xml", "LOG_FORMAT", false},
		{"no token", "TELEGRAM_BOT_TOKEN", "", "TELEGRAM_BOT_TOKEN", true},
		{"listen address", "LISTEN_ADDR", "8080", "LISTEN_ADDR", true},
		{"listen address not ours", "LISTEN_ADDR", "192.0.2.1:0", "listen", true},
		{"webhook without secret", "WEBHOOK_URL", "https://example.org/tg", "WEBHOOK_SECRET", true},
		{"require validated not a switch", "IMRBOT_REQUIRE_VALIDATED", "yes please", "IMRBOT_REQUIRE_VALIDATED", true},
		{"require validated with placeholder wording", "IMRBOT_REQUIRE_VALIDATED", "1", "placeholder wording: imrs-consumer, hope", true},
	}
	for _, c := range cases {
		for _, args := range [][]string{{"serve"}, {"remind", "--all-due"}} {
			if c.serveOnly && args[0] != "serve" {
				continue
			}
			env := map[string]string{"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "1:x", "LISTEN_ADDR": "127.0.0.1:0", c.key: c.value}
			_, errOut, code := run(t, env, args...)
			if code == 0 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("%s %s: exit %d, stderr %q; want a one-line error naming %q", args[0], c.name, code, errOut, c.want)
			}
			if n := len(fresh.Tables(t)); n != 0 {
				t.Fatalf("%s with a bad %s: %d tables created", args[0], c.name, n)
			}
		}
	}
}

// freeAddr finds a local address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeAnswersInBothModes(t *testing.T) {
	for _, mode := range []string{"webhook", "polling"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			url := pgtest.URL(t)
			st := pgtest.Store(t)
			if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
				t.Fatal(err)
			}
			inv, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: time.Now().Add(time.Hour)}, 1, NewInviteCode)
			if err != nil {
				t.Fatal(err)
			}
			fake := telegramfake.New(telegramfake.WithoutLimits())
			defer fake.Close()
			addr := freeAddr(t)
			env := map[string]string{
				"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": fake.Token, "TELEGRAM_API_URL": fake.URL,
				"LISTEN_ADDR": addr, "REMINDER_INTERVAL": "1h",
			}
			if mode == "webhook" {
				env["WEBHOOK_URL"] = "http://" + addr + "/tg/hook"
				env["WEBHOOK_SECRET"] = "s3cret"
			}
			sctx, stop := context.WithCancel(ctx)
			served := make(chan error, 1)
			go func() { served <- (&ServeCmd{}).Run(testApp(t, sctx, env, io.Discard)) }()

			// The fake keeps the update until serve takes it.
			u := fake.NewUser("Ann", "en")
			u.Start(inv[0].InviteCode)
			if _, err := u.WaitFor(ctx, func(m telegramfake.Message) bool { _, ok := m.Button("I agree"); return ok }); err != nil {
				t.Fatalf("no consent question: %v", err)
			}
			for path, want := range map[string]string{"/healthz": "ok", "/metrics": "imrbot_updates_total"} {
				body := get(t, ctx, "http://"+addr+path)
				if !strings.Contains(body, want) {
					t.Errorf("%s: %q lacks %q", path, body, want)
				}
			}
			if name, err := st.Setting(ctx, store.SettingBotUsername); err != nil || name != fake.BotUser().Username {
				t.Errorf("bot username setting %q (%v), want getMe's %q", name, err, fake.BotUser().Username)
			}
			stop()
			select {
			case err := <-served:
				if err != nil {
					t.Fatalf("serve: %v", err)
				}
			case <-ctx.Done():
				t.Fatal("serve did not stop")
			}
		})
	}
}

func get(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// startServe runs serve with env until the test ends and returns once its
// listener answers /healthz.
func startServe(t *testing.T, ctx context.Context, cmd *ServeCmd, env map[string]string) {
	t.Helper()
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- cmd.Run(testApp(t, sctx, env, io.Discard)) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+env["LISTEN_ADDR"]+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-served:
			t.Fatalf("serve ended before it listened: %v", err)
		case <-ctx.Done():
			t.Fatal("serve never answered /healthz")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// closedByServer reads conn until the server closes it, or gives up when
// ctx ends; it reports whether the server closed it.
func closedByServer(ctx context.Context, conn net.Conn) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, conn)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		conn.Close()
		<-done
		return false
	}
}

func TestServeCutsOffASlowBody(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	fake := telegramfake.New(telegramfake.WithoutLimits())
	defer fake.Close()
	addr := freeAddr(t)
	env := map[string]string{
		"DATABASE_URL": pgtest.URL(t), "TELEGRAM_BOT_TOKEN": fake.Token, "TELEGRAM_API_URL": fake.URL,
		"LISTEN_ADDR": addr, "REMINDER_INTERVAL": "1h",
		"WEBHOOK_URL": "http://" + addr + "/tg/hook", "WEBHOOK_SECRET": "s3cret",
	}
	// Short enough for a test; the write and idle timeouts stay long so
	// that only the read timeout can end the request.
	startServe(t, ctx, &ServeCmd{Timeouts: &httpTimeouts{ReadHeader: time.Second, Read: 300 * time.Millisecond, Write: time.Minute, Idle: time.Minute}}, env)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// An authenticated webhook request whose body trickles in a byte at a
	// time: at this pace it would take minutes to arrive.
	if _, err := io.WriteString(conn, "POST /tg/hook HTTP/1.1\r\nHost: "+addr+"\r\nX-Telegram-Bot-Api-Secret-Token: s3cret\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	wctx, stopWriting := context.WithCancel(ctx)
	defer stopWriting()
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-tick.C:
				if _, err := io.WriteString(conn, " "); err != nil {
					return
				}
			}
		}
	}()
	// The bound only ends a failing test; the server cuts the connection
	// long before.
	rctx, cancelRead := context.WithTimeout(ctx, 20*time.Second)
	defer cancelRead()
	if !closedByServer(rctx, conn) {
		t.Fatal("a client dribbling its body still holds the connection")
	}
}

func TestHTTPServerDropsIdleConnections(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Read stays long: with no idle timeout the server would fall back on it.
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		httpTimeouts{ReadHeader: time.Minute, Read: time.Minute, Write: time.Minute, Idle: 200 * time.Millisecond})
	go srv.Serve(ln)
	defer srv.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server did not keep the connection alive")
	}
	rctx, cancelRead := context.WithTimeout(ctx, 20*time.Second)
	defer cancelRead()
	if !closedByServer(rctx, readerConn{conn, br}) {
		t.Fatal("an idle keep-alive connection is never dropped")
	}
}

// readerConn reads through a bufio.Reader already wrapped around its Conn.
type readerConn struct {
	net.Conn
	r *bufio.Reader
}

func (c readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func TestSendRateSettingPacesTheBot(t *testing.T) {
	cases := []struct {
		name, rate       string
		fake             []telegramfake.Option
		chats            int
		want429, sentAll bool
	}{
		// The fake takes 10 messages a second one at a time: the bot told to
		// send 2 a second never draws a 429.
		{"paced at the set rate", "2", []telegramfake.Option{telegramfake.WithLimits(0, 10), telegramfake.WithBursts(0, 1)}, 3, false, true},
		// 0 turns pacing off: ten messages at once exceed even a Telegram-
		// like 30 a second with bursts of 6, which default pacing keeps to.
		{"not paced", "0", []telegramfake.Option{telegramfake.WithLimits(0, 30), telegramfake.WithBursts(0, 6)}, 10, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			fake := telegramfake.New(c.fake...)
			defer fake.Close()
			env := map[string]string{"DATABASE_URL": pgtest.URL(t), "TELEGRAM_BOT_TOKEN": fake.Token, "TELEGRAM_API_URL": fake.URL, "TELEGRAM_SEND_RATE": c.rate}
			app := testApp(t, ctx, env, io.Discard)
			tg, err := readTelegramSettings(app.Getenv)
			if err != nil {
				t.Fatal(err)
			}
			st, err := app.Store(ctx)
			if err != nil {
				t.Fatal(err)
			}
			catalog, err := app.Catalog()
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := newSending(app, st, catalog, reminders.Config{}, tg, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			// A 429 is what the test looks for: no waiting it out.
			b.Sender().Sleep = func(context.Context, time.Duration) error { return errors.New("not retried in this test") }
			sent := 0
			for i := range c.chats {
				u := fake.NewUser("User"+strconv.Itoa(i), "en")
				u.Send("hi") // a bot may write only to whom wrote to it
				if _, err := b.Sender().Send(ctx, u.ChatID(), "hello", nil); err == nil {
					sent++
				}
			}
			if got := fake.Stats().TooManyRequests["sendMessage"]; (got > 0) != c.want429 {
				t.Errorf("TELEGRAM_SEND_RATE=%s: %d answers 429 from a server the bot should %s", c.rate, got, map[bool]string{false: "keep within", true: "exceed"}[c.want429])
			}
			if c.sentAll && sent != c.chats {
				t.Errorf("%d of %d messages sent", sent, c.chats)
			}
		})
	}
}
