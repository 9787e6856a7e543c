package conversation_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// deskBase is where the test's desk is reached (DESK_URL).
const deskBase = "https://study.example.org/desk/"

// deskLinks makes login links as desk.NewLoginLink does (this package may
// not import the desk): a fresh token stored through the store, valid 10
// minutes, under deskBase. It records who asked, as actor.
func (s *study) deskLinks(actors *[]string) func(context.Context, int64, string) (string, error) {
	return func(ctx context.Context, coordinatorID int64, actor string) (string, error) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token := base64.RawURLEncoding.EncodeToString(b)
		*actors = append(*actors, actor)
		if err := s.st.CreateDeskLogin(ctx, coordinatorID, token, s.now, s.now.Add(10*time.Minute), actor); err != nil {
			return "", err
		}
		return deskBase + "login/" + token, nil
	}
}

// desk sends /desk from chat through svc and returns the reply that
// follows the commit.
func (s *study) desk(svc *conversation.Service, chat int64) flows.Reply {
	s.t.Helper()
	s.upd++
	out, err := svc.Apply(s.ctx, conversation.Update{ID: s.upd, ChatID: chat, UserID: chat, UserLang: "en", MessageAt: s.now,
		Event: flows.Event{Kind: flows.EventCommand, Command: "desk", UpdateID: s.upd}})
	if err != nil {
		s.t.Fatal(err)
	}
	replies := out.Replies
	if out.Command != nil {
		replies = svc.RunCommand(s.ctx, out)
	}
	if len(replies) != 1 {
		s.t.Fatalf("/desk answered %d replies, want 1: %+v", len(replies), replies)
	}
	return replies[0]
}

// TestDeskGivesCoordinatorsASingleUseLoginLink: a coordinator's /desk is
// answered with a URL button whose link logs them in once, within 10
// minutes; a consumer's is refused and makes no link; without a desk,
// /desk says it is not available.
func TestDeskGivesCoordinatorsASingleUseLoginLink(t *testing.T) {
	s := newStudy(t)
	coordinator := s.enrol("OSL", "coordinator", "", "")
	coordinatorChat := s.chat
	consumer := s.enrol("OSL", "consumer", "", "")
	consumerChat := s.chat

	var actors []string
	svc, err := conversation.New(conversation.Options{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now },
		DeskLink: s.deskLinks(&actors)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Stop)

	r := s.desk(svc, coordinatorChat)
	if r.Kind != flows.ReplySend || !strings.Contains(r.Text, "10 minutes") || len(r.Buttons) != 1 || len(r.Buttons[0]) != 1 {
		t.Fatalf("/desk = %+v, want a message with one button", r)
	}
	btn := r.Buttons[0][0]
	token, ok := strings.CutPrefix(btn.URL, deskBase+"login/")
	if !ok || btn.Data != "" || btn.Text != "Log in to the desk" {
		t.Fatalf("/desk's button = %+v, want a link button to %slogin/TOKEN", btn, deskBase)
	}
	if len(actors) != 1 || actors[0] != coordinator {
		t.Errorf("the link was asked for by %q, want the coordinator %s", actors, coordinator)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM audit_log WHERE action = 'desk_login_link' AND actor = $1`, coordinator); n != 1 {
		t.Errorf("%d login links audited with the coordinator as actor, want 1", n)
	}

	// The link logs the coordinator in, once.
	link, err := s.st.PeekDeskLogin(s.ctx, token, s.now)
	if err != nil || link.Coordinator.Code != coordinator {
		t.Fatalf("the link's token: %+v, %v; want %s's valid login", link, err, coordinator)
	}
	if _, err := s.st.PeekDeskLogin(s.ctx, token, s.now.Add(10*time.Minute)); !errors.Is(err, store.ErrDeskLoginExpired) {
		t.Errorf("the link 10 minutes on: %v, want expired", err)
	}
	if c, err := s.st.SpendDeskLogin(s.ctx, token, "session-1", "csrf-1", s.now.Add(time.Minute)); err != nil || c.Code != coordinator {
		t.Fatalf("logging in with the link: %+v, %v", c, err)
	}
	if _, err := s.st.SpendDeskLogin(s.ctx, token, "session-2", "csrf-2", s.now.Add(2*time.Minute)); !errors.Is(err, store.ErrDeskLoginSpent) {
		t.Errorf("logging in with the link again: %v, want it spent", err)
	}

	// Each /desk makes a new link; bokmål speaks bokmål.
	c := &conversation.Coordinator{Store: s.st, Catalog: s.cat, Now: func() time.Time { return s.now }, DeskLink: s.deskLinks(&actors)}
	r, err = c.Reply(s.ctx, s.ids[coordinator], "nb", "desk", "")
	if err != nil || len(r.Buttons) != 1 || r.Buttons[0][0].URL == btn.URL || !strings.HasPrefix(r.Buttons[0][0].URL, deskBase+"login/") {
		t.Fatalf("a second /desk = %+v, %v; want a new link", r, err)
	}
	if !strings.Contains(r.Text, "10 minutter") || r.Buttons[0][0].Text != "Logg inn på koordinatorsidene" {
		t.Errorf("/desk in bokmål = %+v", r)
	}

	// A consumer is refused, and no link is made.
	before := pgtest.Count(t, "desk_logins")
	if r := s.desk(svc, consumerChat); len(r.Buttons) != 0 || r.Text != "That command is for study coordinators." {
		t.Errorf("%s's /desk = %+v, want the coordinators-only refusal", consumer, r)
	}
	if n := pgtest.Count(t, "desk_logins"); n != before || len(actors) != 2 {
		t.Errorf("a consumer's /desk made a login link")
	}

	// Without a desk (imrbot remind, or a bot run alone), /desk says so.
	if r := s.desk(s.svc, coordinatorChat); len(r.Buttons) != 0 || !strings.Contains(r.Text, "not available") {
		t.Errorf("/desk without a desk = %+v", r)
	}
}
