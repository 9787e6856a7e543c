package reminders_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/clock"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return l
}()

// osloTime is a wall-clock time in Oslo, "2006-01-02 15:04".
func osloTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, oslo)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// world is one study on a fresh database and a fake Telegram, with the
// real go-telegram/bot client and the bot's rate-limited Sender.
type world struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	catalog *questionnaires.Catalog
	clock   *clock.Manual
	fake    *telegramfake.Server
	users   map[string]*telegramfake.User // by participant code
	ids     map[string]int64              // participant ids by code
	limits  bot.Limits
	site    string          // where invite enrols
	sleeps  []time.Duration // what the Sender was asked to wait after 429s
	mu      sync.Mutex
}

func newWorld(t *testing.T, limits bot.Limits, opts ...telegramfake.Option) *world {
	t.Helper()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{
		t: t, ctx: context.Background(), st: pgtest.Store(t), catalog: cat,
		clock: clock.At(osloTime("2025-03-14 10:00")),
		users: map[string]*telegramfake.User{}, ids: map[string]int64{}, limits: limits, site: "OSL",
	}
	w.fake = telegramfake.New(opts...)
	t.Cleanup(w.fake.Close)
	for _, site := range []string{"OSL", "BRG"} {
		if err := w.st.AddSite(w.ctx, site, site); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// sender is a fresh Sender with its own client, as a separate serve
// process would have.
func (w *world) sender() *bot.Sender {
	w.t.Helper()
	tg, err := tgbot.New(w.fake.Token, tgbot.WithServerURL(w.fake.URL), tgbot.WithSkipGetMe())
	if err != nil {
		w.t.Fatal(err)
	}
	s := bot.NewSender(tg, w.st, w.limits, bot.NewMetrics(prometheus.NewRegistry()), quiet())
	s.Sleep = func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.sleeps = append(w.sleeps, d)
		w.mu.Unlock()
		return nil
	}
	return s
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// dispatcher is one serve process's dispatcher.
func (w *world) dispatcher(owner string) *reminders.Dispatcher {
	hours, err := reminders.ParseSendHours(reminders.DefaultSendHours)
	if err != nil {
		w.t.Fatal(err)
	}
	s := w.sender()
	d := &reminders.Dispatcher{
		Store: w.st, Messenger: s, Catalog: w.catalog, Now: w.clock.Now, Logger: quiet(),
		Hours: hours, Owner: owner,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	s.OnUnreachable = d.NotifyUnreachable
	return d
}

// invite creates a participant; baseline "" leaves the date to consent.
func (w *world) invite(role, baseline, clinician string) (code, invite string) {
	w.t.Helper()
	np := store.NewParticipant{Site: w.site, Role: role, Lang: "en", ClinicianCode: clinician,
		InviteExpires: w.clock.Now().AddDate(1, 0, 0)}
	if baseline != "" {
		d := day(baseline)
		np.BaselineDate = &d
	}
	inv, err := w.st.Invite(w.ctx, np, 1, func() (string, error) {
		return "inv" + strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", ""), nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return inv[0].ParticipantCode, inv[0].InviteCode
}

// join links the invited participant's chat and, for consumers and
// clinicians, records their consent, at the clock's time. It writes the
// rows as the chat does, by hand, so that these tests depend on the schema
// only, not on the chat's store API.
func (w *world) join(code, invite string) {
	w.t.Helper()
	u := w.fake.NewUser(code, "en")
	u.Start(invite) // the user wrote first, so the bot may write back
	p, err := w.st.ParticipantByCode(w.ctx, code)
	if err != nil {
		w.t.Fatal(err)
	}
	linkAndConsent(w.t, p.ID, u.ChatID(), p.Role != "coordinator", w.clock.Now())
	w.ids[code] = p.ID
	w.users[code] = u
}

// linkAndConsent links a chat and records consent as the chat would.
func linkAndConsent(t *testing.T, id, chatID int64, consent bool, now time.Time) {
	t.Helper()
	pgtest.Exec(t, `UPDATE invites SET redeemed_at = $2 WHERE participant_id = $1`, id, now)
	pgtest.Exec(t, `INSERT INTO telegram_links (participant_id, user_id, chat_id, linked_at) VALUES ($1, $2, $2, $3)`, id, chatID, now)
	pgtest.Exec(t, `UPDATE participants SET status = 'active' WHERE id = $1 AND status = 'invited'`, id)
	if !consent {
		return
	}
	pgtest.Exec(t, `INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, '1', true, $2)`, id, now)
	pgtest.Exec(t, `
		UPDATE participants p SET baseline_date = ($2::timestamptz AT TIME ZONE s.timezone)::date
		FROM sites s WHERE p.id = $1 AND s.code = p.site AND p.baseline_date IS NULL`, id, now)
}

// enrol invites and joins at once.
func (w *world) enrol(role, baseline, clinician string) string {
	code, inv := w.invite(role, baseline, clinician)
	w.join(code, inv)
	return code
}

// complete answers respondent's whole battery about subject at timepoint.
func (w *world) complete(respondent, subject, timepoint string) {
	w.t.Helper()
	p, err := w.st.ParticipantByCode(w.ctx, respondent)
	if err != nil {
		w.t.Fatal(err)
	}
	kind := questionnaires.SubjectSelf
	switch {
	case p.Role == "coordinator":
		kind = questionnaires.SubjectSite
	case respondent != subject:
		kind = questionnaires.SubjectConsumer
	}
	ids := w.catalog.Protocol.BatteryFor(questionnaires.Role(p.Role), kind, timepoint)
	if len(ids) == 0 {
		w.t.Fatalf("no battery for %s about %s at %s", respondent, subject, timepoint)
	}
	now := w.clock.Now()
	for _, q := range ids {
		pgtest.Exec(w.t, `
			INSERT INTO assessments (subject_id, respondent_id, questionnaire, version, timepoint,
				status, opened_at, started_at, completed_at)
			VALUES ($1, $2, $3, $4, $5, 'completed', $6, $6, $6)`,
			w.ids[subject], w.ids[respondent], q, w.catalog.Questionnaires[q].Version, timepoint, now)
	}
}

// tick runs one tick of each dispatcher at the clock's time, all at once.
func (w *world) tick(ds ...*reminders.Dispatcher) {
	w.t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(ds))
	for i, d := range ds {
		wg.Go(func() { _, errs[i] = d.Tick(w.ctx, w.clock.Now()) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			w.t.Fatal(err)
		}
	}
}

// inbox is what a participant received, with the (injected) time at which
// the tick that sent each message ran.
type inbox struct {
	seen map[string]int
	got  map[string][]received
}

type received struct {
	at   time.Time
	text string
	data []string
}

func newInbox() *inbox { return &inbox{seen: map[string]int{}, got: map[string][]received{}} }

// collect stamps the messages that arrived since the last call with now.
func (in *inbox) collect(w *world, now time.Time) {
	for code, u := range w.users {
		msgs := u.Messages()
		for _, m := range msgs[in.seen[code]:] {
			var data []string
			for _, row := range m.Buttons {
				for _, b := range row {
					data = append(data, b.CallbackData)
				}
			}
			in.got[code] = append(in.got[code], received{at: now, text: m.Text, data: data})
		}
		in.seen[code] = len(msgs)
	}
}

// times lists when code received messages, as Oslo wall-clock times.
func (in *inbox) times(code string) []string {
	var out []string
	for _, r := range in.got[code] {
		out = append(out, r.at.In(oslo).Format("2006-01-02 15:04"))
	}
	return out
}

// withdraw withdraws a participant. Their reminder rows are left as they
// are: the dispatcher's check at send time must stop them.
func (w *world) withdraw(code string) {
	w.t.Helper()
	pgtest.Exec(w.t, `UPDATE participants SET status = 'withdrawn' WHERE id = $1`, w.ids[code])
}
