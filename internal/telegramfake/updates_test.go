package telegramfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func offset(id int64) url.Values { return url.Values{"offset": {strconv.FormatInt(id, 10)}} }

func TestGetUpdatesOffsetSemantics(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := s.NewUser("Ada", "en")
	a, b, c := u.Send("one"), u.Send("two"), u.Send("three")

	ups, _ := getUpdates(t, ctx, s, nil)
	if got := updateIDs(ups); !slices.Equal(got, []int64{a, b, c}) {
		t.Fatalf("first getUpdates = %v, want %v", got, []int64{a, b, c})
	}
	// Nothing is confirmed until an offset above it: the same again.
	ups, _ = getUpdates(t, ctx, s, nil)
	if got := updateIDs(ups); !slices.Equal(got, []int64{a, b, c}) {
		t.Errorf("unconfirmed getUpdates = %v, want them all again", got)
	}
	ups, _ = getUpdates(t, ctx, s, url.Values{"offset": {strconv.FormatInt(b, 10)}, "limit": {"1"}})
	if got := updateIDs(ups); !slices.Equal(got, []int64{b}) {
		t.Errorf("offset %d limit 1 = %v, want [%d]", b, got, b)
	}
	if n := s.PendingUpdates(); n != 2 {
		t.Errorf("pending after confirming %d = %d, want 2", a, n)
	}
	ups, _ = getUpdates(t, ctx, s, offset(c+1))
	if len(ups) != 0 || s.PendingUpdates() != 0 {
		t.Errorf("after confirming all: %v, pending %d; want nothing", updateIDs(ups), s.PendingUpdates())
	}
	// Confirmed updates never come back.
	d := u.Send("four")
	ups, _ = getUpdates(t, ctx, s, nil)
	if got := updateIDs(ups); !slices.Equal(got, []int64{d}) {
		t.Errorf("after a new message = %v, want [%d]", got, d)
	}
	// A negative offset keeps only the last updates.
	e := u.Send("five")
	ups, _ = getUpdates(t, ctx, s, offset(-1))
	if got := updateIDs(ups); !slices.Equal(got, []int64{e}) {
		t.Errorf("offset -1 = %v, want [%d]", got, e)
	}
}

func TestDuplicateAndReorder(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := s.NewUser("Ada", "en")
	a := u.Send("one")
	ups, _ := getUpdates(t, ctx, s, nil)
	getUpdates(t, ctx, s, offset(a+1)) // confirm
	if len(ups) != 1 {
		t.Fatalf("got %v", updateIDs(ups))
	}
	if err := s.Duplicate(a); err != nil {
		t.Fatalf("Duplicate: %v", err)
	}
	// The copy arrives although its id is below the offset...
	ups, _ = getUpdates(t, ctx, s, offset(a+1))
	if got := updateIDs(ups); !slices.Equal(got, []int64{a}) || ups[0].Message.Text != "one" {
		t.Errorf("after Duplicate = %v, want [%d] again", got, a)
	}
	// ...once.
	if ups, _ = getUpdates(t, ctx, s, offset(a+1)); len(ups) != 0 {
		t.Errorf("duplicate delivered again: %v", updateIDs(ups))
	}
	if err := s.Duplicate(12345); err == nil {
		t.Error("Duplicate of an unknown update: no error")
	}

	s.Hold()
	b, c := u.Send("two"), u.Send("three")
	if ups, _ = getUpdates(t, ctx, s, offset(a+1)); len(ups) != 0 {
		t.Errorf("held updates delivered: %v", updateIDs(ups))
	}
	s.Release(true)
	ups, _ = getUpdates(t, ctx, s, offset(a+1))
	if got := updateIDs(ups); !slices.Equal(got, []int64{c, b}) {
		t.Errorf("released in reverse = %v, want [%d %d]", got, c, b)
	}
}

func TestAllowedUpdates(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := startedUser(s, "Ada")
	getUpdates(t, ctx, s, url.Values{"offset": {"-1"}, "allowed_updates": {`["callback_query"]`}})
	getUpdates(t, ctx, s, offset(-0)) // no-op
	u.Send("ignored")
	u.Block()
	ups, _ := getUpdates(t, ctx, s, url.Values{"offset": {"-1"}})
	for _, up := range ups {
		if up.Message != nil && up.Message.Text == "ignored" || up.MyChatMember != nil {
			t.Errorf("update %+v delivered although only callback_query is allowed", up)
		}
	}
}

