package flows

import (
	"strconv"

	"github.com/imrbot/imrbot/questionnaires"
)

// ask sends question p and makes it current. Entering a task that has no
// answers yet starts it; intro first introduces the questionnaire.
func (s *step) ask(p pos, intro bool) {
	t := &s.tasks[p.task]
	entering := s.st.Cursor == nil || s.st.Cursor.Task != t.Key
	if entering && len(t.Answers) == 0 {
		s.effect(StartTask{Key: t.Key, Version: t.Questionnaire.Version})
	}
	if intro {
		s.send(s.intro(p.task))
	}
	seq := s.bump()
	s.st.Phase = PhaseWalking
	s.st.Cursor = &Cursor{Task: t.Key, Item: t.Questionnaire.Items[p.item].ID}
	s.prompt(s.questionText(p), s.questionButtons(p, seq))
}

// answer stores value (nil: skipped) for question p, shows it in the
// question's message and moves on to the first unanswered item.
func (s *step) answer(p pos, value *string) {
	t := &s.tasks[p.task]
	it := &t.Questionnaire.Items[p.item]
	old, had := t.Answers[it.ID]
	s.effect(SaveAnswer{Key: t.Key, Item: it.ID, Value: value, UpdateID: s.ev.UpdateID})
	if had && !sameValue(old, value) {
		s.effect(Audit{Action: "answer_changed", Detail: map[string]any{
			"subject": t.Key.SubjectCode, "questionnaire": t.Key.Questionnaire,
			"timepoint": t.Key.Timepoint, "item": it.ID,
		}})
	}
	// The edit shows the question as it was asked: its progress before
	// this answer changed what else will be asked.
	head := s.questionHead(p)
	t.Answers[it.ID] = value
	s.editPrompt(head + "\n✓ " + s.display(it, value))
	if next, ok := firstUnanswered(t); ok {
		s.ask(pos{p.task, next}, false)
		return
	}
	if !t.Completed {
		s.complete(p.task)
	}
	s.next()
}

func sameValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// complete marks task ti completed. When more tasks follow but none of
// this timepoint (and subject), it says the timepoint is done; the last
// task's closing message is finish's.
func (s *step) complete(ti int) {
	t := &s.tasks[ti]
	t.Completed = true
	s.effect(CompleteTask{Key: t.Key})
	moreHere, more := false, false
	for i := range s.tasks {
		o := &s.tasks[i]
		if o.Completed {
			continue
		}
		more = true
		if o.Key.SubjectID == t.Key.SubjectID && o.Key.Timepoint == t.Key.Timepoint {
			moreHere = true
		}
	}
	if more && !moreHere {
		s.send(s.t(msgTimepointDone, s.timepointLabel(t.Key.Timepoint)))
	}
}

// next asks the first unanswered item of the first open task, introducing
// its questionnaire unless it is the one being asked; open tasks with nothing left to ask are completed on
// the way. With nothing open, the walk finishes.
func (s *step) next() {
	for ti := range s.tasks {
		t := &s.tasks[ti]
		if t.Completed {
			continue
		}
		if i, ok := firstUnanswered(t); ok {
			s.ask(pos{ti, i}, s.st.Cursor == nil || s.st.Cursor.Task != t.Key)
			return
		}
		s.complete(ti)
	}
	s.finish()
}

// finish ends the walk: the closing message if this step completed the
// last task, then what comes next for the role.
func (s *step) finish() {
	var last *TaskKey
	for _, e := range s.effects {
		if c, ok := e.(CompleteTask); ok {
			last = &c.Key
		}
	}
	s.st.Phase = PhaseIdle
	s.st.Cursor = nil
	var q *questionnaires.Questionnaire
	if last != nil {
		for i := range s.tasks {
			if s.tasks[i].Key == *last {
				q = s.tasks[i].Questionnaire
			}
		}
	}
	switch {
	case q != nil && s.ratingOther(q):
		s.send(s.t(msgRatingDone, last.SubjectCode, s.timepointLabel(last.Timepoint)))
	case q != nil && q.Subject == questionnaires.SubjectSite:
		s.send(s.t(msgSiteDone, s.timepointLabel(last.Timepoint)))
	case q != nil && questionnaires.RatesOthers(s.role()) && s.ratingsOpen():
		// Their own part is done, not the timepoint: the list of
		// consumers still to rate follows at once (idle).
		s.send(s.t(msgOwnDoneRatingsOpen, s.timepointLabel(last.Timepoint)))
	case q != nil:
		s.send(s.t(msgAllDone, s.timepointLabel(last.Timepoint)))
	}
	s.idle(last != nil)
}

