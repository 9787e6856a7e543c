package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func TestTooManyRequestsWaitsRetryAfterAndDelivers(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	var mu sync.Mutex
	var waited []time.Duration
	b.Sender().Sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waited = append(waited, d)
		return nil
	}
	w.poll(b)
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	w.fake.FailNext("sendMessage", 429, "", 3)
	w.fake.FailNext("sendMessage", 429, "", 1)
	p.enrol(code) // the welcome and consent messages arrive all the same

	mu.Lock()
	defer mu.Unlock()
	if len(waited) != 2 || waited[0] != 3*time.Second || waited[1] != time.Second {
		t.Errorf("sender waited %v, want [3s 1s] (the retry_after values)", waited)
	}
	if got := strings.Count(p.transcript(100), "Welcome"); got != 1 {
		t.Errorf("welcome delivered %d times, want once", got)
	}
}

func TestForbiddenMarksParticipantUnreachable(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	told := make(chan *store.Unreachable, 4)
	b.Sender().OnUnreachable = func(_ context.Context, u *store.Unreachable) { told <- u }
	w.poll(b)

	// Telegram refuses a message: the participant blocked the bot.
	code1, invite1 := w.invite(store.NewParticipant{})
	p1 := w.person("en")
	p1.enrol(invite1)
	w.fake.FailNext("sendMessage", 403, "Forbidden: bot was blocked by the user", 0)
	p1.u.Send("/help")
	expectTold(t, w, told, code1)

	// The app reports the block itself (my_chat_member "kicked").
	code2, invite2 := w.invite(store.NewParticipant{})
	p2 := w.person("en")
	p2.enrol(invite2)
	p2.u.Block()
	expectTold(t, w, told, code2)

	for _, code := range []string{code1, code2} {
		p, err := w.st.ParticipantByCode(w.ctx, code)
		if err != nil || p.Status != questionnaires.StatusUnreachable {
			t.Errorf("%s: status %v (%v), want unreachable", code, p.Status, err)
		}
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'unreachable'`); n != 2 {
		t.Errorf("%d unreachable audit rows, want 2", n)
	}

	// Unblocking makes them reachable again.
	p2.u.Unblock()
	p2.u.Send("/help")
	p2.containing("/back")
	if p, _ := w.st.ParticipantByCode(w.ctx, code2); p.Status != questionnaires.StatusActive {
		t.Errorf("after unblocking: status %s, want active", p.Status)
	}
}

func expectTold(t *testing.T, w *world, told chan *store.Unreachable, code string) {
	t.Helper()
	select {
	case u := <-told:
		if u.Code != code {
			t.Errorf("coordinators told of %s, want %s", u.Code, code)
		}
	case <-w.ctx.Done():
		t.Fatalf("coordinators never told that %s is unreachable", code)
	}
}

// failMarkingUnreachable makes the database refuse to record that a
// participant became unreachable until the returned repair is called (or
// the test ends).
func (w *world) failMarkingUnreachable() (repair func()) {
	w.t.Helper()
	pgtest.Exec(w.t, `CREATE FUNCTION refuse_unreachable() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'the database is down'; END $$`)
	pgtest.Exec(w.t, `CREATE TRIGGER refuse_unreachable BEFORE INSERT ON audit_log FOR EACH ROW
		WHEN (NEW.action = 'unreachable') EXECUTE FUNCTION refuse_unreachable()`)
	var once sync.Once
	repair = func() { once.Do(func() { pgtest.Exec(w.t, `DROP FUNCTION refuse_unreachable() CASCADE`) }) }
	w.t.Cleanup(repair)
	return repair
}

// TestPolledBlockIsConfirmedOnlyOnceRecorded: while the database cannot
// record that a participant blocked the bot, the my_chat_member update is
// not confirmed but applied again; once it can, it is recorded and the
// coordinators are told.
func TestPolledBlockIsConfirmedOnlyOnceRecorded(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	told := make(chan *store.Unreachable, 4)
	b.Sender().OnUnreachable = func(_ context.Context, u *store.Unreachable) { told <- u }
	// The bot waits before applying a failed update again: here, until
	// the test has seen that it does.
	retrying := make(chan struct{})
	b.Sender().Sleep = func(ctx context.Context, _ time.Duration) error {
		select {
		case retrying <- struct{}{}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.poll(b)
	code, invite := w.invite(store.NewParticipant{})
	p := w.person("en")
	p.enrol(invite)

	repair := w.failMarkingUnreachable()
	p.u.Block()
	idle := make(chan error, 1)
	go func() { idle <- w.fake.WaitIdle(w.ctx) }()
	select {
	case <-retrying:
	case err := <-idle:
		t.Fatalf("the block was confirmed although it was not recorded (%v)", err)
	}
	if n := w.fake.PendingUpdates(); n != 1 {
		t.Errorf("%d updates unconfirmed while the block cannot be recorded, want 1", n)
	}
	repair()
	go func() {
		for {
			select {
			case <-retrying:
			case <-w.ctx.Done():
				return
			}
		}
	}()
	expectTold(t, w, told, code)
	if err := <-idle; err != nil {
		t.Fatal(err)
	}
	if got, err := w.st.ParticipantByCode(w.ctx, code); err != nil || got.Status != questionnaires.StatusUnreachable {
		t.Errorf("status %v (%v), want unreachable", got.Status, err)
	}
}

// TestWebhookBlockNotRecordedIsDeliveredAgain: a webhook delivery of a
// block the database cannot record is refused, so Telegram delivers it
// again; the next delivery records it.
func TestWebhookBlockNotRecordedIsDeliveredAgain(t *testing.T) {
	w := newWorld(t)
	stop := w.poll(w.newBot())
	code, invite := w.invite(store.NewParticipant{})
	p := w.person("en")
	p.enrol(invite)
	stop()

	b := w.newBot()
	srv := httptest.NewServer(b.WebhookHandler("s3cret"))
	t.Cleanup(srv.Close)
	block := fmt.Sprintf(`{"update_id": 77, "my_chat_member": {
		"chat": {"id": %[1]d, "type": "private", "first_name": "Test"},
		"from": {"id": %[1]d, "is_bot": false, "first_name": "Test"}, "date": 1700000000,
		"old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": true, "first_name": "Bot"}},
		"new_chat_member": {"status": "kicked", "user": {"id": 1, "is_bot": true, "first_name": "Bot"}, "until_date": 0}}}`, p.u.ID)
	deliver := func() int {
		req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, srv.URL, strings.NewReader(block))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	repair := w.failMarkingUnreachable()
	if got := deliver(); got/100 == 2 {
		t.Errorf("block not recorded: status %d, want a refusal so that Telegram delivers again", got)
	}
	repair()
	if got := deliver(); got != http.StatusOK {
		t.Errorf("block delivered again: status %d, want 200", got)
	}
	if got, err := w.st.ParticipantByCode(w.ctx, code); err != nil || got.Status != questionnaires.StatusUnreachable {
		t.Errorf("status %v (%v), want unreachable", got.Status, err)
	}
}
