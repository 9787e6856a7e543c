package desk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/store"
)

// routeInvitations mounts the invitation form, its letters and reissue.
func (s *Server) routeInvitations() {
	s.mux.Handle("GET /desk/invitations", s.authed(s.invitationForm))
	s.mux.Handle("POST /desk/invitations", s.authed(s.invite))
	s.mux.Handle("POST /desk/letters", s.authed(s.letters))
	s.mux.Handle("GET /desk/participants/{code}/reissue", s.authed(s.reissueConfirm))
	s.mux.Handle("POST /desk/participants/{code}/reissue", s.authed(s.reissue))
}

// inviteForm is the invitation form's values, as typed, so that a refused
// form comes back filled in.
type inviteForm struct {
	Site, Role, Lang, BaselineDate, Clinician, Count, Expires string
}

// invitation is one participant just invited (or reissued), with the code
// the desk can show only now: it is stored hashed.
type invitation struct {
	Participant, InviteCode, Link string
}

// inviteLabels name the form's fields in refusals (store names them as
// the CLI's flags).
var inviteLabels = map[string]string{
	"role": "Role", "lang": "Language", "count": "Count", "clinician": "Clinician",
	"baseline-date": "Baseline date", "expires": "Valid for",
}

// invitationForm shows an empty form.
func (s *Server) invitationForm(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderInviteForm(w, r, sess, http.StatusOK, inviteForm{Site: sess.sites[0], Role: "consumer", Count: "1", Expires: "30d"}, "")
}

func (s *Server) renderInviteForm(w http.ResponseWriter, r *http.Request, sess *session, status int, f inviteForm, msg string) {
	s.render(w, r, status, "invitations", page{Title: "Invite participants", Nav: "invitations", Flash: msg,
		Data: map[string]any{"Form": f, "Roles": store.InviteRoles, "Max": store.MaxInviteCount}})
}

// invite creates participants at one of the coordinator's sites by the
// rules `imrbot invite` follows, audited with the coordinator as actor,
// and shows their links: the only time the desk knows their codes.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, sess *session) {
	f := inviteForm{Site: r.PostFormValue("site"), Role: r.PostFormValue("role"), Lang: r.PostFormValue("lang"),
		BaselineDate: strings.TrimSpace(r.PostFormValue("baseline_date")), Clinician: strings.TrimSpace(r.PostFormValue("clinician")),
		Count: strings.TrimSpace(r.PostFormValue("count")), Expires: strings.TrimSpace(r.PostFormValue("expires"))}
	if !sess.sees(f.Site) {
		s.fail(w, r, http.StatusNotFound, "You have no site with that code.")
		return
	}
	count, err := strconv.Atoi(f.Count)
	if err != nil {
		s.renderInviteForm(w, r, sess, http.StatusBadRequest, f, fmt.Sprintf("Count %q: want a whole number between 1 and %d.", f.Count, store.MaxInviteCount))
		return
	}
	username, err := s.botUsername(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	} else if username == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "The bot's username is not known yet, so no link could be made: set TELEGRAM_BOT_USERNAME or start imrbot serve once. No one was invited.")
		return
	}
	np, err := store.InviteRequest{Site: f.Site, Role: f.Role, Lang: f.Lang, BaselineDate: f.BaselineDate,
		Clinician: f.Clinician, Count: count, Expires: f.Expires}.Check(s.opt.Now())
	var ie *store.InviteError
	if errors.As(err, &ie) {
		s.renderInviteForm(w, r, sess, http.StatusBadRequest, f, inviteLabels[ie.Field]+" "+ie.Problem+". No one was invited.")
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	np.Actor = sess.Coordinator.Code
	made, err := s.opt.Store.Invite(r.Context(), np, count, store.NewInviteCode)
	switch {
	case errors.Is(err, store.ErrBadClinician):
		s.renderInviteForm(w, r, sess, http.StatusBadRequest, f, fmt.Sprintf("Clinician %q: no clinician with that code at site %s. No one was invited.", f.Clinician, f.Site))
		return
	case errors.Is(err, store.ErrUnknownSite):
		s.fail(w, r, http.StatusNotFound, "You have no site with that code.")
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	out := make([]invitation, 0, len(made))
	for _, inv := range made {
		out = append(out, invitation{Participant: inv.ParticipantCode, InviteCode: inv.InviteCode,
			Link: store.DeepLink(username, inv.InviteCode)})
	}
	s.renderInvited(w, r, fmt.Sprintf("%d participant(s) invited", len(out)), out, false)
}

// renderInvited shows invitations just made with their links, and the
// buttons that print their letters.
func (s *Server) renderInvited(w http.ResponseWriter, r *http.Request, title string, invs []invitation, reissued bool) {
	s.render(w, r, http.StatusOK, "invited", page{Title: title, Nav: "invitations",
		Data: map[string]any{"Invitations": invs, "Reissued": reissued}})
}

// botUsername is the bot's username for deep links: the desk's option,
// else the one serve recorded when it started; "" when neither is known.
func (s *Server) botUsername(ctx context.Context) (string, error) {
	if u := strings.TrimPrefix(s.opt.BotUsername, "@"); u != "" {
		return u, nil
	}
	u, err := s.opt.Store.Setting(ctx, store.SettingBotUsername)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return u, err
}
