package bot_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

// TestManyChatsAnsweringAtOnceShareTransactions has people answer at the
// same moment: their answers are applied several to a transaction, and
// each is stored once, with everyone's next question asked.
func TestManyChatsAnsweringAtOnceShareTransactions(t *testing.T) {
	w := newWorld(t)
	reg := prometheus.NewRegistry()
	w.poll(w.newBotWith(func(_ *bot.Options, c *conversation.Options) { c.Metrics = conversation.NewMetrics(reg) }))

	const people, rounds = 12, 4
	ps := make([]*person, people)
	qs := make([]telegramfake.Message, people)
	for i := range ps {
		_, code := w.invite(store.NewParticipant{})
		ps[i] = w.person("en")
		qs[i] = ps[i].enrol(code)
	}
	for range rounds {
		// Everyone taps before anyone waits for the reply.
		for i, p := range ps {
			p.answer(qs[i])
		}
		for i, p := range ps {
			qs[i] = p.question()
		}
	}
	if n := count(t, "answers"); n != people*rounds {
		t.Errorf("%d answer rows, want %d", n, people*rounds)
	}
	if dup := w.itemsAnsweredTwice(); dup != 0 {
		t.Errorf("%d items answered more than once", dup)
	}
	if n := pgtest.Int(t, `SELECT count(DISTINCT update_id) FROM answers`); n != people*rounds {
		t.Errorf("answers carry %d update ids, want one each (%d)", n, people*rounds)
	}
	shared, updates := groupFigures(t, reg)
	if updates < people*rounds || shared >= updates {
		t.Errorf("%d answers in %d shared transactions; want them all there, several to a transaction", updates, shared)
	}
}

// groupFigures reads the bot's shared transactions and the updates they
// carried.
func groupFigures(t *testing.T, reg *prometheus.Registry) (transactions, updates int) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "imrbot_group_updates" {
			h := mf.GetMetric()[0].GetHistogram()
			return int(h.GetSampleCount()), int(h.GetSampleSum())
		}
	}
	t.Fatal("no imrbot_group_updates metric")
	return 0, 0
}

// TestAnswerToABusyChatWaitsAloneAndOthersGoOn holds one chat's lock, as
// another serve process applying its update would (in webhook mode, where
// several processes share the updates). With one shared transaction at a
// time, a transaction that waited for that lock would hold up every other
// chat: it must give up at once, leave the busy chat's answer to wait on
// its own, and go on with the others.
func TestAnswerToABusyChatWaitsAloneAndOthersGoOn(t *testing.T) {
	w := newWorld(t)
	b := w.newBotWith(func(_ *bot.Options, c *conversation.Options) { c.GroupTransactions = 1 })
	srv := httptest.NewServer(b.WebhookHandler("busy-secret"))
	t.Cleanup(srv.Close)
	if err := b.SetWebhook(w.ctx, srv.URL, "busy-secret"); err != nil {
		t.Fatal(err)
	}
	var busy, free *person
	var busyQ, freeQ telegramfake.Message
	for _, pp := range []struct {
		p **person
		q *telegramfake.Message
	}{{&busy, &busyQ}, {&free, &freeQ}} {
		_, code := w.invite(store.NewParticipant{})
		*pp.p = w.person("en")
		*pp.q = (*pp.p).enrol(code)
	}

	release := pgtest.Lock(t, `
		SELECT 1 FROM conversations c JOIN telegram_links l USING (participant_id)
		WHERE l.chat_id = $1 FOR UPDATE OF c`, busy.u.ChatID())
	busy.answer(busyQ)
	w.waitForLockWaiter()
	free.answer(freeQ)
	free.question()
	if n := pgtest.Int(t, `SELECT count(*) FROM answers`); n != 1 {
		t.Fatalf("%d answers stored while one chat is locked, want the free chat's only", n)
	}
	release()
	busy.question()
	if n := count(t, "answers"); n != 2 {
		t.Errorf("%d answer rows, want 2", n)
	}
	if dup := w.itemsAnsweredTwice(); dup != 0 {
		t.Errorf("%d items answered more than once", dup)
	}
}

// waitForLockWaiter returns once a session of the test database waits for
// a row lock.
func (w *world) waitForLockWaiter() {
	w.t.Helper()
	for range 2000 {
		if pgtest.Int(w.t, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.t.Fatal("no update waited for the locked chat")
}
