package flows

import (
	"github.com/imrbot/imrbot/questionnaires"
)

// start handles "/start" and "/start CODE". Only a valid invitation
// presented by an unlinked chat stores anything (LinkChat); a stranger
// learns that an invitation is needed, and nothing is kept about them.
func (s *step) start() bool {
	p := s.env.Participant
	inv := s.env.Invite
	if s.ev.Arg == "" || inv == nil {
		if p == nil {
			s.send(s.tBoth(msgInviteNeeded))
			return false
		}
		s.restart()
		return true
	}
	switch inv.Status {
	case InviteValid:
		if p != nil {
			if p.ID != inv.ParticipantID {
				s.send(s.t(msgOtherParticipant))
				return false
			}
			s.restart()
			return true
		}
		s.link()
		return true
	case InviteUsedHere:
		if p == nil {
			s.send(s.tBoth(msgInviteNeeded))
			return false
		}
		s.restart()
		return true
	case InviteUsedElsewhere:
		s.send(s.tBoth(msgInviteUsed))
		return false
	case InviteExpired:
		s.send(s.tBoth(msgInviteExpired))
		return false
	}
	s.send(s.tBoth(msgInviteNeeded))
	return false
}

// link redeems a valid invitation: coordinators get their commands,
// everyone else the consent question.
func (s *step) link() {
	inv := s.env.Invite
	s.effect(LinkChat{ParticipantID: inv.ParticipantID})
	s.st = State{Seq: s.st.Seq}
	if inv.Role == questionnaires.RoleCoordinator {
		s.st.Phase = PhaseIdle
		s.send(s.t(msgWelcomeCoordinator) + "\n\n" + s.t(msgHelpCoordinator))
		return
	}
	s.send(s.t(msgWelcome))
	s.consentPrompt()
}

// restart is "/start" from a linked chat: pick up where things stand. A
// participant who declined is asked again, which is how they reconsider.
func (s *step) restart() {
	s.normalize()
	switch s.st.Phase {
	case PhaseWithdrawn:
		s.send(s.t(msgWithdrawnInfo))
	case PhaseChooseErasure:
		s.erasureMenu()
	case PhaseDeclined, PhaseConsent:
		s.consentPrompt()
	default:
		s.resume()
	}
}

// consentText is the protocol's consent text in the chat's language.
func (s *step) consentText() string {
	if s.env.Catalog != nil {
		if t := s.env.Catalog.Protocol.Consent.Text.In(s.lang()); t != "" {
			return t
		}
	}
	return s.t(msgConsentMissing)
}

func (s *step) consentVersion() string {
	if s.env.Catalog == nil {
		return ""
	}
	return s.env.Catalog.Protocol.Consent.Version
}

// consentPrompt asks for consent with the accept and decline buttons.
func (s *step) consentPrompt() {
	s.st.Phase = PhaseConsent
	s.menu(s.consentText()+"\n\n"+s.t(msgConsentHint), [][]Button{
		{{Text: s.t(msgConsentYes), Data: questionnaires.CallbackConsentYes}},
		{{Text: s.t(msgConsentNo), Data: questionnaires.CallbackConsentNo}},
	})
}

// consent records the decision. Agreeing starts the first open
// questionnaire at once; declining stores the decision and nothing else.
func (s *step) consent(agreed bool) {
	s.effect(RecordConsent{Version: s.consentVersion(), Agreed: agreed})
	choice := msgConsentNo
	if agreed {
		choice = msgConsentYes
	}
	s.editPrompt(s.consentText() + "\n✓ " + s.t(choice))
	if !agreed {
		s.st.Phase = PhaseDeclined
		s.st.Cursor = nil
		s.send(s.t(msgDeclined))
		return
	}
	s.st.Phase = PhaseWalking
	s.st.Cursor = nil
	s.send(s.t(msgConsentThanks))
	s.next()
}

// declinedEvent answers anything from someone who declined: /start asks
// again, anything else reminds them of their choice.
func (s *step) declinedEvent() {
	if s.ev.Kind == EventButton {
		s.notice(msgDeclinedNotice)
		return
	}
	s.send(s.t(msgDeclined))
}
