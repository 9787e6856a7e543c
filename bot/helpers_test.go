package bot_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// world is one end-to-end set-up: a fresh database, the study catalog and a
// fake Telegram. Bots are started on it by the tests, as many as they need.
type world struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	cat  *questionnaires.Catalog
	fake *telegramfake.Server
}

var (
	catalogOnce sync.Once
	catalog     *questionnaires.Catalog
	catalogErr  error
)

func newWorld(t *testing.T, fakeOpts ...telegramfake.Option) *world {
	t.Helper()
	st := pgtest.Store(t)
	catalogOnce.Do(func() { catalog, catalogErr = questionnaires.Load("") })
	if catalogErr != nil {
		t.Fatal(catalogErr)
	}
	// The waits below wake on change; this bound only turns a hang into a
	// failure.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	fake := telegramfake.New(append([]telegramfake.Option{telegramfake.WithoutLimits()}, fakeOpts...)...)
	t.Cleanup(fake.Close)
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	return &world{t: t, ctx: ctx, st: st, cat: catalog, fake: fake}
}

// newBot makes a bot talking to the fake. Limits are off unless given: the
// fake's are off too, so a battery does not take minutes.
func (w *world) newBot(limits ...bot.Limits) *bot.Bot {
	w.t.Helper()
	return w.newBotWith(func(o *bot.Options, _ *conversation.Options) {
		if len(limits) > 0 {
			o.Limits = limits[0]
		}
	})
}

// newBotWith is newBot with options of the test's, for the bot and for
// the conversation it applies updates with.
func (w *world) newBotWith(set func(*bot.Options, *conversation.Options)) *bot.Bot {
	w.t.Helper()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	copts := conversation.Options{Store: w.st, Catalog: w.cat, Logger: logger}
	opts := bot.Options{Token: w.fake.Token, APIURL: w.fake.URL, Store: w.st, PollTimeout: 5 * time.Second, Logger: logger}
	set(&opts, &copts)
	conv, err := conversation.New(copts)
	if err != nil {
		w.t.Fatal(err)
	}
	opts.Conversation = conv
	b, err := bot.New(opts)
	if err != nil {
		w.t.Fatal(err)
	}
	// Work a test started finishes before the next test empties the tables.
	w.t.Cleanup(func() { b.Drain(10 * time.Second) })
	return b
}

// poll runs b in polling mode until the returned stop is called (or the
// test ends).
func (w *world) poll(b *bot.Bot) (stop func()) {
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Poll(ctx); err != nil {
			w.t.Errorf("Poll: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	w.t.Cleanup(stop)
	return stop
}

// invite creates a participant and returns their code and invite code.
func (w *world) invite(np store.NewParticipant) (participant, code string) {
	w.t.Helper()
	if np.Site == "" {
		np.Site = "OSL"
	}
	if np.Role == "" {
		np.Role = "consumer"
	}
	np.InviteExpires = time.Now().Add(24 * time.Hour)
	inv, err := w.st.Invite(w.ctx, np, 1, func() (string, error) {
		var b [10]byte
		_, err := rand.Read(b[:])
		return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]), err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return inv[0].ParticipantCode, inv[0].InviteCode
}

// person is a simulated participant in the fake with what they have seen.
type person struct {
	w    *world
	u    *telegramfake.User
	seen int // id of the newest message acted on
}

func (w *world) person(lang string) *person {
	return &person{w: w, u: w.fake.NewUser("Test", lang)}
}

var questionHead = regexp.MustCompile(`^(?:[A-Z]+-[A-Z]-\d+ · )?(\d+)/(\d+) · `)

func isQuestion(m telegramfake.Message) bool { return questionHead.MatchString(m.Text) }

// progress is a question's "3/15".
func progress(m telegramfake.Message) string {
	g := questionHead.FindStringSubmatch(m.Text)
	if g == nil {
		return ""
	}
	return g[1] + "/" + g[2]
}

// next waits for a message newer than the last one acted on that matches,
// and marks it seen.
func (p *person) next(match func(telegramfake.Message) bool) telegramfake.Message {
	p.w.t.Helper()
	after := p.seen
	m, err := p.u.WaitFor(p.w.ctx, func(m telegramfake.Message) bool { return m.ID > after && match(m) })
	if err != nil {
		p.w.t.Fatalf("waiting for the bot: %v; last messages: %s", err, p.transcript(4))
	}
	p.seen = m.ID
	return m
}

// reply waits for any new message.
func (p *person) reply() telegramfake.Message {
	return p.next(func(telegramfake.Message) bool { return true })
}

func (p *person) question() telegramfake.Message { return p.next(isQuestion) }

func (p *person) containing(s string) telegramfake.Message {
	return p.next(func(m telegramfake.Message) bool { return strings.Contains(m.Text, s) })
}

// transcript is the bot's last n messages, for failure reports.
func (p *person) transcript(n int) string {
	ms := p.u.Messages()
	if len(ms) > n {
		ms = ms[len(ms)-n:]
	}
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("\n  > ")
		b.WriteString(strings.ReplaceAll(m.Text, "\n", " / "))
		if bs := m.ButtonTexts(); len(bs) > 0 {
			b.WriteString(" ")
			b.WriteString(strings.Join(bs, " | "))
		}
	}
	return b.String()
}

func (p *person) press(m telegramfake.Message, prefix string) int64 {
	p.w.t.Helper()
	id, err := p.u.Press(m.ID, prefix)
	if err != nil {
		p.w.t.Fatal(err)
	}
	return id
}

func (p *person) tap(m telegramfake.Message, data string) int64 {
	p.w.t.Helper()
	id, err := p.u.Tap(m.ID, data)
	if err != nil {
		p.w.t.Fatal(err)
	}
	return id
}

// enrol starts the chat with the invite code and agrees to take part,
// returning the first question.
func (p *person) enrol(code string) telegramfake.Message {
	p.w.t.Helper()
	p.u.Start(code)
	consent := p.next(func(m telegramfake.Message) bool { _, ok := m.Button("I agree"); return ok })
	p.press(consent, "I agree")
	return p.question()
}

// answer answers question q the first way it allows: its first option
// button, else a number in range, else a word. It returns the update id.
func (p *person) answer(q telegramfake.Message) int64 {
	for _, b := range q.ButtonTexts() {
		if b != "" && b[0] >= '0' && b[0] <= '9' {
			return p.press(q, b)
		}
	}
	if strings.Contains(q.Text, "whole number from") {
		return p.u.Send("50")
	}
	return p.u.Send("fine")
}

// walk answers questions from q until the closing message of a timepoint,
// returning how many it answered.
func (p *person) walk(q telegramfake.Message) int {
	n := 0
	for {
		p.answer(q)
		n++
		m := p.next(func(m telegramfake.Message) bool { return isQuestion(m) || closing(m) })
		if !isQuestion(m) {
			return n
		}
		q = m
	}
}

// closing is the message that ends a timepoint's questionnaires.
func closing(m telegramfake.Message) bool {
	return strings.Contains(m.Text, "is complete") || strings.Contains(m.Text, "are complete")
}

// count is a table's row count.
func count(t *testing.T, table string) int { return pgtest.Count(t, table) }

// itemsAnsweredTwice counts the items with more than one answer row: a
// duplicated or double-applied update would make one.
func (w *world) itemsAnsweredTwice() int {
	w.t.Helper()
	return pgtest.Int(w.t, `SELECT count(*) FROM (SELECT 1 FROM answers GROUP BY assessment_id, item HAVING count(*) > 1) d`)
}
