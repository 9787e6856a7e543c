package desk

import (
	"errors"
	"net/http"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Why a reissue is refused, for the confirmation page and the form alike.
const (
	refuseWithdrawn = "cannot get a new invitation: they have withdrawn from the study."
	refuseErased    = "cannot get a new invitation: they withdrew and their answers were erased."
)

// reissueRefusal says why the participant's invitation cannot be
// reissued, "" when it can.
func reissueRefusal(p *store.RosterEntry) string {
	switch {
	case p.Erased:
		return p.Code + " " + refuseErased
	case p.Status == questionnaires.StatusWithdrawn:
		return p.Code + " " + refuseWithdrawn
	}
	return ""
}

// reissueConfirm asks before reissuing: the old link stops working, and a
// linked participant moves to the chat that uses the new one.
func (s *Server) reissueConfirm(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.deskParticipant(w, r, sess)
	if !ok {
		return
	}
	if msg := reissueRefusal(p); msg != "" {
		s.fail(w, r, http.StatusConflict, msg)
		return
	}
	s.render(w, r, http.StatusOK, "reissue", page{Title: "Reissue the invitation of " + p.Code, Nav: "roster",
		Data: map[string]any{"P": p, "Expires": "30d"}})
}

// reissue replaces the participant's unused invitation by a new one
// (store.Reissue, as `imrbot invite reissue` does), audited with the
// coordinator as actor, and shows the new link with its letter.
func (s *Server) reissue(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.deskParticipant(w, r, sess)
	if !ok {
		return
	}
	username, err := s.botUsername(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	} else if username == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "The bot's username is not known yet, so no link could be made: set TELEGRAM_BOT_USERNAME or start imrbot serve once. Nothing was reissued.")
		return
	}
	ttl, err := store.InviteTTL(r.PostFormValue("expires"))
	if ie := (*store.InviteError)(nil); errors.As(err, &ie) {
		s.fail(w, r, http.StatusBadRequest, "Valid for "+ie.Problem+". Nothing was reissued.")
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	now := s.opt.Now()
	inv, _, err := s.opt.Store.Reissue(r.Context(), p.Code, now, now.Add(ttl), store.NewInviteCode, sess.Coordinator.Code)
	switch {
	case errors.Is(err, store.ErrErased):
		s.fail(w, r, http.StatusConflict, p.Code+" "+refuseErased+" Nothing was reissued.")
		return
	case errors.Is(err, store.ErrAlreadyWithdrawn):
		s.fail(w, r, http.StatusConflict, p.Code+" "+refuseWithdrawn+" Nothing was reissued.")
		return
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "There is no participant with that code at your sites.")
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	s.renderInvited(w, r, "Invitation of "+p.Code+" reissued", []invitation{{
		Participant: inv.ParticipantCode, InviteCode: inv.InviteCode, Link: store.DeepLink(username, inv.InviteCode)}}, true)
}

// deskParticipant is the participant the path names, at the
// coordinator's sites; otherwise it answers not found and reports false.
func (s *Server) deskParticipant(w http.ResponseWriter, r *http.Request, sess *session) (*store.RosterEntry, bool) {
	p, err := s.opt.Store.DeskParticipant(r.Context(), r.PathValue("code"), sess.sites)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "There is no participant with that code at your sites.")
		return nil, false
	} else if err != nil {
		s.internal(w, r, err)
		return nil, false
	}
	return p, true
}
