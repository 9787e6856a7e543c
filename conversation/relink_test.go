package conversation_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/store"
)

var progressRE = regexp.MustCompile(`\b(\d+)/(\d+)\b`)

// question is the last reply's question and its place in its questionnaire.
func question(t *testing.T, out *conversation.Outcome) (text string, n string) {
	t.Helper()
	last := out.Replies[len(out.Replies)-1]
	m := progressRE.FindStringSubmatch(last.Text)
	if !last.Prompt || m == nil {
		t.Fatalf("last reply is no question: %+v", out.Replies)
	}
	return last.Text, m[1]
}

func TestReissuedInvitationMovesTheLinkAndTheConversation(t *testing.T) {
	s := newStudy(t)
	code := s.enrol("OSL", "consumer", "", "")
	oldChat := s.chat
	// Two answers in the old chat; the third question is asked there.
	for range 2 {
		out := s.apply(oldChat, flows.Event{Kind: flows.EventCommand, Command: "resume"})
		s.apply(oldChat, flows.Event{Kind: flows.EventButton, Data: out.Replies[len(out.Replies)-1].Buttons[0][0].Data})
	}
	asked, n := question(t, s.apply(oldChat, flows.Event{Kind: flows.EventCommand, Command: "resume"}))
	if n != "3" {
		t.Fatalf("after two answers the chat asks %q, want the third item", asked)
	}

	inv, linked, err := s.st.Reissue(s.ctx, code, s.now, s.now.AddDate(0, 0, 30), func() (string, error) { return "newphone", nil }, "cli")
	if err != nil || !linked {
		t.Fatalf("Reissue: linked %t, %v", linked, err)
	}
	s.chat++
	newChat := s.chat
	out := s.apply(newChat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: inv.InviteCode})
	if out.Kind != "applied" || out.ParticipantID != s.ids[code] {
		t.Fatalf("the new chat's /start: %+v", out)
	}
	if got, want := out.Replies[0].Text, flows.Say("en", flows.MsgLinkMoved); got != want {
		t.Errorf("the new chat is first told %q, want %q", got, want)
	}
	for _, r := range out.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, "I agree") {
					t.Errorf("the moved participant is asked to consent again: %q", r.Text)
				}
			}
		}
	}
	if text, _ := question(t, out); text != asked {
		t.Errorf("the new chat asks %q, want where the old chat was: %q", text, asked)
	}

	// The old chat is a stranger's now; the same code in a third chat is
	// refused as used.
	if out := s.apply(oldChat, flows.Event{Kind: flows.EventText, Text: "3"}); out.Kind != "stranger" || out.ParticipantID != 0 {
		t.Errorf("the old chat's next message: %+v, want a stranger's", out)
	}
	s.chat++
	out = s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: inv.InviteCode})
	if out.Kind != "stranger" || len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "already been used") {
		t.Errorf("a third chat presenting the code: %+v, want it refused as used", out)
	}
	entries, err := s.st.AuditLog(s.ctx, "link.move")
	if err != nil || len(entries) != 1 || entries[0].Actor != code {
		t.Errorf("audit of the move: %+v, %v", entries, err)
	}
}

func TestRevokedInvitationLinksNothing(t *testing.T) {
	s := newStudy(t)
	np := store.NewParticipant{Site: "OSL", Role: "consumer", Lang: "en", InviteExpires: s.now.AddDate(0, 1, 0)}
	first, err := s.st.Invite(s.ctx, np, 1, func() (string, error) { return "firstcode", nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.st.Reissue(s.ctx, first[0].ParticipantCode, s.now, s.now.AddDate(0, 0, 30),
		func() (string, error) { return "secondcode", nil }, "cli"); err != nil {
		t.Fatal(err)
	}
	s.chat++
	out := s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: "firstcode"})
	if out.Kind != "stranger" || len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "expired") {
		t.Errorf("the revoked code: %+v, want it refused as expired", out)
	}
	out = s.apply(s.chat, flows.Event{Kind: flows.EventCommand, Command: "start", Arg: "secondcode"})
	if out.Kind != "applied" || button(t, out, "I agree") == "" {
		t.Errorf("the reissued code of someone never linked: %+v, want the consent question", out)
	}
}
