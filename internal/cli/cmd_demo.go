package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// DemoCmd is `imrbot demo`: the whole journey on one machine without a
// Telegram account. It starts the fake Telegram in-process, creates a demo
// site and a consumer invitation, runs the real bot against the fake (the
// same code as serve, polling), and turns the terminal into the consumer's
// chat. Beside it, the desk is served on a local port with a login link
// for a demo coordinator, so the chat can be watched from the desk.
type DemoCmd struct {
	Lang string `enum:"en,nb," default:"" help:"The demo participant's language (en or nb); default: English."`
	// In is the person's side of the chat; nil reads standard input.
	In io.Reader `kong:"-"`
}

// demoSite is the site the demo enrols its participant at.
const demoSite = "DEMO"

// demoReminderCommand asks the demo to send the participant a reminder now,
// so that a newcomer sees one without waiting days for the schedule.
const demoReminderCommand = "/demo-reminder"

// quiet is how long the demo waits for more messages after the bot's
// first reply, so that a scripted run sees a whole answer before typing.
const quiet = 400 * time.Millisecond

// Run runs the demo until the input ends (or /quit, or SIGINT).
func (c *DemoCmd) Run(app *App) error {
	ctx, cancel := context.WithCancel(app.Context)
	defer cancel()
	st, err := app.Store(ctx)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	fake, err := telegramfake.Listen("127.0.0.1:0", telegramfake.WithUsername("imrbot_demo_bot"), telegramfake.WithoutLimits())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer fake.Close()

	if err := st.AddSite(ctx, demoSite, "Demo site"); err != nil && !errors.Is(err, store.ErrSiteExists) {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = "en"
	}
	invitations, err := st.Invite(ctx, store.NewParticipant{
		Site: demoSite, Role: "consumer", Lang: c.Lang, InviteExpires: app.Now().Add(24 * time.Hour),
	}, 1, NewInviteCode)
	if err != nil {
		return err
	}
	inv := invitations[0]

	// The chat is the terminal, so the bot logs only what goes wrong.
	logger := slog.New(slog.NewTextHandler(app.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	conv, err := conversation.New(conversation.Options{Store: st, Catalog: catalog, Logger: logger, Now: app.Now})
	if err != nil {
		return err
	}
	b, err := bot.New(bot.Options{
		Token: fake.Token, APIURL: fake.URL, Store: st, Conversation: conv,
		Logger: logger, PollTimeout: 10 * time.Second,
	})
	if err != nil {
		return err
	}
	// The dispatcher is ticked by hand (/demo-reminder), never on a timer,
	// so the chat shows only what the person asked for.
	dispatcher := &reminders.Dispatcher{
		Store: st, Catalog: catalog, Messenger: b.Sender(), Now: app.Now, Logger: logger,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	remind := func() {
		m := &reminders.Manual{Store: st, Catalog: catalog}
		if _, err := m.Participant(ctx, inv.ParticipantCode, nil, app.Now(), "demo"); err != nil {
			fmt.Fprintf(app.Stdout, "(no reminder: %v)\n\n", err)
			return
		}
		if _, err := dispatcher.Tick(ctx, app.Now()); err != nil {
			fmt.Fprintf(app.Stdout, "(the reminder was not sent: %v)\n\n", err)
		}
	}
	// The desk's Remind buttons send at once, as serve's do.
	wake, ticked := tickOnWake(ctx, dispatcher, app.Now)
	defer func() { cancel(); ticked() }()
	deskLink, stopDesk, err := demoDesk(ctx, app, st, catalog, fake.BotUser().Username, logger, wake)
	if err != nil {
		return err
	}
	defer stopDesk()
	polled := make(chan error, 1)
	go func() { polled <- b.Poll(ctx) }()
	defer func() { cancel(); <-polled }()

	out := app.Stdout
	link := DeepLink(fake.BotUser().Username, inv.InviteCode)
	fmt.Fprintf(out, "imrbot demo: a chat with the bot, through a Telegram look-alike on this machine.\n")
	fmt.Fprintf(out, "You are participant %s (a consumer at site %s). Your invitation link:\n  %s\n", inv.ParticipantCode, demoSite, link)
	fmt.Fprintf(out, "Type a number to press a button (for an answer, type its code), or text/commands like /back. %s sends a reminder now; /quit ends.\n", demoReminderCommand)
	fmt.Fprintf(out, "The coordinators' desk, while the demo runs: open this login link in a browser (it logs in once, within 10 minutes):\n  %s\n", deskLink)
	// The consent comes from the study text: say whose it is, so nobody
	// takes the example's contact for a real one.
	if catalog.Study.Placeholder() {
		fmt.Fprintf(out, "The consent below, with its contact, ethics approval and data controller, is the built-in EXAMPLE study text (%s): a study replaces it from IMRBOT_QUESTIONNAIRES.\n", catalog.Study.Source)
	} else {
		fmt.Fprintf(out, "The consent below is the study text from %s (consent version %s).\n", catalog.Study.Source, catalog.Study.Consent.Version)
	}
	fmt.Fprintln(out)

	chat := &demoChat{ctx: ctx, out: out, user: fake.NewUser("Demo", lang)}
	fmt.Fprintf(out, "you> /start %s\n", inv.InviteCode)
	chat.user.Start(inv.InviteCode)
	chat.show()

	in := c.In
	if in == nil {
		in = os.Stdin
	}
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" {
			continue
		}
		if line == "/quit" || line == "/exit" {
			break
		}
		if line == demoReminderCommand {
			fmt.Fprintf(out, "you> %s\n", line)
			remind()
		} else {
			chat.say(line)
		}
		chat.show()
	}
	fmt.Fprintln(out, "\nDemo over. Your answers are in the database (try `imrbot export --format long`).")
	return nil
}

// demoChat is the terminal side of the demo participant's chat.
type demoChat struct {
	ctx     context.Context
	out     io.Writer
	user    *telegramfake.User
	printed int // messages shown so far
}

// show waits for the bot's reply and prints every new message with its
// buttons, until the bot has been quiet for a moment.
func (d *demoChat) show() {
	wait := 10 * time.Second // the first message of a reply
	for {
		ctx, cancel := context.WithTimeout(d.ctx, wait)
		msgs, err := d.user.WaitCount(ctx, d.printed+1)
		cancel()
		if err != nil {
			return
		}
		for _, m := range msgs[d.printed:] {
			d.print(m)
		}
		d.printed = len(msgs)
		wait = quiet
	}
}

func (d *demoChat) print(m telegramfake.Message) {
	fmt.Fprintf(d.out, "bot> %s\n", strings.ReplaceAll(m.Text, "\n", "\n     "))
	n := 1
	for _, row := range m.Buttons {
		parts := make([]string, 0, len(row))
		for _, btn := range row {
			if btn.URL != "" {
				parts = append(parts, fmt.Sprintf("[%s] %s", btn.URL, btn.Text)) // opened, not pressed
				continue
			}
			parts = append(parts, fmt.Sprintf("[%d] %s", n, btn.Text))
			n++
		}
		fmt.Fprintf(d.out, "     %s\n", strings.Join(parts, "  "))
	}
	fmt.Fprintln(d.out)
}

// say sends what the person typed: a number N presses button N of the
// latest keyboard, unless that keyboard's buttons are answer options
// ("2 - Sometimes"), whose codes are sent as text just as a person would
// type them in Telegram (the bot accepts a typed code; HoNOS codes 0-4
// and 9 differ from the buttons' positions). Anything else is sent as a
// message.
func (d *demoChat) say(line string) {
	fmt.Fprintf(d.out, "you> %s\n", line)
	msgs := d.user.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !m.HasKeyboard() {
			continue
		}
		if data, ok := buttonNumbered(m, line); ok {
			if _, err := d.user.Tap(m.ID, data); err == nil {
				return
			}
		}
		break
	}
	d.user.Send(line)
}

