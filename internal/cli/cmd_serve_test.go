package cli

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

func TestServeConfigRefusesBadEnvironment(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"no token":            {},
		"webhook sans secret": {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://example.org/tg"},
		"secret sans webhook": {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_SECRET": "abc"},
		"bad secret":          {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://example.org/tg", "WEBHOOK_SECRET": "no spaces"},
		"bad webhook URL":     {"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "example.org", "WEBHOOK_SECRET": "abc"},
		"bad listen address":  {"TELEGRAM_BOT_TOKEN": "1:x", "LISTEN_ADDR": "8080"},
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
