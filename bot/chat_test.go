package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

func TestConsumerCompletesBaselineBattery(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	first := p.enrol(code)
	if got := progress(first); got != "1/15" {
		t.Fatalf("first question progress %q, want 1/15", got)
	}
	if _, ok := first.Button("1"); !ok {
		t.Fatalf("first question has no button beginning with its code: %q", first.ButtonTexts())
	}
	answered := p.walk(first)

	if n := count(t, "answers"); n != answered {
		t.Errorf("%d answer rows for %d answers", n, answered)
	}
	battery := w.cat.Protocol.BatteryFor("consumer", "self", "baseline")
	completed := pgtest.Int(t, `SELECT count(*) FROM assessments WHERE timepoint = 'baseline' AND status = 'completed' AND questionnaire = ANY($1)`, pgtest.Array(battery))
	if completed != len(battery) {
		t.Errorf("%d of %d baseline assessments completed", completed, len(battery))
	}
	if dup := w.itemsAnsweredTwice(); dup != 0 {
		t.Errorf("%d items answered more than once", dup)
	}
	// Every answered question loses its keyboard and shows the answer. The
	// edit goes out beside the next message, not before it: the last
	// question's may still be on its way when the closing message is there.
	questions := 0
	for _, m := range p.u.Messages() {
		if !isQuestion(m) {
			continue
		}
		questions++
		if _, err := p.u.WaitFor(w.ctx, func(now telegramfake.Message) bool {
			return now.ID == m.ID && !now.HasKeyboard() && strings.Contains(now.Text, "✓")
		}); err != nil {
			t.Errorf("answered question not edited: %q %q (%v)", m.Text, m.ButtonTexts(), err)
		}
	}
	if questions != answered {
		t.Errorf("%d questions asked for %d answers", questions, answered)
	}
}

// firstItem is the id of the first question of a questionnaire.
func (w *world) firstItem(questionnaire string) string {
	return w.cat.Questionnaires[questionnaire].Items[0].ID
}