// TestLongPollWakesUp runs the real client with a 59-second long poll: the
// message must arrive through the parked request, not after its timeout.
func TestLongPollWakesUp(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	rec := newRecorder()
	b := newClient(t, s, bot.WithDefaultHandler(rec.handle))
	pollCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); b.Start(pollCtx) }()
	t.Cleanup(func() { stop(); <-done })

	if err := s.WaitPoller(ctx); err != nil {
		t.Fatal(err)
	}
	u := s.NewUser("Ada", "en")
	ids := []int64{u.Send("first"), u.Send("second")}
	ups := rec.wait(t, ctx, "two messages", func(ups []*models.Update) bool { return len(ups) >= 2 })
	got := []int64{ups[0].ID, ups[1].ID}
	slices.Sort(got)
	if !slices.Equal(got, ids) {
		t.Errorf("received %v, want %v", got, ids)
	}
	// The client confirms by its next offset: nothing stays pending.
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentPollersConflict(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	conflicts := make(chan error, 100)
	onError := func(err error) {
		if errors.Is(err, bot.ErrorConflict) {
			select {
			case conflicts <- err:
			default:
			}
		}
	}
	var wg sync.WaitGroup
	pollCtx, stop := context.WithCancel(ctx)
	t.Cleanup(func() { stop(); wg.Wait() })
	first := newClient(t, s, bot.WithErrorsHandler(onError))
	wg.Add(1)
	go func() { defer wg.Done(); first.Start(pollCtx) }()
	if err := s.WaitPoller(ctx); err != nil {
		t.Fatal(err)
	}
	second := newClient(t, s, bot.WithErrorsHandler(onError))
	wg.Add(1)
	go func() { defer wg.Done(); second.Start(pollCtx) }()
	select {
	case err := <-conflicts:
		if want := "terminated by other getUpdates request"; !strings.Contains(err.Error(), want) {
			t.Errorf("conflict error %q, want %q", err, want)
		}
	case <-ctx.Done():
		t.Fatal("no 409 Conflict with two pollers")
	}
}

func TestCloseEndsWaits(t *testing.T) {
	ctx := testContext(t)
	s := New()
	u := s.NewUser("Ada", "en")
	errc := make(chan error, 1)
	go func() {
		_, err := u.WaitFor(context.Background(), func(Message) bool { return false })
		errc <- err
	}()
	s.Close()
	s.Close() // idempotent
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("WaitFor after Close: %v, want ErrClosed", err)
		}
	case <-ctx.Done():
		t.Fatal("WaitFor still waiting after Close")
	}
}

// TestForwardFromAnUnknownOrigin: a forward carries the origin type given,
// also one go-telegram/bot cannot decode, under the next update id, and
// the updates around it stay readable.
func TestForwardFromAnUnknownOrigin(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := s.NewUser("Ada", "en")
	known, err := u.Forward("hidden_user", "one")
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := u.Forward("story_from_the_future", "two")
	if err != nil {
		t.Fatal(err)
	}
	after := u.Send("three")
	if unknown != known+1 || after != unknown+1 {
		t.Errorf("update ids %d, %d, %d; want consecutive", known, unknown, after)
	}
	_, a := call(t, ctx, s.URL, "/bot"+s.Token+"/getUpdates", nil)
	var raws []json.RawMessage
	if err := json.Unmarshal(a.Result, &raws); err != nil || len(raws) != 3 {
		t.Fatalf("getUpdates result %s: %v", a.Result, err)
	}
	var first models.Update
	if err := json.Unmarshal(raws[0], &first); err != nil || first.Message.ForwardOrigin.Type != models.MessageOriginTypeHiddenUser {
		t.Errorf("known origin: %+v, %v", first.Message, err)
	}
	var second models.Update
	if err := json.Unmarshal(raws[1], &second); err == nil {
		t.Errorf("an unknown origin type decoded: %s", raws[1])
	}
	if !strings.Contains(string(raws[1]), `"type":"story_from_the_future"`) || !strings.Contains(string(raws[1]), `"text":"two"`) {
		t.Errorf("unknown origin update %s", raws[1])
	}
	if _, err := s.InjectUpdate("message", json.RawMessage(`[1]`)); err == nil {
		t.Error("InjectUpdate took a payload that is not an object")
	}
}
