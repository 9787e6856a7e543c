package flows

import "github.com/imrbot/imrbot/questionnaires"

// withdrawMenu asks whether the participant really wants to withdraw. The
// question being asked stays the cursor, so "No" carries on with it.
func (s *step) withdrawMenu() {
	if s.role() == questionnaires.RoleCoordinator {
		s.send(s.t(msgCoordinatorNoWithdraw))
		return
	}
	s.st.Phase = PhaseConfirmWithdraw
	s.menu(s.t(msgWithdrawConfirm), [][]Button{
		{{Text: s.t(msgWithdrawYes), Data: questionnaires.CallbackWithdrawYes}},
		{{Text: s.t(msgWithdrawNo), Data: questionnaires.CallbackWithdrawNo}},
	})
}

// confirmWithdraw acts on the confirmation. Withdrawal takes effect at once
// (status withdrawn, reminders stopped); keeping or erasing the answers is
// asked next, and keeping is what happens if that question is never
// answered.
func (s *step) confirmWithdraw(yes bool) {
	if !yes {
		s.editPrompt(s.t(msgWithdrawConfirm) + "\n✓ " + s.t(msgWithdrawNo))
		s.carryOn()
		return
	}
	s.editPrompt(s.t(msgWithdrawConfirm) + "\n✓ " + s.t(msgWithdrawYes))
	s.effect(Withdraw{Erase: false})
	s.st.Rating = nil
	s.erasureMenu()
}

// erasureMenu asks whether to keep or erase the answers given.
func (s *step) erasureMenu() {
	s.st.Phase = PhaseChooseErasure
	s.st.Cursor = nil
	s.menu(s.t(msgErasureChoice), [][]Button{
		{{Text: s.t(msgKeepAnswers), Data: questionnaires.CallbackKeepAnswers}},
		{{Text: s.t(msgEraseAnswers), Data: questionnaires.CallbackEraseAnswers}},
	})
}

// erasureEvent handles anything while keep-or-erase is asked: only the two
// buttons decide; /help helps; anything else asks again.
func (s *step) erasureEvent() bool {
	ev := s.ev
	switch {
	case ev.Kind == EventButton && (ev.Data == questionnaires.CallbackKeepAnswers || ev.Data == questionnaires.CallbackEraseAnswers):
		erase := ev.Data == questionnaires.CallbackEraseAnswers
		choice, closing := msgKeepAnswers, msgWithdrawnKept
		if erase {
			choice, closing = msgEraseAnswers, msgWithdrawnErased
		}
		s.editPrompt(s.t(msgErasureChoice) + "\n✓ " + s.t(choice))
		s.effect(Withdraw{Erase: erase})
		s.st.Phase = PhaseWithdrawn
		s.send(s.t(closing))
		return true
	case ev.Kind == EventButton:
		s.notice(msgButtonInactive)
		return false
	case ev.Kind == EventCommand && ev.Command == "help":
		s.send(s.t(msgErasureHelp))
		return true
	}
	s.erasureMenu()
	return true
}

// withdrawnEvent answers a chat still linked after its withdrawal was
// complete, which only a withdrawal made before every withdrawal deleted the
// link leaves (until store.ForgetWithdrawnChats clears it); nothing is
// stored. Otherwise the chat is a stranger's once withdrawal is complete.
func (s *step) withdrawnEvent() {
	if s.ev.Kind == EventButton {
		s.notice(msgWithdrawnNotice)
		return
	}
	s.send(s.t(msgWithdrawnInfo))
}
