package flows

import "github.com/imrbot/imrbot/questionnaires"

// Step advances the conversation of one chat by one event. It is pure and
// total: it never panics, reads no clock and does no I/O. Env is not
// modified; the effects say what to store.
func Step(env Env, st State, ev Event) (State, []Reply, []Effect) {
	s := &step{env: env, st: st, ev: ev, tasks: cloneTasks(env.Tasks)}
	if st.Cursor != nil {
		c := *st.Cursor
		s.st.Cursor = &c
	}
	if st.Rating != nil {
		r := *st.Rating
		s.st.Rating = &r
	}
	if !s.run() {
		// Nothing of the state may change (stale buttons, unlinked chats).
		return st, s.replies, nil
	}
	return s.st, s.replies, s.effects
}

// step is one call of Step: the inputs, the working copy of the tasks with
// this step's answers applied, and what has been produced so far.
type step struct {
	env     Env
	st      State
	ev      Event
	tasks   []Task
	replies []Reply
	effects []Effect
}

// run handles the event; it returns false when the state must stay as it
// was and nothing may be stored.
func (s *step) run() bool {
	ev := s.ev
	if ev.Kind == EventCommand && ev.Command == "start" {
		return s.start()
	}
	if s.env.Participant == nil {
		if ev.Kind == EventButton {
			s.notice(msgButtonInactive)
			return false
		}
		s.send(s.tBoth(msgInviteNeeded))
		return false
	}
	stored := s.st.Phase
	s.normalize()
	if s.reconsentDue(stored) {
		s.consentPrompt()
		return true
	}
	switch s.st.Phase {
	case PhaseWithdrawn:
		s.withdrawnEvent()
		return ev.Kind != EventButton
	case PhaseChooseErasure:
		return s.erasureEvent()
	case PhaseDeclined:
		s.declinedEvent()
		return ev.Kind != EventButton
	}
	switch ev.Kind {
	case EventButton:
		return s.button()
	case EventCommand:
		s.command()
	case EventText:
		s.text()
	case EventEdited:
		s.send(s.t(msgEdited))
		s.reprompt()
	default:
		s.send(s.t(msgUnsupported))
		s.reprompt()
	}
	return true
}

// normalize reconciles the stored phase with the participant's record, so a
// lost or outdated state (a restart, a change made elsewhere) never traps
// the conversation.
func (s *step) normalize() {
	p := s.env.Participant
	if !questionnaires.RatesOthers(p.Role) {
		s.st.Rating = nil
	}
	if p.Status == questionnaires.StatusWithdrawn {
		if s.st.Phase != PhaseChooseErasure {
			s.st.Phase = PhaseWithdrawn
		}
		return
	}
	if s.st.Phase == PhaseWithdrawn || s.st.Phase == PhaseChooseErasure {
		// Withdrawal was undone elsewhere (a coordinator re-enrolled them).
		s.st.Phase = PhaseIdle
	}
	if s.needsConsent() {
		switch s.st.Phase {
		case PhaseConsent, PhaseLanguage:
		case PhaseConfirmWithdraw:
			if !s.reconsenting() {
				s.st.Phase = PhaseConsent
			}
		case PhaseDeclined:
		default:
			if p.ConsentDeclined {
				s.st.Phase = PhaseDeclined
			} else {
				s.st.Phase = PhaseConsent
			}
		}
		return
	}
	switch s.st.Phase {
	case PhaseNew, PhaseConsent, PhaseDeclined:
		s.st.Phase = PhaseIdle
	}
}

// needsConsent: consumers and clinicians consent before anything else,
// and again when the study's consent version changes; coordinators are
// staff, not research participants.
func (s *step) needsConsent() bool {
	p := s.env.Participant
	return p != nil && p.Role != questionnaires.RoleCoordinator && (p.ConsentVersion == "" || s.reconsenting())
}

// role is the participant's role, or the invited role during /start.
func (s *step) role() questionnaires.Role {
	if s.env.Participant != nil {
		return s.env.Participant.Role
	}
	if s.env.Invite != nil {
		return s.env.Invite.Role
	}
	return ""
}

// lang is the language to speak: chosen, else the participant's, else the
// invitation's; "" when unknown.
func (s *step) lang() string {
	if s.st.Lang != "" {
		return s.st.Lang
	}
	if p := s.env.Participant; p != nil && p.Lang != "" {
		return p.Lang
	}
	if inv := s.env.Invite; inv != nil && inv.Lang != "" {
		return inv.Lang
	}
	return ""
}

// t renders a message in the chat's language.
func (s *step) t(id MsgID, args ...any) string {
	return render(s.lang(), id, args...)
}

// tBoth renders a message in the chat's language, or in every language
// when the language is not known yet (a stranger's chat).
func (s *step) tBoth(id MsgID, args ...any) string {
	if s.lang() != "" {
		return s.t(id, args...)
	}
	out := ""
	for i, l := range questionnaires.Languages {
		if i > 0 {
			out += "\n\n"
		}
		out += render(l, id, args...)
	}
	return out
}

func (s *step) send(text string) {
	s.replies = append(s.replies, Reply{Kind: ReplySend, Text: text})
}

// prompt sends the message that is now current (a question or a menu). The
// caller has moved State.Seq on (bump) before building its buttons.
func (s *step) prompt(text string, buttons [][]Button) {
	s.replies = append(s.replies, Reply{Kind: ReplySend, Text: text, Buttons: buttons, Prompt: true})
}

// menu bumps the sequence number and sends a prompt whose buttons do not
// carry it (consent, language, withdrawal): they are guarded by the phase.
func (s *step) menu(text string, buttons [][]Button) {
	s.bump()
	s.prompt(text, buttons)
}

// bump moves the sequence number on, so buttons of earlier prompts go stale.
func (s *step) bump() int64 {
	s.st.Seq++
	return s.st.Seq
}

func (s *step) editPrompt(text string) {
	s.replies = append(s.replies, Reply{Kind: ReplyEditPrompt, Text: text})
}

func (s *step) notice(id MsgID) {
	s.replies = append(s.replies, Reply{Kind: ReplyNotice, Text: s.t(id)})
}

func (s *step) effect(e Effect) {
	s.effects = append(s.effects, e)
}

func cloneTasks(in []Task) []Task {
	out := make([]Task, 0, len(in))
	for _, t := range in {
		if t.Questionnaire == nil {
			continue
		}
		answers := make(map[string]*string, len(t.Answers))
		for k, v := range t.Answers {
			answers[k] = v
		}
		t.Answers = answers
		out = append(out, t)
	}
	return out
}
