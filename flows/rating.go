package flows

import (
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// rateList shows a clinician the consumers they still have to rate (an
// assessor the sites and clinicians), as buttons, leaving out the one whose
// rating just finished (its open count in Env predates this step).
func (s *step) rateList(finished *int64) {
	var rows [][]Button
	for _, r := range s.env.Ratees {
		if r.Open <= 0 || finished != nil && r.ParticipantID == *finished {
			continue
		}
		if d, ok := questionnaires.RateCallbackData(r.Code); ok {
			rows = append(rows, []Button{{Text: r.Code, Data: d}})
		}
	}
	if len(rows) == 0 {
		s.send(s.t(msgNothingToRate))
		return
	}
	s.replies = append(s.replies, Reply{Kind: ReplySend, Text: s.t(s.forRole(msgRateList, msgRateListAssessor)), Buttons: rows})
}

// ratingsOpen reports whether the clinician has any consumer left to rate
// (an assessor any site or clinician).
func (s *step) ratingsOpen() bool {
	for _, r := range s.env.Ratees {
		if r.Open > 0 {
			return true
		}
	}
	return false
}

// findRatee looks a consumer up among the clinician's own by code (a site
// or clinician among an assessor's), ignoring case.
func (s *step) findRatee(code string) (Ratee, bool) {
	for _, r := range s.env.Ratees {
		if strings.EqualFold(r.Code, code) {
			return r, true
		}
	}
	return Ratee{}, false
}

// rateCommand handles "/rate" (the list) and "/rate CODE" (a consumer's
// code; for an assessor a site's or a clinician's). Coordinators use it for
// their site ratings.
func (s *step) rateCommand(code string) {
	switch s.role() {
	case questionnaires.RoleCoordinator:
		s.resume()
		return
	case questionnaires.RoleClinician, questionnaires.RoleAssessor:
	default:
		s.send(s.t(msgRateClinicianOnly))
		return
	}
	if code == "" {
		s.rateList(nil)
		return
	}
	r, ok := s.findRatee(code)
	if !ok {
		s.send(s.t(s.forRole(msgRateUnknown, msgRateUnknownAssessor)))
		return
	}
	if s.st.Rating != nil && *s.st.Rating == r.ParticipantID {
		s.resume()
		return
	}
	s.startRating(r)
}

// rateButton handles a tap on "r:<code>" from a list. A second tap on the
// consumer (site, clinician) already being rated changes nothing.
func (s *step) rateButton(code string) bool {
	if !questionnaires.RatesOthers(s.role()) || s.st.Phase != PhaseIdle && s.st.Phase != PhaseWalking {
		s.notice(msgButtonInactive)
		return false
	}
	r, ok := s.findRatee(code)
	if !ok {
		s.notice(s.forRole(msgRateUnknownNotice, msgRateUnknownNoticeAssessor))
		return false
	}
	if s.st.Rating != nil && *s.st.Rating == r.ParticipantID {
		s.notice(s.forRole(msgAlreadyRating, msgAlreadyRatingAssessor))
		return false
	}
	s.startRating(r)
	return true
}

// startRating switches the walk to ratee r's rating tasks. Env.Tasks
// still hold the previous context's tasks in this step, so the first
// question comes from r.Tasks when the adapter supplied them.
func (s *step) startRating(r Ratee) {
	if r.Open <= 0 {
		s.send(s.t(msgRateNothingOpen, r.Code))
		return
	}
	id := r.ParticipantID
	s.st.Rating = &id
	s.st.Cursor = nil
	s.st.Phase = PhaseIdle
	s.tasks = cloneTasks(r.Tasks)
	for i := range s.tasks {
		if !s.tasks[i].Completed {
			s.next()
			return
		}
	}
	s.send(s.t(msgRateStarted, r.Code))
}

// ratingOther reports whether questionnaire q is about someone other than
// the respondent (a consumer or a clinician, or a site an assessor rates;
// a coordinator's site rating is their own): such a question names its
// subject, and its end says whose rating is done.
func (s *step) ratingOther(q *questionnaires.Questionnaire) bool {
	switch q.Subject {
	case questionnaires.SubjectConsumer, questionnaires.SubjectClinician:
		return true
	case questionnaires.SubjectSite:
		return s.role() == questionnaires.RoleAssessor
	}
	return false
}

// forRole picks the assessor's wording of a rating text, which speaks of
// sites and clinicians where a clinician's speaks of consumers.
func (s *step) forRole(clinician, assessor MsgID) MsgID {
	if s.role() == questionnaires.RoleAssessor {
		return assessor
	}
	return clinician
}
