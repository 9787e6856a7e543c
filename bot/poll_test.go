package bot_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// TestPollingConfirmsAnUpdateOnlyOnceApplied: while an answer cannot be
// applied yet (its chat is locked), Telegram still holds it, so a process
// that died now would be given it again.
func TestPollingConfirmsAnUpdateOnlyOnceApplied(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	p := w.person("en")
	q := p.enrol(code)
	if err := w.fake.WaitIdle(w.ctx); err != nil {
		t.Fatal(err)
	}

	release := pgtest.Lock(t, `SELECT 1 FROM conversations FOR UPDATE`)
	p.answer(q)
	w.waitForLockWaiter()
	if n := w.fake.PendingUpdates(); n != 1 {
		t.Errorf("%d updates unconfirmed while the answer waits to be applied, want 1", n)
	}
	release()
	p.question()
	if err := w.fake.WaitIdle(w.ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, "answers"); n != 1 {
		t.Errorf("%d answer rows, want 1", n)
	}
}

// TestPollingAsksAgainForAnUpdateThatFailed makes every attempt to apply
// one person's answer fail. It is asked for again, round after round, while
// another person's answer goes through; at last it is let go and its sender
// told to send it again.
func TestPollingAsksAgainForAnUpdateThatFailed(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	b.Sender().Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	w.poll(b)
	_, code := w.invite(store.NewParticipant{})
	unlucky := w.person("en")
	q := unlucky.enrol(code)
	_, code2 := w.invite(store.NewParticipant{})
	other := w.person("en")
	q2 := other.enrol(code2)

	w.fake.Hold()
	poisoned := unlucky.answer(q)
	other.answer(q2)
	// Every attempt to record the unlucky update fails, and is counted
	// (a sequence is not rolled back).
	pgtest.Exec(t, `CREATE SEQUENCE poison_attempts`)
	pgtest.Exec(t, `CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.update_id = `+strconv.FormatInt(poisoned, 10)+` THEN
				PERFORM nextval('poison_attempts');
				RAISE EXCEPTION 'poisoned';
			END IF;
			RETURN NEW;
		END $$`)
	pgtest.Exec(t, `CREATE TRIGGER poison BEFORE INSERT ON processed_updates FOR EACH ROW EXECUTE FUNCTION poison()`)
	t.Cleanup(func() { pgtest.Exec(t, `DROP FUNCTION poison() CASCADE; DROP SEQUENCE poison_attempts`) })
	w.fake.Release(false)

	unlucky.containing("was not saved")
	other.question()
	if n := count(t, "answers"); n != 1 {
		t.Errorf("%d answer rows, want the other person's only", n)
	}
	// One round tries it five times, in a shared transaction and alone.
	if n := pgtest.Int(t, `SELECT last_value FROM poison_attempts`); n <= 10 {
		t.Errorf("the failing update was tried %d times, want it asked for again for more rounds than one", n)
	}
	if err := w.fake.WaitIdle(w.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPollingLetsGoAnUpdateItCannotDecode: a forward from an origin type
// go-telegram/bot does not know fails the decoding of that update alone.
// The update beside it in the same batch is answered, and both are
// confirmed.
func TestPollingLetsGoAnUpdateItCannotDecode(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	forwarder, stranger := w.person("en"), w.person("en")

	w.fake.Hold() // one batch
	if _, err := forwarder.u.Forward("story_from_the_future", "look at this"); err != nil {
		t.Fatal(err)
	}
	stranger.u.Start("")
	w.fake.Release(false)

	stranger.containing("invitation")
	if err := w.fake.WaitIdle(w.ctx); err != nil {
		t.Fatalf("the undecodable update was never confirmed: %v", err)
	}
}
