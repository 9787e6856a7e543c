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

// consentText is the study's consent text in the chat's language.
func (s *step) consentText() string {
	if s.env.Catalog != nil {
		if t := s.env.Catalog.Study.Consent.Text.In(s.lang()); t != "" {
			return t
		}
	}
	return s.t(msgConsentMissing)
}

// studyInfo is the study information shown below the consent text: whom to
// contact, the ethics approval, the data controller and the information
// letter, so the consent is given knowing them.
func (s *step) studyInfo() string {
	if s.env.Catalog == nil {
		return ""
	}
	st, lang := &s.env.Catalog.Study, s.lang()
	return "\n\n" + s.t(msgStudyInfo, st.Contact.In(lang), st.EthicsApproval.In(lang),
		st.DataController.In(lang), st.InformationLetter.In(lang))
}

// contact is whom the study text names for questions.
func (s *step) contact() string {
	if s.env.Catalog == nil {
		return ""
	}
	return s.env.Catalog.Study.Contact.In(s.lang())
}

// consentVersion is the version of the consent the study asks for now.
func (s *step) consentVersion() string {
	if s.env.Catalog == nil {
		return ""
	}
	return s.env.Catalog.Study.Consent.Version
}

// reconsenting: the participant agreed to an older version of the consent
// than the study's, and must be asked again before anything else.
func (s *step) reconsenting() bool {
	p := s.env.Participant
	cur := s.consentVersion()
	return p != nil && p.ConsentVersion != "" && cur != "" && p.ConsentVersion != cur
}

// reconsentDue: this event is the first since the consent changed, so it is
// answered with the new consent whatever it was (an answer, a tap on a
// reminder): the participant is asked again at their next message.
func (s *step) reconsentDue(stored Phase) bool {
	return s.reconsenting() && stored != PhaseConsent && stored != PhaseLanguage &&
		s.st.Phase == PhaseConsent
}

// consentPrompt asks for consent with the accept and decline buttons; a
// participant who agreed to an older version is told why they are asked
// again.
func (s *step) consentPrompt() {
	s.st.Phase = PhaseConsent
	text := s.consentText() + s.studyInfo() + "\n\n" + s.t(msgConsentHint)
	if s.reconsenting() {
		text = s.t(msgReconsent) + "\n\n" + text
	}
	s.menu(text, [][]Button{
		{{Text: s.t(msgConsentYes), Data: questionnaires.CallbackConsentYes}},
		{{Text: s.t(msgConsentNo), Data: questionnaires.CallbackConsentNo}},
	})
}

// consent records the decision. Agreeing starts the first open
// questionnaire at once; declining stores the decision and nothing else.
// Declining a new version of the consent stops participation there: the
// answers already given are kept, and the message says so.
func (s *step) consent(agreed bool) {
	again := s.reconsenting()
	s.effect(RecordConsent{Version: s.consentVersion(), Agreed: agreed})
	choice := msgConsentNo
	if agreed {
		choice = msgConsentYes
	}
	// The edited message keeps the study information: it is where the
	// participant finds the contact later.
	s.editPrompt(s.consentText() + "\n✓ " + s.t(choice) + s.studyInfo())
	if !agreed {
		s.st.Phase = PhaseDeclined
		s.st.Cursor = nil
		if again {
			s.send(s.t(msgReconsentDeclined, s.contact()))
		} else {
			s.send(s.t(msgDeclinedContact, s.contact()))
		}
		return
	}
	s.st.Phase = PhaseWalking
	s.st.Cursor = nil
	if again {
		s.send(s.t(msgReconsentThanks))
	} else {
		s.send(s.t(msgConsentThanks))
	}
	s.next()
}

// declinedEvent answers anything from someone who declined: /start asks
// again, anything else reminds them of their choice.
func (s *step) declinedEvent() {
	if s.ev.Kind == EventButton {
		s.notice(msgDeclinedNotice)
		return
	}
	s.send(s.t(msgDeclinedContact, s.contact()))
}
