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

// remindScopes are the desk's reminders to everyone, by the value of the
// scope parameter: the overdue first, as coordinators ask for them.
var remindScopes = []struct {
	Value, Label string
	Scope        reminders.Scope
}{
	{"overdue", "Overdue", reminders.ScopeOverdue},
	{"due", "Everyone due (open or overdue)", reminders.ScopeDue},
}

// remindScope reads the request's scope: overdue when it names none.
func remindScope(r *http.Request) (value string, scope reminders.Scope, ok bool) {
	value = r.FormValue("scope")
	if value == "" {
		value = remindScopes[0].Value
	}
	for _, sc := range remindScopes {
		if sc.Value == value {
			return value, sc.Scope, true
		}
	}
	return value, 0, false
}

// remindDuePreview is the confirmation page: who would be reminded.
func (s *Server) remindDuePreview(w http.ResponseWriter, r *http.Request, sess *session) {
	s.remindEveryone(w, r, sess, false)
}

// remindDue queues a reminder to everyone in the scope the preview showed
// who still owes answers, and wakes the dispatcher.
func (s *Server) remindDue(w http.ResponseWriter, r *http.Request, sess *session) {
	s.remindEveryone(w, r, sess, true)
}

func (s *Server) remindEveryone(w http.ResponseWriter, r *http.Request, sess *session, send bool) {
	value, scope, ok := remindScope(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Remind whom? The choice must be overdue or due.")
		return
	}
	var queued []reminders.Queued
	var err error
	if send {
		queued, err = s.manual().AllDue(r.Context(), sess.sites, scope, s.opt.Now(), sess.Coordinator.Code)
	} else {
		queued, err = s.manual().Preview(r.Context(), sess.sites, scope, s.opt.Now())
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	title := "Remind"
	if send {
		title = "Reminders queued"
		if len(queued) > 0 {
			s.opt.Wake()
		}
	}
	s.render(w, r, http.StatusOK, "remind", page{Title: title, Nav: "remind", Data: map[string]any{
		"Queued": queued, "Done": send, "Scope": value, "Scopes": remindScopes}})
}