// idle says what there is to do when no question is open: a clinician or
// an assessor gets what is left to rate, a coordinator their commands,
// anyone else that nothing is due (unless a closing message just said so).
func (s *step) idle(justFinished bool) {
	s.st.Phase = PhaseIdle
	s.st.Cursor = nil
	switch s.role() {
	case questionnaires.RoleClinician, questionnaires.RoleAssessor:
		finished := s.st.Rating
		s.st.Rating = nil
		if justFinished && finished == nil && !s.ratingsOpen() {
			return // the closing message said everything is done
		}
		s.rateList(finished)
	case questionnaires.RoleCoordinator:
		if !justFinished {
			s.send(s.t(msgHelpCoordinator))
		}
	default:
		if !justFinished {
			s.send(s.t(msgNothingDue))
		}
	}
}

// resume continues at the first unanswered item: the current question if
// it is still unanswered, else the first open task's.
func (s *step) resume() {
	if s.needsConsent() {
		s.consentPrompt()
		return
	}
	if p, ok := s.cursorPos(); ok {
		if _, answered := s.tasks[p.task].Answers[s.st.Cursor.Item]; !answered {
			s.ask(p, false)
			return
		}
	}
	s.next()
}

// carryOn returns to what was going on before a menu (language,
// withdrawal) interrupted it: the question being asked, even one reached by
// /back, else the first unanswered one.
func (s *step) carryOn() {
	if s.needsConsent() {
		s.consentPrompt()
		return
	}
	s.st.Phase = PhaseWalking
	if p, ok := s.cursorPos(); ok {
		s.ask(p, false)
		return
	}
	s.next()
}

// typed answers the current question with typed text.
func (s *step) typed(text string) {
	p, ok := s.cursorPos()
	if !ok {
		s.resume()
		return
	}
	it := &s.tasks[p.task].Questionnaire.Items[p.item]
	v, problem := parseTyped(it, text, s.lang())
	if problem != "" {
		s.send(problem)
		s.ask(p, false)
		return
	}
	s.answer(p, &v)
}

// skip skips the current question if it allows that.
func (s *step) skip() {
	p, ok := s.cursorPos()
	if !ok {
		s.send(s.t(msgNothingToSkip))
		s.resume()
		return
	}
	if !s.tasks[p.task].Questionnaire.Items[p.item].Optional {
		s.send(s.t(msgNotSkippable))
		s.ask(p, false)
		return
	}
	s.answer(p, nil)
}

// back asks the previous visible item again: of the current
// questionnaire, or at its first item the last visible item of the
// previous questionnaire of the same timepoint and subject (finished or
// not: its answer can still be changed while the timepoint is open).
func (s *step) back() {
	p, ok := s.cursorPos()
	if !ok {
		s.send(s.t(msgNothingToGoBackTo))
		s.resume()
		return
	}
	if prev, ok := previousVisible(&s.tasks[p.task], p.item); ok {
		s.ask(pos{p.task, prev}, false)
		return
	}
	if before, ok := s.previousQuestion(p.task); ok {
		s.ask(before, true)
		return
	}
	s.send(s.t(msgBackAtFirst))
	s.ask(p, false)
}

// previousQuestion is the last visible item of the questionnaire before
// task ti in the battery of the same subject and timepoint.
func (s *step) previousQuestion(ti int) (pos, bool) {
	k := s.tasks[ti].Key
	for i := ti - 1; i >= 0; i-- {
		o := &s.tasks[i]
		if o.Key.SubjectID != k.SubjectID || o.Key.Timepoint != k.Timepoint {
			continue
		}
		if last, ok := previousVisible(o, len(o.Questionnaire.Items)); ok {
			return pos{i, last}, true
		}
	}
	return pos{}, false
}

// answerButton answers the current question with an option button.
func (s *step) answerButton(code int) bool {
	p, ok := s.cursorPos()
	if !ok {
		s.notice(msgButtonInactive)
		return false
	}
	it := &s.tasks[p.task].Questionnaire.Items[p.item]
	if it.Type != questionnaires.TypeChoice {
		s.notice(msgButtonInactive)
		return false
	}
	if _, ok := it.Option(code); !ok {
		s.notice(msgButtonInactive)
		return false
	}
	v := strconv.Itoa(code)
	s.answer(p, &v)
	return true
}

// skipButton skips the current question from its Skip button.
func (s *step) skipButton() bool {
	p, ok := s.cursorPos()
	if !ok || !s.tasks[p.task].Questionnaire.Items[p.item].Optional {
		s.notice(msgButtonInactive)
		return false
	}
	s.answer(p, nil)
	return true
}
