package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
)

// TestReplyQueueIsBounded: while a chat's reply is being sent, at most
// maxQueuedReplies wait behind it; the same reply twice in a row waits
// once; other chats are not affected.
func TestReplyQueueIsBounded(t *testing.T) {
	s := newSerial(maxQueuedReplies)
	running, release := make(chan struct{}), make(chan struct{})
	ran := make(chan int, 2*maxQueuedReplies)
	if !s.Offer(1, "", func() { close(running); <-release }) {
		t.Fatal("the first reply was not queued")
	}
	<-running
	queued := 0
	for i := range 3 * maxQueuedReplies {
		if s.Offer(1, fmt.Sprint(i), func() { ran <- i }) {
			queued++
		}
	}
	if queued != maxQueuedReplies || s.waiting(1) != maxQueuedReplies {
		t.Errorf("%d replies queued, %d waiting, want %d", queued, s.waiting(1), maxQueuedReplies)
	}
	other := make(chan struct{})
	if !s.Offer(2, "", func() { close(other) }) {
		t.Error("another chat's reply was not queued")
	}
	<-other
	close(release)
	for want := range maxQueuedReplies {
		if got := <-ran; got != want {
			t.Fatalf("reply %d ran as number %d: out of order", got, want)
		}
	}

	// The same key twice in a row: the second is dropped; not in a row: both run.
	started, block := make(chan struct{}), make(chan struct{})
	s.Offer(3, "", func() { close(started); <-block })
	<-started
	for _, key := range []string{"refusal", "refusal", "refusal", "question", "refusal"} {
		s.Offer(3, key, func() {})
	}
	if n := s.waiting(3); n != 3 {
		t.Errorf("%d replies waiting, want 3 (refusal, question, refusal)", n)
	}
	close(block)
}

// TestQueuedReplyKeepsNoUserText: what waits in the reply queue is what
// rendering needs, not what the person wrote.
func TestQueuedReplyKeepsNoUserText(t *testing.T) {
	const secret = "my neighbour's name is Kari"
	in := incoming{Update: conversation.Update{ID: 9, ChatID: 5,
		Event: flows.Event{Kind: flows.EventText, Text: secret, UpdateID: 9}}}
	out := newOutcome(in, conversation.Outcome{
		Kind:    "stranger",
		Replies: []flows.Reply{{Kind: flows.ReplySend, Text: "You need an invitation."}},
	})
	if got := fmt.Sprintf("%#v", *out); strings.Contains(got, secret) {
		t.Errorf("queued reply keeps the message: %s", got)
	}
	again := newOutcome(incoming{Update: conversation.Update{ID: 10, ChatID: 5}}, out.Outcome)
	if out.sameAs() != again.sameAs() || out.sameAs() == "" {
		t.Error("identical refusals do not collapse")
	}
	command := newOutcome(in, conversation.Outcome{Command: &conversation.Command{Name: "due"}})
	if command.sameAs() != "" {
		t.Error("a coordinator's command collapses: it would not run")
	}
	tap := *out
	tap.callbackID = "42"
	if tap.sameAs() != "" {
		t.Error("a reply that answers a button tap collapses: the tap would go unanswered")
	}
}
