package flows

import (
	"reflect"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// TestStrangers: whatever an unlinked chat sends, it learns that an
// invitation is needed (in both languages) and nothing changes or is stored.
func TestStrangers(t *testing.T) {
	for _, ev := range []Event{
		cmd("start"), cmd("start", "NOSUCH"), cmd("help"), cmd("resume"), text("hi"), text("1"),
		{Kind: EventUnsupported}, {Kind: EventEdited, Text: "x"}, cmd("withdraw"), cmd("rate", "OSL-C-0011"),
	} {
		st := State{Phase: PhaseWalking, Seq: 7, Lang: ""}
		env := Env{Catalog: testCatalog()}
		if ev.Command == "start" && ev.Arg != "" {
			env.Invite = &Invite{Status: InviteUnknown}
		}
		got, replies, effects := Step(env, st, ev)
		if !reflect.DeepEqual(got, st) || effects != nil {
			t.Errorf("%+v: state %+v effects %v, want unchanged and none", ev, got, effects)
		}
		all := allText(replies)
		if len(replies) != 1 || !strings.Contains(all, "personal invitation link") || !strings.Contains(all, "personlig invitasjonslenke") {
			t.Errorf("%+v: replies %s, want the invitation notice in both languages", ev, all)
		}
	}
	got, replies, effects := Step(Env{Catalog: testCatalog()}, State{Seq: 3}, tap("a:3:1"))
	if !reflect.DeepEqual(got, State{Seq: 3}) || effects != nil || len(replies) != 1 || replies[0].Kind != ReplyNotice {
		t.Errorf("button from a stranger: %+v %v %v", got, replies, effects)
	}
}

func TestStart(t *testing.T) {
	cat := testCatalog()
	t.Run("expired", func(t *testing.T) {
		s := newSim(t, cat, questionnaires.RoleConsumer, "en")
		play(t, s, []turn{{ev: cmd("start", "OLD"), want: []string{"has expired", "har utløpt"}}})
		if s.p != nil || s.st.Phase != PhaseNew {
			t.Fatalf("expired code linked or changed state: %+v", s.st)
		}
	})
	t.Run("used elsewhere", func(t *testing.T) {
		s := newSim(t, cat, questionnaires.RoleConsumer, "en")
		s.invites["INV"].used = "elsewhere"
		play(t, s, []turn{{ev: cmd("start", "INV"), want: []string{"already been used in another chat"}}})
		if s.p != nil || s.stored != 0 {
			t.Fatalf("a used code was accepted")
		}
	})
	t.Run("same chat again resumes", func(t *testing.T) {
		s := enrolled(t, "en")
		play(t, s, []turn{
			{ev: text("2"), anyFx: true},
			{ev: cmd("start", "INV"), want: []string{"2/4", "Do you work?"}, not: []string{"Consent"}, phase: PhaseWalking},
			{ev: cmd("start"), want: []string{"2/4"}},
		})
	})
	t.Run("same chat again before consent", func(t *testing.T) {
		s := newSim(t, cat, questionnaires.RoleConsumer, "nb")
		play(t, s, []turn{
			{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}, want: []string{"Samtykketekst.", "(Jeg samtykker | c:yes)"}},
			{ev: cmd("start", "INV"), want: []string{"Samtykketekst."}, phase: PhaseConsent},
			{ev: text("ja"), want: []string{"Trykk på en av knappene", "Samtykketekst."}, phase: PhaseConsent},
			{ev: cmd("back"), want: []string{"Svar på spørsmålet om samtykke først"}, phase: PhaseConsent},
			{ev: tap("a:1:1"), want: []string{"allerede besvart"}},
			{press: "Jeg samtykker", anyFx: true, want: []string{"Skjema 1 av 2: Tittel q1 (4 spørsmål).", "1/4 · Tittel q1", "(2 - Noen ganger |"}},
		})
	})
	t.Run("another participant's valid code", func(t *testing.T) {
		s := enrolled(t, "en")
		s.invites["INV2"] = &simInvite{p: Participant{ID: 2, Code: "OSL-C-0002", Role: questionnaires.RoleConsumer, Lang: "en"}}
		play(t, s, []turn{{ev: cmd("start", "INV2"), want: []string{"already linked"}}})
		if s.p.ID != 1 {
			t.Fatal("chat relinked")
		}
	})
}

func TestDecline(t *testing.T) {
	s := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, s, []turn{
		{ev: cmd("start", "INV"), fx: []string{"LinkChat 1"}},
		{press: "No, I do not", fx: []string{"RecordConsent v1 false"}, phase: PhaseDeclined,
			want: []string{"✓ No, I do not want to take part", "chosen not to take part", "send /start"}},
		{ev: text("hello"), want: []string{"chosen not to take part"}, phase: PhaseDeclined},
		{ev: cmd("resume"), want: []string{"chosen not to take part"}},
		{ev: tap("c:yes"), want: []string{"Send /start if you change your mind"}},
		{ev: Event{Kind: EventUnsupported}, want: []string{"chosen not to take part"}},
		// Reconsidering: /start asks again.
		{ev: cmd("start"), want: []string{"Consent text.", "I agree"}, phase: PhaseConsent},
		{press: "I agree", fx: []string{"RecordConsent v1 true", "StartTask 1/q1"}, want: []string{"1/4"}},
	})
}

func TestLostState(t *testing.T) {
	// The adapter lost the conversation row: the engine picks up from the
	// participant's record.
	s := enrolled(t, "en")
	s.st = State{}
	play(t, s, []turn{{ev: text("hello"), want: []string{"1/4"}, phase: PhaseWalking, anyFx: true}})
	s2 := newSim(t, testCatalog(), questionnaires.RoleConsumer, "en")
	play(t, s2, []turn{{ev: cmd("start", "INV"), anyFx: true}})
	s2.st = State{}
	play(t, s2, []turn{{ev: text("hello"), want: []string{"Consent text."}, phase: PhaseConsent}})
}
