package flows

import (
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// command handles a command from a linked participant who has not withdrawn
// or declined.
func (s *step) command() {
	switch s.ev.Command {
	case "help":
		s.send(s.help())
		return
	case "language":
		s.languageMenu()
		return
	case "due", "remind", "status", "desk":
		// The adapter routes these to its coordinator handler; reaching here
		// means the sender is not a coordinator.
		if s.role() != questionnaires.RoleCoordinator {
			s.send(s.t(msgCoordinatorOnly))
			return
		}
	}
	if s.ev.Command == "withdraw" && s.reconsenting() {
		// Someone asked to consent again is still a participant, with
		// answers given: they may leave instead of deciding.
		s.withdrawMenu()
		return
	}
	if s.st.Phase == PhaseConsent || s.st.Phase == PhaseLanguage && s.needsConsent() {
		s.send(s.t(msgConsentFirst))
		s.consentPrompt()
		return
	}
	if s.st.Phase == PhaseLanguage || s.st.Phase == PhaseConfirmWithdraw {
		// Any other command leaves the menu for what was going on.
		s.st.Phase = PhaseIdle
		if s.st.Cursor != nil {
			s.st.Phase = PhaseWalking
		}
	}
	switch s.ev.Command {
	case "resume", "continue":
		s.resume()
	case "back":
		s.back()
	case "skip":
		s.skip()
	case "withdraw":
		s.withdrawMenu()
	case "rate":
		s.rateCommand(strings.TrimSpace(s.ev.Arg))
	default:
		s.send(s.t(msgUnknownCommand) + "\n\n" + s.help())
	}
}

// text handles a typed message.
func (s *step) text() {
	switch s.st.Phase {
	case PhaseConsent:
		s.send(s.t(msgUseButtons))
		s.consentPrompt()
	case PhaseLanguage:
		if l, ok := languageNamed(s.ev.Text); ok {
			s.setLanguage(l)
			return
		}
		s.languageMenu()
	case PhaseConfirmWithdraw:
		s.send(s.t(msgUseButtons))
		s.withdrawMenu()
	case PhaseWalking:
		s.typed(s.ev.Text)
	default:
		s.resume()
	}
}

// reprompt shows again what the conversation is waiting for.
func (s *step) reprompt() {
	switch s.st.Phase {
	case PhaseConsent:
		s.consentPrompt()
	case PhaseLanguage:
		s.languageMenu()
	case PhaseConfirmWithdraw:
		s.withdrawMenu()
	default:
		s.carryOn()
	}
}

// button handles a tap. A tap that does not belong to what the conversation
// is waiting for gets a notice and changes nothing.
func (s *step) button() bool {
	d := s.ev.Data
	if seq, code, ok := questionnaires.ParseAnswerCallbackData(d); ok {
		if seq != s.st.Seq || s.st.Phase != PhaseWalking {
			s.notice(msgAlreadyAnswered)
			return false
		}
		return s.answerButton(code)
	}
	if seq, ok := questionnaires.ParseSkipCallbackData(d); ok {
		if seq != s.st.Seq || s.st.Phase != PhaseWalking {
			s.notice(msgAlreadyAnswered)
			return false
		}
		return s.skipButton()
	}
	if l, ok := questionnaires.ParseLanguageCallbackData(d); ok {
		if s.st.Phase != PhaseLanguage || !knownLanguage(l) {
			s.notice(msgButtonInactive)
			return false
		}
		s.setLanguage(l)
		return true
	}
	if code, ok := questionnaires.ParseRateCallbackData(d); ok {
		return s.rateButton(code)
	}
	switch d {
	case questionnaires.CallbackConsentYes, questionnaires.CallbackConsentNo:
		if s.st.Phase != PhaseConsent || !s.needsConsent() {
			s.notice(msgAlreadyAnswered)
			return false
		}
		s.consent(d == questionnaires.CallbackConsentYes)
		return true
	case questionnaires.CallbackWithdrawYes, questionnaires.CallbackWithdrawNo:
		if s.st.Phase != PhaseConfirmWithdraw {
			s.notice(msgButtonInactive)
			return false
		}
		s.confirmWithdraw(d == questionnaires.CallbackWithdrawYes)
		return true
	case questionnaires.CallbackStart:
		if s.st.Phase == PhaseConsent {
			s.consentPrompt()
			return true
		}
		s.resume()
		return true
	}
	s.notice(msgButtonInactive)
	return false
}

// help is the list of commands for the participant's role.
func (s *step) help() string {
	switch s.role() {
	case questionnaires.RoleCoordinator:
		return s.t(msgHelpCoordinator)
	case questionnaires.RoleClinician:
		return s.t(msgHelpClinician)
	case questionnaires.RoleAssessor:
		return s.t(msgHelpAssessor)
	}
	return s.t(msgHelp)
}
