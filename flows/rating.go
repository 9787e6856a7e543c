package flows

import (
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// rateList shows a clinician the consumers they still have to rate, as
// buttons, leaving out the one whose rating just finished (its open count
// in Env predates this step).
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
	s.replies = append(s.replies, Reply{Kind: ReplySend, Text: s.t(msgRateList), Buttons: rows})
}

// ratingsOpen reports whether the clinician has any consumer left to rate.
func (s *step) ratingsOpen() bool {
	for _, r := range s.env.Ratees {
		if r.Open > 0 {
			return true
		}
	}
	return false
}

// findRatee looks a consumer up among the clinician's own by code,
// ignoring case.
func (s *step) findRatee(code string) (Ratee, bool) {
	for _, r := range s.env.Ratees {
		if strings.EqualFold(r.Code, code) {
			return r, true
		}
	}
	return Ratee{}, false
}

// rateCommand handles "/rate" (the list) and "/rate CODE". Coordinators use
// it for their site ratings.
func (s *step) rateCommand(code string) {
	switch s.role() {
	case questionnaires.RoleCoordinator:
		s.resume()
		return
	case questionnaires.RoleClinician:
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
		s.send(s.t(msgRateUnknown))
		return
	}
	if s.st.Rating != nil && *s.st.Rating == r.ParticipantID {
		s.resume()
		return
	}
	s.startRating(r)
}

// rateButton handles a tap on "r:<code>" from a list. A second tap on the
// consumer already being rated changes nothing.
func (s *step) rateButton(code string) bool {
	if s.role() != questionnaires.RoleClinician || s.st.Phase != PhaseIdle && s.st.Phase != PhaseWalking {
		s.notice(msgButtonInactive)
		return false
	}
	r, ok := s.findRatee(code)
	if !ok {
		s.notice(msgRateUnknownNotice)
		return false
	}
	if s.st.Rating != nil && *s.st.Rating == r.ParticipantID {
		s.notice(msgAlreadyRating)
		return false
	}
	s.startRating(r)
	return true
}

// startRating switches the walk to consumer r's rating tasks. Env.Tasks
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
