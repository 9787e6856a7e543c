package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

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
		if err != nil || p.Status != store.StatusUnreachable {
			t.Errorf("%s: status %v (%v), want unreachable", code, p.Status, err)
		}
	}
	if n := w.int(`SELECT count(*) FROM audit_log WHERE action = 'unreachable'`); n != 2 {
		t.Errorf("%d unreachable audit rows, want 2", n)
	}

	// Unblocking makes them reachable again.
	p2.u.Unblock()
	p2.u.Send("/help")
	p2.containing("/back")
	if p, _ := w.st.ParticipantByCode(w.ctx, code2); p.Status != store.StatusActive {
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