func TestBackChangesAnswer(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	q1 := p.enrol(code)
	p.press(q1, "1")
	if q2 := p.question(); progress(q2) != "2/15" {
		t.Fatalf("after answering 1/15 got %q", q2.Text)
	}
	p.u.Send("/back")
	again := p.question()
	if progress(again) != "1/15" || !strings.Contains(again.Text, "Your answer now: 1") {
		t.Fatalf("/back asked %q", again.Text)
	}
	p.press(again, "3")
	if q := p.question(); progress(q) != "2/15" {
		t.Fatalf("after changing 1/15 got %q", q.Text)
	}
	item := w.firstItem("imrs-consumer")
	if n := pgtest.Int(t, `SELECT count(*) FROM answers WHERE item = $1`, item); n != 2 {
		t.Errorf("%d answer rows for the changed item, want 2 (append-only)", n)
	}
	if v := pgtest.Value(t, `SELECT value FROM answers WHERE item = $1 ORDER BY id DESC LIMIT 1`, item); v != "3" {
		t.Errorf("current answer %v, want 3", v)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action NOT IN ('invite', 'link', 'consent')`); n != 1 {
		t.Errorf("%d audit rows for the changed answer, want 1", n)
	}
}

func TestNewBotResumesAtFirstUnansweredItem(t *testing.T) {
	w := newWorld(t)
	stop := w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	q := p.enrol(code)
	var q3 = q
	for range 3 {
		p.answer(q)
		q3, q = q, p.question()
	}
	if progress(q) != "4/15" {
		t.Fatalf("after three answers got %q", q.Text)
	}
	stop()

	w.poll(w.newBot()) // a new process on the same database
	p.u.Send("/resume")
	if r := p.question(); progress(r) != "4/15" {
		t.Fatalf("new bot resumed at %q, want 4/15", r.Text)
	}
	// A button of the question answered before the restart is stale.
	tap := p.tap(q3, q3.Buttons[1][0].CallbackData)
	if a, err := p.u.WaitAnswer(w.ctx, tap); err != nil || a.Text == "" {
		t.Fatalf("stale tap after restart: answer %+v, %v", a, err)
	}
	if n := count(t, "answers"); n != 3 {
		t.Errorf("%d answers, want 3", n)
	}
}

func TestDuplicateDoubleTapAndStaleButtonChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	q1 := p.enrol(code)
	first := p.press(q1, "2")
	q2 := p.question()

	// Telegram delivers the same update again.
	if err := w.fake.Duplicate(first); err != nil {
		t.Fatal(err)
	}
	p.u.Send("/help") // the chat's updates apply in order: once this is answered, so is the copy
	p.containing("/back")
	if n := count(t, "answers"); n != 1 {
		t.Fatalf("%d answers after a duplicated update, want 1", n)
	}

	// Two taps on one button: the second is stale.
	data := q2.Buttons[0][0].CallbackData
	tap1, tap2 := p.tap(q2, data), p.tap(q2, data)
	p.question()
	a2, err := p.u.WaitAnswer(w.ctx, tap2)
	if err != nil {
		t.Fatal(err)
	}
	if a1, _ := p.u.WaitAnswer(w.ctx, tap1); a1.Text != "" || a2.Text == "" {
		t.Errorf("double tap answers %q and %q; want the second to say it was already answered", a1.Text, a2.Text)
	}

	// A button of an earlier message never answers the current question.
	stale := p.tap(q1, q1.Buttons[4][0].CallbackData)
	if a, err := p.u.WaitAnswer(w.ctx, stale); err != nil || a.Text == "" {
		t.Fatalf("stale tap: %+v, %v", a, err)
	}
	if n := count(t, "answers"); n != 2 {
		t.Errorf("%d answers, want 2", n)
	}
	if v := pgtest.Value(t, `SELECT value FROM answers WHERE item = $1 ORDER BY id DESC LIMIT 1`, w.firstItem("imrs-consumer")); v != "2" {
		t.Errorf("first answer now %v, want 2", v)
	}
}

func TestInvalidInputGetsClearReplyAndStoresNothing(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	p.enrol(code)
	before := pgtest.CountAll(t)

	inputs := []struct {
		name string
		send func() int64
	}{
		{"letters", func() int64 { return p.u.Send("abc") }},
		{"out of range", func() int64 { return p.u.Send("9") }},
		{"zero", func() int64 { return p.u.Send("0") }},
		{"5,000 characters", func() int64 { return p.u.Send(strings.Repeat("x", 5000)) }},
		{"emoji", func() int64 { return p.u.Send("😀👍") }},
		{"HTML", func() int64 { return p.u.Send("<b>&amp; 1</b> & <") }},
		{"sticker", p.u.SendSticker},
		{"photo", p.u.SendPhoto},
	}
	for _, in := range inputs {
		seen := p.seen
		in.send()
		q := p.question()
		if progress(q) != "1/15" {
			t.Fatalf("%s: asked %q, want 1/15 again", in.name, q.Text)
		}
		if !explained(p, seen, q) {
			t.Errorf("%s: no explanation before the question is asked again", in.name)
		}
	}
	// An edited message never answers: edit the user's last message (the
	// photo's id is the bot's last message id before it, plus one).
	msgs := p.u.Messages()
	mine := msgs[len(msgs)-1].ID + 1
	p.u.Send("hello")
	p.question()
	if _, err := p.u.Edit(mine, "3"); err != nil {
		t.Fatal(err)
	}
	p.containing("does not change an answer")

	after := pgtest.CountAll(t)
	for _, table := range []string{"answers", "assessments", "consents", "audit_log", "telegram_links", "participants"} {
		if before[table] != after[table] {
			t.Errorf("%s: %d rows before, %d after invalid input", table, before[table], after[table])
		}
	}
}

// explained reports whether the bot said something besides repeating the
// question between message since and question q.
func explained(p *person, since int, q telegramfake.Message) bool {
	for _, m := range p.u.Messages() {
		if m.ID > since && m.ID < q.ID && !isQuestion(m) && m.Text != "" {
			return true
		}
	}
	return false
}

func TestMessagesArrivingOutOfOrderAnswerOnce(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	p.enrol(code)
	// Two typed answers in the same second, delivered newest first (and,
	// by go-telegram/bot's polling, the older one again).
	w.fake.Hold()
	p.u.Send("1")
	p.u.Send("2")
	w.fake.Release(true)
	p.containing("arrived after a newer one")
	p.u.Send("/help")
	p.containing("/back")
	if n := count(t, "answers"); n != 1 {
		t.Fatalf("%d answers from two messages overtaking each other, want 1", n)
	}
	if v := pgtest.Value(t, `SELECT value FROM answers`); v != "2" {
		t.Errorf("stored %v, want the newer message's 2", v)
	}
}

// TestEditOfAnAnsweredQuestionMayFollowTheNextOne: the answered question's
// edit goes out beside the next message, so the next question (or the
// closing message) can be there first; the edit is not lost, it follows.
// A test that checks the edits as soon as the last message is there races
// with the last edit (TestConsumerCompletesBaselineBattery once did).
func TestEditOfAnAnsweredQuestionMayFollowTheNextOne(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	delayed, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	b.Sender().Sleep = func(ctx context.Context, _ time.Duration) error {
		once.Do(func() { close(delayed) })
		select {
		case <-resume:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.poll(b)
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	q1 := p.enrol(code)
	// The consent's own edit (its buttons taken away) may still be on its
	// way, following q1: it must land before the 429 is queued, or it
	// takes it and holds up the chat's next update (a loaded machine once
	// showed this).
	if _, err := p.u.WaitFor(w.ctx, func(m telegramfake.Message) bool {
		return strings.Contains(m.Text, "Do you agree") && !m.HasKeyboard()
	}); err != nil {
		t.Fatalf("the consent was never edited: %v", err)
	}
	w.fake.FailNext("editMessageText", 429, "", 1) // Telegram asks the edit to wait
	p.answer(q1)
	<-delayed
	p.question()
	if m, _ := p.u.WaitFor(w.ctx, func(m telegramfake.Message) bool { return m.ID == q1.ID }); !m.HasKeyboard() {
		t.Fatalf("the answered question was edited before the next question came: %q", m.Text)
	}
	close(resume)
	if _, err := p.u.WaitFor(w.ctx, func(m telegramfake.Message) bool {
		return m.ID == q1.ID && !m.HasKeyboard() && strings.Contains(m.Text, "✓")
	}); err != nil {
		t.Errorf("the delayed edit never came: %v", err)
	}
}
