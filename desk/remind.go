package desk

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// manual is the reminders' manual queue, with the desk's store and study.
func (s *Server) manual() *reminders.Manual {
	return &reminders.Manual{Store: s.opt.Store, Catalog: s.opt.Catalog}
}

// remindOne queues a manual reminder to one participant of the
// coordinator's sites and wakes the dispatcher; the request is audited by
// reminders with the coordinator as actor.
func (s *Server) remindOne(w http.ResponseWriter, r *http.Request, sess *session) {
	code := r.PathValue("code")
	if _, err := s.opt.Store.DeskParticipant(r.Context(), code, sess.sites); errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "There is no participant with that code at your sites.")
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	_, err := s.manual().Participant(r.Context(), code, sess.sites, s.opt.Now(), sess.Coordinator.Code)
	done := "reminded"
	switch {
	case errors.Is(err, reminders.ErrWithdrawn):
		done = "withdrawn"
	case errors.Is(err, reminders.ErrNotReachable):
		done = "unreachable"
	case errors.Is(err, reminders.ErrNothingDue):
		done = "nothing"
	case errors.Is(err, reminders.ErrUnknownParticipant):
		s.fail(w, r, http.StatusNotFound, "There is no participant with that code at your sites.")
		return
	case err != nil:
		s.internal(w, r, err)
		return
	default:
		s.opt.Wake()
	}
	s.redirect(w, r, "participants/"+url.PathEscape(code)+"?done="+done)
}

// remindDuePreview is the confirmation page: who would be reminded.
func (s *Server) remindDuePreview(w http.ResponseWriter, r *http.Request, sess *session) {
	queued, err := s.manual().Preview(r.Context(), sess.sites, s.opt.Now())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "remind", page{Title: "Remind everyone due", Nav: "remind", Data: map[string]any{
		"Queued": queued, "Done": false}})
}

// remindDue queues a reminder to everyone the preview listed who still
// owes answers, and wakes the dispatcher.
func (s *Server) remindDue(w http.ResponseWriter, r *http.Request, sess *session) {
	queued, err := s.manual().AllDue(r.Context(), sess.sites, s.opt.Now(), sess.Coordinator.Code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if len(queued) > 0 {
		s.opt.Wake()
	}
	s.render(w, r, http.StatusOK, "remind", page{Title: "Reminders queued", Nav: "remind", Data: map[string]any{
		"Queued": queued, "Done": true}})
}