// buttonNumbered finds the button that line's number N names: the Nth of
// m's buttons, counted across rows as print numbers them. It names none
// when m's buttons are answer options, whose codes are typed as text.
func buttonNumbered(m telegramfake.Message, line string) (string, bool) {
	n, err := strconv.Atoi(line)
	if err != nil || n < 1 {
		return "", false
	}
	var all []telegramfake.Button
	for _, row := range m.Buttons {
		for _, b := range row {
			if startsWithDigit(b.Text) {
				return "", false
			}
			if b.URL == "" { // a link is opened, not numbered
				all = append(all, b)
			}
		}
	}
	if n > len(all) {
		return "", false
	}
	return all[n-1].CallbackData, true
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// demoDesk serves the desk on a free local port and makes a demo
// coordinator at the demo site, returning a login link for them and a
// function that stops the desk. wake is the desk's Wake.
func demoDesk(ctx context.Context, app *App, st *store.Store, catalog *questionnaires.Catalog, botUsername string, logger *slog.Logger, wake func()) (link string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("demo: the desk: %w", err)
	}
	base := &url.URL{Scheme: "http", Host: ln.Addr().String(), Path: "/desk/"}
	srv, err := desk.New(desk.Options{Store: st, Catalog: catalog, URL: base, Now: app.Now, Logger: logger,
		BotUsername: botUsername, Wake: wake})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	invitations, err := st.Invite(ctx, store.NewParticipant{
		Site: demoSite, Role: "coordinator", InviteExpires: app.Now().Add(24 * time.Hour),
	}, 1, NewInviteCode)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	co, err := st.DeskCoordinatorByCode(ctx, invitations[0].ParticipantCode)
	if err == nil {
		link, err = desk.NewLoginLink(ctx, st, base, co.ID, app.Now(), "demo")
	}
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/desk/", srv)
	hs := newHTTPServer(mux, listenerTimeouts)
	go func() { _ = hs.Serve(ln) }()
	return link, func() { _ = hs.Close() }, nil
}

// tickOnWake ticks d each time wake is called (calls while a tick runs
// make one more), one tick at a time, until ctx ends; done waits for the
// last tick to end.
func tickOnWake(ctx context.Context, d *reminders.Dispatcher, now func() time.Time) (wake func(), done func()) {
	woken := make(chan struct{}, 1)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-ctx.Done():
				return
			case <-woken:
				_, _ = d.Tick(ctx, now()) // a failure shows as no reminder in the chat
			}
		}
	}()
	wake = func() {
		select {
		case woken <- struct{}{}:
		default:
		}
	}
	return wake, func() { <-stopped }
}
