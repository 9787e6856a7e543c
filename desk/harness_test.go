package desk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/internal/clock"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The browser: one headless Chromium for the package, started on first
// use; each test gets browser contexts of its own (their cookies apart).
var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
)

// chromiumFlags start a Chromium that needs no display, no sandbox (tests
// run as root in containers) and reaches nothing but the desk.
var chromiumFlags = []string{"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run", "disable-dev-shm-usage"}

func findChromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH (scripts/with-browser.sh installs Debian's chromium)")
}

func startBrowser() {
	path, err := findChromium()
	if err != nil {
		browserErr = err
		return
	}
	dir, err := os.MkdirTemp("", "imrbot-desk-chromium-")
	if err != nil {
		browserErr = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		browserErr = fmt.Errorf("starting %s: %w", path, err)
		return
	}
	browserCtx = ctx // lives as long as the test process; chromedp kills it with the process
}

// newBrowser is a fresh browser context (no cookies) for one person: it
// fails under CI=true when no browser can be had, and skips otherwise.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	browserOnce.Do(startBrowser)
	if browserErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no browser under CI: %v", browserErr)
		}
		t.Skipf("no browser: %v", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// world is a study on a fresh database, a fake Telegram with the real
// go-telegram/bot client and the bot's Sender, a dispatcher wired as serve
// wires it, and the desk on a test server.
type world struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	catalog *questionnaires.Catalog
	clock   *clock.Manual
	fake    *telegramfake.Server
	users   map[string]*telegramfake.User
	desk    *httptest.Server
	base    *url.URL
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: context.Background(), st: pgtest.Store(t), catalog: cat,
		clock: clock.At(time.Date(2025, 2, 20, 10, 0, 0, 0, oslo)), users: map[string]*telegramfake.User{}}
	w.fake = telegramfake.New()
	t.Cleanup(w.fake.Close)
	for _, site := range []string{"OSL", "BRG"} {
		if err := w.st.AddSite(w.ctx, site, site+" clinic"); err != nil {
			t.Fatal(err)
		}
	}
	tg, err := tgbot.New(w.fake.Token, tgbot.WithServerURL(w.fake.URL), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sender := bot.NewSender(tg, w.st, bot.SendLimits(0), bot.NewMetrics(prometheus.NewRegistry()), quiet)
	hours, err := reminders.ParseSendHours(reminders.DefaultSendHours)
	if err != nil {
		t.Fatal(err)
	}
	d := &reminders.Dispatcher{Store: w.st, Messenger: sender, Catalog: cat, Now: w.clock.Now, Logger: quiet, Hours: hours,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	sender.OnUnreachable = d.NotifyUnreachable
	w.desk = httptest.NewUnstartedServer(nil)
	w.desk.Start()
	t.Cleanup(w.desk.Close)
	if w.base, err = desk.ParseURL(w.desk.URL+"/desk/", ""); err != nil {
		t.Fatal(err)
	}
	srv, err := desk.New(desk.Options{Store: w.st, Catalog: cat, URL: w.base, Now: w.clock.Now, Logger: quiet,
		// serve's Wake makes the running dispatcher tick; here the tick
		// runs at once, so the reminder has gone when the page answers.
		Wake: func() {
			if _, err := d.Tick(w.ctx, w.clock.Now()); err != nil {
				t.Errorf("tick: %v", err)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	w.desk.Config.Handler = srv
	return w
}

// enrol invites a participant at site and, unless joined is false, links
// their chat and records consent as the chat would. baseline "" leaves the
// date to consent.
func (w *world) enrol(site, role, baseline string, joined bool) string {
	w.t.Helper()
	np := store.NewParticipant{Site: site, Role: role, Lang: "en", InviteExpires: w.clock.Now().AddDate(0, 1, 0)}
	if baseline != "" {
		d, err := time.Parse(time.DateOnly, baseline)
		if err != nil {
			w.t.Fatal(err)
		}
		np.BaselineDate = &d
	}
	inv, err := w.st.Invite(w.ctx, np, 1, func() (string, error) { return "inv" + fmt.Sprint(time.Now().UnixNano()), nil })
	if err != nil {
		w.t.Fatal(err)
	}
	code := inv[0].ParticipantCode
	if !joined {
		return code
	}
	p, err := w.st.ParticipantByCode(w.ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	u := w.fake.NewUser(code, "en")
	u.Start(inv[0].InviteCode) // the user wrote first, so the bot may write back
	w.users[code] = u
	now := w.clock.Now()
	pgtest.Exec(w.t, `UPDATE invites SET redeemed_at = $2 WHERE participant_id = $1`, p.ID, now)
	pgtest.Exec(w.t, `INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at) VALUES ($1, $2, $2, $3)`, p.ID, u.ChatID(), now)
	pgtest.Exec(w.t, `UPDATE participants SET status = 'active' WHERE id = $1 AND status = 'invited'`, p.ID)
	if role != "coordinator" {
		pgtest.Exec(w.t, `INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, '1', true, $2)`, p.ID, now)
	}
	return code
}

// loginLink is a fresh login link for the coordinator.
func (w *world) loginLink(code string) string {
	w.t.Helper()
	p, err := w.st.ParticipantByCode(w.ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	link, err := desk.NewLoginLink(w.ctx, w.st, w.base, p.ID, w.clock.Now(), "test")
	if err != nil {
		w.t.Fatal(err)
	}
	return link
}

// login opens the link in the browser and presses its button: the
// browser then holds the coordinator's session.
func (w *world) login(b context.Context, code string) {
	w.t.Helper()
	if status := w.open(b, w.loginLink(code)); status != 200 {
		w.t.Fatalf("login page: status %d", status)
	}
	if status := w.click(b, "#login"); status != 200 {
		w.t.Fatalf("after login: status %d: %s", status, w.text(b, "main"))
	}
}

// open navigates to u and returns the page's HTTP status.
func (w *world) open(b context.Context, u string) int64 {
	w.t.Helper()
	resp, err := chromedp.RunResponse(b, chromedp.Navigate(u))
	if err != nil {
		w.t.Fatalf("open %s: %v", u, err)
	}
	return resp.Status
}

// page opens a desk path (relative to DESK_URL).
func (w *world) page(b context.Context, path string) int64 {
	w.t.Helper()
	return w.open(b, w.base.String()+path)
}

// click presses a button or link that loads a page and returns its status
// (the status of the page a redirect leads to).
func (w *world) click(b context.Context, sel string) int64 {
	w.t.Helper()
	resp, err := chromedp.RunResponse(b, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		w.t.Fatalf("click %s: %v", sel, err)
	}
	return resp.Status
}

// text is the visible text of the first element sel matches.
func (w *world) text(b context.Context, sel string) string {
	w.t.Helper()
	s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		w.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// html is the page's whole markup.
func (w *world) html(b context.Context) string {
	w.t.Helper()
	s, err := chromedp.Run(b, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// screenshot saves the page as NAME.png into the folder
// IMRBOT_SCREENSHOTS names (relative to the repository), when it is set.
func (w *world) screenshot(b context.Context, name string) {
	w.t.Helper()
	dir := os.Getenv("IMRBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // tests run in desk/
	}
	png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// contains fails the test unless s holds every want.
func contains(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, x := range want {
		if !strings.Contains(s, x) {
			t.Errorf("%s lacks %q:\n%s", what, x, s)
		}
	}
}
